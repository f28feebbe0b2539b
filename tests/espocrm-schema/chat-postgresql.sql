-- The chat's own tables dialog, dialog_user and dialog_reader as docs/design.md ("Tables") defines them, in the format
-- of pg_dump --schema-only on PostgreSQL 15. Reference for tests/013-espocrm-schema.phpt.
CREATE TABLE public.dialog (
    id character varying(17) NOT NULL,
    name character varying(255) DEFAULT NULL::character varying,
    deleted boolean DEFAULT false,
    type character varying(16) DEFAULT 'Direct'::character varying,
    direct_key character varying(255) DEFAULT NULL::character varying,
    parent_id character varying(17) DEFAULT NULL::character varying,
    parent_type character varying(100) DEFAULT NULL::character varying,
    created_at timestamp(0) without time zone DEFAULT NULL::timestamp without time zone,
    modified_at timestamp(0) without time zone DEFAULT NULL::timestamp without time zone,
    created_by_id character varying(17) DEFAULT NULL::character varying,
    modified_by_id character varying(17) DEFAULT NULL::character varying,
    last_message_at timestamp(0) without time zone DEFAULT NULL::timestamp without time zone,
    last_message_id character varying(17) DEFAULT NULL::character varying,
    last_message_number bigint DEFAULT 0 NOT NULL,
    message_count bigint DEFAULT 0 NOT NULL,
    activity bigint DEFAULT 0 NOT NULL
);

CREATE TABLE public.dialog_user (
    id bigint NOT NULL,
    dialog_id character varying(17) DEFAULT NULL::character varying,
    user_id character varying(17) DEFAULT NULL::character varying,
    deleted boolean DEFAULT false,
    read_count bigint DEFAULT 0 NOT NULL,
    last_read_number bigint DEFAULT 0 NOT NULL,
    notified_number bigint DEFAULT 0 NOT NULL,
    mention_count integer DEFAULT 0 NOT NULL,
    is_muted boolean DEFAULT false NOT NULL,
    joined_at timestamp(0) without time zone DEFAULT NULL::timestamp without time zone,
    unread_hint boolean DEFAULT false NOT NULL,
    list_number bigint DEFAULT 0 NOT NULL,
    counted boolean DEFAULT false NOT NULL
);

CREATE TABLE public.dialog_reader (
    id character varying(17) NOT NULL,
    activity bigint DEFAULT 0 NOT NULL,
    dialog_count bigint DEFAULT 0 NOT NULL
);

CREATE SEQUENCE public.dialog_user_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE public.dialog_user_id_seq OWNED BY public.dialog_user.id;

ALTER TABLE ONLY public.dialog_user ALTER COLUMN id SET DEFAULT nextval('public.dialog_user_id_seq'::regclass);

ALTER TABLE ONLY public.dialog
    ADD CONSTRAINT dialog_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.dialog_user
    ADD CONSTRAINT dialog_user_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.dialog_reader
    ADD CONSTRAINT dialog_reader_pkey PRIMARY KEY (id);

CREATE INDEX idx_dialog_activity ON public.dialog USING btree (activity);

CREATE INDEX idx_dialog_deleted ON public.dialog USING btree (deleted);

CREATE INDEX idx_dialog_user_user_list ON public.dialog_user USING btree (user_id, deleted, list_number, dialog_id);

CREATE INDEX idx_dialog_user_user_counted ON public.dialog_user USING btree (user_id, deleted, counted);

CREATE INDEX idx_dialog_created_by_id ON public.dialog USING btree (created_by_id);

CREATE INDEX idx_dialog_modified_by_id ON public.dialog USING btree (modified_by_id);

CREATE INDEX idx_dialog_parent ON public.dialog USING btree (parent_id, parent_type);

CREATE INDEX idx_dialog_user_dialog_id ON public.dialog_user USING btree (dialog_id);

CREATE INDEX idx_dialog_user_user_unread ON public.dialog_user USING btree (user_id, unread_hint, deleted, dialog_id, read_count, is_muted, last_read_number, notified_number);

CREATE UNIQUE INDEX uniq_dialog_direct_key ON public.dialog USING btree (direct_key);

CREATE UNIQUE INDEX uniq_dialog_user_user_id_dialog_id ON public.dialog_user USING btree (user_id, dialog_id);
