/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* schema: see schema.h. Tables are data: one column list per table, rendered per dialect. */
#include "php.h"
#include "zend_smart_str.h"
#include "ext/pdo/php_pdo_driver.h"
#include "php_ebla_chat.h"
#include "schema.h"
#include "db.h"
#include "ids.h"
#include "errors.h"

typedef enum {
	C_ID,        /* primary key id */
	C_FK,        /* foreign id, nullable */
	C_VARCHAR,   /* varchar(len), nullable, optional default */
	C_VARCHAR_NN,/* varchar(len) NOT NULL DEFAULT def */
	C_TEXT,      /* mediumtext / text */
	C_DATETIME,
	C_DELETED,   /* implicit `deleted`: nullable bool default 0 */
	C_BOOL,      /* bool field: NOT NULL, default `def` ("0"/"1") */
	C_BIGINT,    /* NOT NULL default 0 */
	C_INT,       /* NOT NULL default 0 */
	C_BIGINT_NULL,
	C_AUTO_PK,   /* bigint auto-increment primary key (middle tables) */
	C_NUMBER     /* note.number: auto-increment, unique, not the key */
} ec_col_type;

typedef struct { const char *name; ec_col_type type; int len; const char *def; } ec_col;
/* fulltext: EspoCRM's full-text search index (MySQL FULLTEXT, PostgreSQL GIN over a tsvector;
 * SQLite has none). */
typedef struct { const char *name; bool unique; const char *columns; bool fulltext; } ec_index;
typedef struct {
	const char *name;
	bool core;
	const ec_col *cols;
	const ec_index *indexes;
} ec_table;

/* The core tables are EspoCRM 8.4's own, column for column and index for index, in its order
 * (docs/design.md "Tables"); tests/espocrm-schema/ holds the DDL they are compared with. */
static const ec_col user_cols[] = {
	{"id", C_ID}, {"deleted", C_DELETED}, {"user_name", C_VARCHAR, 50}, {"type", C_VARCHAR, 24, "regular"},
	{"password", C_VARCHAR, 150}, {"auth_method", C_VARCHAR, 24}, {"api_key", C_VARCHAR, 100},
	{"salutation_name", C_VARCHAR, 255}, {"first_name", C_VARCHAR, 100}, {"last_name", C_VARCHAR, 100},
	{"is_active", C_BOOL, 0, "1"}, {"title", C_VARCHAR, 100}, {"avatar_color", C_VARCHAR, 7}, {"gender", C_VARCHAR, 255},
	{"created_at", C_DATETIME}, {"modified_at", C_DATETIME}, {"delete_id", C_VARCHAR_NN, 17, "0"},
	{"middle_name", C_VARCHAR, 100}, {"default_team_id", C_FK}, {"contact_id", C_FK}, {"avatar_id", C_FK},
	{"created_by_id", C_FK}, {"dashboard_template_id", C_FK}, {"working_time_calendar_id", C_FK}, {"layout_set_id", C_FK}, {NULL}
};
static const ec_index user_idx[] = {
	{"USER_NAME_DELETE_ID", true, "user_name, delete_id"}, {"USER_NAME", false, "user_name"}, {"TYPE", false, "type"},
	{"DEFAULT_TEAM_ID", false, "default_team_id"}, {"CONTACT_ID", false, "contact_id"}, {"CREATED_BY_ID", false, "created_by_id"},
	{"DASHBOARD_TEMPLATE_ID", false, "dashboard_template_id"}, {"WORKING_TIME_CALENDAR_ID", false, "working_time_calendar_id"},
	{"LAYOUT_SET_ID", false, "layout_set_id"}, {NULL}
};
static const ec_col team_cols[] = {
	{"id", C_ID}, {"name", C_VARCHAR, 100}, {"deleted", C_DELETED}, {"position_list", C_TEXT},
	{"created_at", C_DATETIME}, {"modified_at", C_DATETIME}, {"layout_set_id", C_FK}, {"working_time_calendar_id", C_FK}, {NULL}
};
static const ec_index team_idx[] = {
	{"LAYOUT_SET_ID", false, "layout_set_id"}, {"WORKING_TIME_CALENDAR_ID", false, "working_time_calendar_id"}, {NULL}
};
static const ec_col team_user_cols[] = {
	{"id", C_AUTO_PK}, {"team_id", C_FK}, {"user_id", C_FK}, {"role", C_VARCHAR, 100}, {"deleted", C_DELETED}, {NULL}
};
static const ec_index team_user_idx[] = {
	{"TEAM_ID_USER_ID", true, "team_id, user_id"}, {"TEAM_ID", false, "team_id"}, {"USER_ID", false, "user_id"}, {NULL}
};
static const ec_col role_cols[] = {
	{"id", C_ID}, {"name", C_VARCHAR, 150}, {"deleted", C_DELETED},
	{"assignment_permission", C_VARCHAR, 255, "not-set"}, {"user_permission", C_VARCHAR, 255, "not-set"},
	{"message_permission", C_VARCHAR, 255, "not-set"}, {"portal_permission", C_VARCHAR, 255, "not-set"},
	{"group_email_account_permission", C_VARCHAR, 255, "not-set"}, {"export_permission", C_VARCHAR, 255, "not-set"},
	{"mass_update_permission", C_VARCHAR, 255, "not-set"}, {"data_privacy_permission", C_VARCHAR, 255, "not-set"},
	{"follower_management_permission", C_VARCHAR, 255, "not-set"}, {"audit_permission", C_VARCHAR, 255, "not-set"},
	{"mention_permission", C_VARCHAR, 255, "not-set"}, {"data", C_TEXT}, {"field_data", C_TEXT},
	{"created_at", C_DATETIME}, {"modified_at", C_DATETIME}, {NULL}
};
static const ec_col role_user_cols[] = {
	{"id", C_AUTO_PK}, {"role_id", C_FK}, {"user_id", C_FK}, {"deleted", C_DELETED}, {NULL}
};
static const ec_index role_user_idx[] = {
	{"ROLE_ID_USER_ID", true, "role_id, user_id"}, {"ROLE_ID", false, "role_id"}, {"USER_ID", false, "user_id"}, {NULL}
};
static const ec_col role_team_cols[] = {
	{"id", C_AUTO_PK}, {"role_id", C_FK}, {"team_id", C_FK}, {"deleted", C_DELETED}, {NULL}
};
static const ec_index role_team_idx[] = {
	{"ROLE_ID_TEAM_ID", true, "role_id, team_id"}, {"ROLE_ID", false, "role_id"}, {"TEAM_ID", false, "team_id"}, {NULL}
};
static const ec_col portal_user_cols[] = {
	{"id", C_AUTO_PK}, {"portal_id", C_FK}, {"user_id", C_FK}, {"deleted", C_DELETED}, {NULL}
};
static const ec_index portal_user_idx[] = {
	{"PORTAL_ID_USER_ID", true, "portal_id, user_id"}, {"PORTAL_ID", false, "portal_id"}, {"USER_ID", false, "user_id"}, {NULL}
};
static const ec_col note_cols[] = {
	{"id", C_ID}, {"deleted", C_DELETED}, {"post", C_TEXT}, {"data", C_TEXT}, {"type", C_VARCHAR, 24, "Post"},
	{"target_type", C_VARCHAR, 7}, {"number", C_NUMBER}, {"is_global", C_BOOL, 0, "0"}, {"is_internal", C_BOOL, 0, "0"},
	{"is_pinned", C_BOOL, 0, "0"}, {"created_at", C_DATETIME}, {"modified_at", C_DATETIME},
	{"parent_id", C_FK}, {"parent_type", C_VARCHAR, 100}, {"related_id", C_FK}, {"related_type", C_VARCHAR, 100},
	{"created_by_id", C_FK}, {"modified_by_id", C_FK}, {"super_parent_id", C_FK}, {"super_parent_type", C_VARCHAR, 100}, {NULL}
};
static const ec_index note_idx[] = {
	{"NUMBER", true, "number"}, {"CREATED_AT", false, "created_at"}, {"CREATED_BY_NUMBER", false, "created_by_id, number"},
	{"TYPE", false, "type"}, {"TARGET_TYPE", false, "target_type"}, {"PARENT_ID", false, "parent_id"},
	{"PARENT_TYPE", false, "parent_type"}, {"RELATED_ID", false, "related_id"}, {"RELATED_TYPE", false, "related_type"},
	{"SUPER_PARENT_TYPE", false, "super_parent_type"}, {"SUPER_PARENT_ID", false, "super_parent_id"},
	{"PARENT", false, "parent_id, parent_type"}, {"RELATED", false, "related_id, related_type"},
	{"CREATED_BY_ID", false, "created_by_id"}, {"MODIFIED_BY_ID", false, "modified_by_id"},
	{"SUPER_PARENT", false, "super_parent_id, super_parent_type"}, {"SYSTEM_FULL_TEXT_SEARCH", false, "post", true}, {NULL}
};
/* No modified_at / modified_by_id: EspoCRM's attachment has neither. */
static const ec_col attachment_cols[] = {
	{"id", C_ID}, {"name", C_VARCHAR, 255}, {"deleted", C_DELETED}, {"type", C_VARCHAR, 100}, {"size", C_BIGINT_NULL},
	{"field", C_VARCHAR, 255}, {"is_being_uploaded", C_BOOL, 0, "0"}, {"created_at", C_DATETIME},
	{"role", C_VARCHAR, 36}, {"storage", C_VARCHAR, 24}, {"storage_file_path", C_VARCHAR, 260}, {"global", C_BOOL, 0, "0"},
	{"parent_id", C_FK}, {"parent_type", C_VARCHAR, 100}, {"related_id", C_FK}, {"related_type", C_VARCHAR, 100},
	{"source_id", C_FK}, {"created_by_id", C_FK}, {NULL}
};
static const ec_index attachment_idx[] = {
	{"PARENT", false, "parent_type, parent_id"}, {"RELATED", false, "related_id, related_type"},
	{"SOURCE", false, "source_id"}, {"CREATED_BY_ID", false, "created_by_id"}, {NULL}
};
static const ec_col dialog_cols[] = {
	{"id", C_ID}, {"name", C_VARCHAR, 255}, {"deleted", C_DELETED}, {"type", C_VARCHAR, 16, "Direct"},
	{"direct_key", C_VARCHAR, 255}, {"parent_id", C_FK}, {"parent_type", C_VARCHAR, 100},
	{"created_at", C_DATETIME}, {"modified_at", C_DATETIME}, {"created_by_id", C_FK}, {"modified_by_id", C_FK},
	{"last_message_at", C_DATETIME}, {"last_message_id", C_FK}, {"last_message_number", C_BIGINT},
	{"message_count", C_BIGINT}, {"activity", C_BIGINT}, {NULL}
};
/* ACTIVITY finds the dialogs written since a reader last looked (hints.c); DELETED the few
 * deleted ones, which the dialog list's count takes off (dialogs.c). */
static const ec_index dialog_idx[] = {
	{"DIRECT_KEY", true, "direct_key"}, {"PARENT", false, "parent_id, parent_type"},
	{"CREATED_BY_ID", false, "created_by_id"}, {"MODIFIED_BY_ID", false, "modified_by_id"},
	{"ACTIVITY", false, "activity"}, {"DELETED", false, "deleted"}, {NULL}
};
static const ec_col dialog_user_cols[] = {
	{"id", C_AUTO_PK}, {"dialog_id", C_FK}, {"user_id", C_FK}, {"deleted", C_DELETED},
	{"read_count", C_BIGINT}, {"last_read_number", C_BIGINT}, {"notified_number", C_BIGINT},
	{"mention_count", C_INT}, {"is_muted", C_BOOL, 0, "0"}, {"joined_at", C_DATETIME},
	{"unread_hint", C_BOOL, 0, "0"}, {"list_number", C_BIGINT}, {"counted", C_BOOL, 0, "0"}, {NULL}
};
/* USER_UNREAD covers the bell's scan of a user's hinted memberships (no row lookups in
 * dialog_user); USER_LIST the dialog list's first page, USER_COUNTED its count (listing.c). */
static const ec_index dialog_user_idx[] = {
	{"USER_ID_DIALOG_ID", true, "user_id, dialog_id"}, {"DIALOG_ID", false, "dialog_id"},
	{"USER_UNREAD", false, "user_id, unread_hint, deleted, dialog_id, read_count, is_muted, last_read_number, notified_number"},
	{"USER_LIST", false, "user_id, deleted, list_number, dialog_id"},
	{"USER_COUNTED", false, "user_id, deleted, counted"}, {NULL}
};
/* Per user, the activity up to which the unread hints are complete (hints.c), and how many
 * memberships are counted (listing.c). */
static const ec_col dialog_reader_cols[] = {
	{"id", C_ID}, {"activity", C_BIGINT}, {"dialog_count", C_BIGINT}, {NULL}
};

static const ec_table ec_tables[] = {
	{"user", true, user_cols, user_idx},
	{"team", true, team_cols, team_idx},
	{"team_user", true, team_user_cols, team_user_idx},
	{"role", true, role_cols, NULL},
	{"role_user", true, role_user_cols, role_user_idx},
	{"role_team", true, role_team_cols, role_team_idx},
	{"portal_user", true, portal_user_cols, portal_user_idx},
	{"note", true, note_cols, note_idx},
	{"attachment", true, attachment_cols, attachment_idx},
	{"dialog", false, dialog_cols, dialog_idx},
	{"dialog_user", false, dialog_user_cols, dialog_user_idx},
	{"dialog_reader", false, dialog_reader_cols, NULL},
	{NULL}
};

static void ec_render_column(smart_str *sql, const ec_db *db, const ec_col *col, bool in_create)
{
	const bool my = db->dialect == EC_MYSQL, pg = db->dialect == EC_PGSQL;
	const char *charset = my ? " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" : "";
	const char *boolean = pg ? "BOOLEAN" : "TINYINT(1)";
	int id_len = ec_id_column_length();

	smart_str_appendc(sql, '"');
	smart_str_appends(sql, col->name);
	smart_str_appends(sql, "\" ");
	switch (col->type) {
		case C_ID:
			smart_str_append_printf(sql, "VARCHAR(%d)%s NOT NULL%s", id_len, charset, in_create ? " PRIMARY KEY" : "");
			break;
		case C_FK:
			smart_str_append_printf(sql, "VARCHAR(%d)%s NULL DEFAULT NULL", id_len, charset);
			break;
		case C_VARCHAR:
			smart_str_append_printf(sql, "VARCHAR(%d)%s ", col->len, charset);
			if (col->def) {
				smart_str_append_printf(sql, "NULL DEFAULT '%s'", col->def);
			} else {
				smart_str_appends(sql, "NULL DEFAULT NULL");
			}
			break;
		case C_VARCHAR_NN:
			smart_str_append_printf(sql, "VARCHAR(%d)%s NOT NULL DEFAULT '%s'", col->len, charset, col->def);
			break;
		case C_TEXT:
			smart_str_append_printf(sql, "%s%s NULL", my ? "MEDIUMTEXT" : "TEXT", charset);
			break;
		case C_DATETIME:
			smart_str_appends(sql, pg ? "TIMESTAMP(0) NULL DEFAULT NULL" : "DATETIME NULL DEFAULT NULL");
			break;
		case C_DELETED:
			smart_str_append_printf(sql, "%s NULL DEFAULT %s", boolean, pg ? "FALSE" : "0");
			break;
		case C_BOOL:
			smart_str_append_printf(sql, "%s NOT NULL DEFAULT %s", boolean,
				pg ? (col->def[0] == '1' ? "TRUE" : "FALSE") : col->def);
			break;
		case C_BIGINT:
			smart_str_appends(sql, "BIGINT NOT NULL DEFAULT 0");
			break;
		case C_INT:
			smart_str_appends(sql, "INT NOT NULL DEFAULT 0");
			break;
		case C_BIGINT_NULL:
			smart_str_appends(sql, "BIGINT NULL");
			break;
		case C_AUTO_PK:
			smart_str_appends(sql, my ? "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY"
				: pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
			break;
		case C_NUMBER:
			/* SQLite has no AUTO_INCREMENT outside the key: a trigger copies the rowid (see below). */
			smart_str_appends(sql, my ? "BIGINT UNSIGNED NOT NULL AUTO_INCREMENT" : pg ? "BIGSERIAL NOT NULL" : "INTEGER NULL");
			break;
	}
}

static zend_result ec_run_ddl(ec_db *db, smart_str *sql, zval *ran)
{
	zend_string *text;

	smart_str_0(sql);
	text = smart_str_extract(sql);
	if (db->dialect == EC_MYSQL) {
		/* Rendered with standard quotes; MySQL without ANSI_QUOTES wants backticks. */
		for (size_t i = 0; i < ZSTR_LEN(text); i++) {
			if (ZSTR_VAL(text)[i] == '"') {
				ZSTR_VAL(text)[i] = '`';
			}
		}
	}
	if (ec_db_exec(db, ZSTR_VAL(text), NULL, 0, NULL) == FAILURE) {
		zend_string_release(text);
		return FAILURE;
	}
	add_next_index_str(ran, text);
	return SUCCESS;
}

/* EspoCRM's index names: MySQL's are per table (UNIQ_NUMBER); PostgreSQL and SQLite share one
 * namespace per schema, and EspoCRM's PostgreSQL names are lower case with the table
 * (uniq_note_number). */
static void ec_index_name(smart_str *sql, const ec_db *db, const ec_table *t, const ec_index *ix)
{
	if (db->dialect == EC_MYSQL) {
		smart_str_appends(sql, ix->unique ? "UNIQ_" : "IDX_");
		smart_str_appends(sql, ix->name);
		return;
	}
	smart_str_appends(sql, ix->unique ? "uniq_" : "idx_");
	smart_str_appends(sql, t->name);
	smart_str_appendc(sql, '_');
	for (const char *p = ix->name; *p; p++) {
		smart_str_appendc(sql, (char) tolower((unsigned char) *p));
	}
}

static zend_result ec_create_index(ec_db *db, const ec_table *t, const ec_index *ix, zval *ran)
{
	smart_str sql = {0};

	smart_str_appends(&sql, ix->unique ? "CREATE UNIQUE INDEX \"" : "CREATE INDEX \"");
	ec_index_name(&sql, db, t, ix);
	smart_str_append_printf(&sql, "\" ON \"%s\" ", t->name);
	if (ix->fulltext) {
		/* Only PostgreSQL gets here (MySQL's is inline, SQLite has none). */
		smart_str_append_printf(&sql, "USING gin (to_tsvector('english', \"%s\"))", ix->columns);
		return ec_run_ddl(db, &sql, ran);
	}
	smart_str_appendc(&sql, '(');
	/* Column lists are plain names separated by ", ": quote each. */
	for (const char *p = ix->columns; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t) (end - p) : strlen(p);
		smart_str_appendc(&sql, '"');
		smart_str_appendl(&sql, p, len);
		smart_str_appendc(&sql, '"');
		if (!end) {
			break;
		}
		smart_str_appends(&sql, ", ");
		p = end + 2;
	}
	smart_str_appendc(&sql, ')');
	return ec_run_ddl(db, &sql, ran);
}

static zend_result ec_create_table(ec_db *db, const ec_table *t, zval *ran)
{
	smart_str sql = {0};

	smart_str_append_printf(&sql, "CREATE TABLE \"%s\" (", t->name);
	for (const ec_col *col = t->cols; col->name; col++) {
		if (col != t->cols) {
			smart_str_appends(&sql, ", ");
		}
		ec_render_column(&sql, db, col, true);
	}
	if (db->dialect == EC_MYSQL) {
		/* The note number is AUTO_INCREMENT without being the key: MySQL wants it indexed inline.
		 * The full-text index is inline too, as EspoCRM makes it (no table rebuild after). */
		for (const ec_col *col = t->cols; col->name; col++) {
			if (col->type == C_NUMBER) {
				smart_str_append_printf(&sql, ", UNIQUE KEY \"UNIQ_NUMBER\" (\"%s\")", col->name);
			}
		}
		for (const ec_index *ix = t->indexes; ix && ix->name; ix++) {
			if (ix->fulltext) {
				smart_str_append_printf(&sql, ", FULLTEXT KEY \"IDX_%s\" (\"%s\")", ix->name, ix->columns);
			}
		}
		/* EspoCRM's tables default to utf8mb3 while every text column is utf8mb4. */
		smart_str_appends(&sql, t->core ? ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci"
			: ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
	} else {
		smart_str_appendc(&sql, ')');
	}
	if (ec_run_ddl(db, &sql, ran) == FAILURE) {
		return FAILURE;
	}

	for (const ec_index *ix = t->indexes; ix && ix->name; ix++) {
		if ((db->dialect == EC_MYSQL && (strcmp(ix->name, "NUMBER") == 0 || ix->fulltext))
			|| (db->dialect == EC_SQLITE && ix->fulltext)) {
			continue;
		}
		if (ec_create_index(db, t, ix, ran) == FAILURE) {
			return FAILURE;
		}
	}

	if (db->dialect == EC_SQLITE && strcmp(t->name, "note") == 0) {
		smart_str_appends(&sql,
			"CREATE TRIGGER \"note_number\" AFTER INSERT ON \"note\" WHEN NEW.\"number\" IS NULL "
			"BEGIN UPDATE \"note\" SET \"number\" = NEW.rowid WHERE rowid = NEW.rowid; END");
		if (ec_run_ddl(db, &sql, ran) == FAILURE) {
			return FAILURE;
		}
	}
	return SUCCESS;
}

/* Names of the existing tables as a set. */
static zend_result ec_existing_tables(ec_db *db, HashTable *names)
{
	zval rows, *row;
	const char *sql = ec_sql_pick(db,
		"SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()",
		"SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
		"SELECT name FROM sqlite_master WHERE type = 'table'");

	if (ec_db_query(db, sql, NULL, 0, &rows) == FAILURE) {
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(rows), row) {
		zend_string *name = ec_val_str(EC_COL(row, 0));
		if (name) {
			zend_hash_add_empty_element(names, name);
			zend_string_release(name);
		}
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&rows);
	return SUCCESS;
}

/* ---- restoring an existing chat table ----
 * EspoCRM's rebuild rewrites an entity's table from its metadata: it may drop an index or turn a
 * counter into a nullable INT. Every column the engine relies on is checked against its
 * definition (type family, minimum length, NOT NULL, default) and every index against its
 * column list and uniqueness (by content, not by name), and what differs is restored. */

typedef struct {
	zend_string *type;    /* lower case data type, as the catalog names it */
	zend_long length;     /* character maximum length, 0 when none */
	bool nullable;
	zend_string *def;     /* normalized default (no quotes, casts; booleans as 0/1), NULL for none */
} ec_col_info;

static void ec_col_info_dtor(zval *zv)
{
	ec_col_info *info = Z_PTR_P(zv);
	zend_string_release(info->type);
	if (info->def) {
		zend_string_release(info->def);
	}
	efree(info);
}

/* A catalog default as a plain value: 'Direct'::character varying -> Direct, false -> 0,
 * NULL / NULL::bigint -> none. */
static zend_string *ec_default_normalize(zval *v)
{
	zend_string *raw = ec_val_str(v), *out;
	const char *p, *end;

	if (!raw) {
		return NULL;
	}
	p = ZSTR_VAL(raw);
	end = p + ZSTR_LEN(raw);
	if (*p == '\'') {
		const char *close = memchr(p + 1, '\'', (size_t) (end - p - 1));
		end = close ? close : end;
		p++;
	} else {
		const char *cast = strstr(p, "::");
		end = cast ? cast : end;
	}
	out = zend_string_init(p, (size_t) (end - p), 0);
	zend_string_release(raw);
	if (zend_string_equals_literal_ci(out, "null")) {
		zend_string_release(out);
		return NULL;
	}
	if (zend_string_equals_literal_ci(out, "false") || zend_string_equals_literal_ci(out, "true")) {
		bool t = zend_string_equals_literal_ci(out, "true");
		zend_string_release(out);
		return zend_string_init(t ? "1" : "0", 1, 0);
	}
	return out;
}

/* Rows of a catalog query about one table (its one parameter), written for each dialect. */
static zend_result ec_catalog_rows(ec_db *db, const char *mysql, const char *pgsql, const char *sqlite, const char *table,
	zval *rows)
{
	zval param;
	zend_result status;

	ZVAL_STRING(&param, table);
	status = ec_db_query(db, ec_sql_pick(db, mysql, pgsql, sqlite), &param, 1, rows);
	zval_ptr_dtor(&param);
	return status;
}

/* The table's columns: name => ec_col_info. */
static zend_result ec_columns_of(ec_db *db, const char *table, HashTable *out)
{
	zval rows, *row;

	if (ec_catalog_rows(db,
		"SELECT column_name, data_type, character_maximum_length, is_nullable, column_default FROM information_schema.columns "
		"WHERE table_schema = DATABASE() AND table_name = ?",
		"SELECT column_name, data_type, character_maximum_length, is_nullable, column_default FROM information_schema.columns "
		"WHERE table_schema = current_schema() AND table_name = ?",
		"SELECT name, type, NULL, CASE WHEN \"notnull\" = 1 THEN 'NO' ELSE 'YES' END, dflt_value FROM pragma_table_info(?)",
		table, &rows) == FAILURE) {
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(rows), row) {
		zend_string *name = ec_val_str(EC_COL(row, 0)), *type = ec_val_str(EC_COL(row, 1)), *nullable = ec_val_str(EC_COL(row, 3));
		ec_col_info *info = emalloc(sizeof(*info));
		info->type = zend_string_tolower(type ? type : ZSTR_EMPTY_ALLOC());
		info->length = Z_TYPE_P(EC_COL(row, 2)) == IS_NULL ? 0 : ec_val_long(EC_COL(row, 2));
		info->nullable = !nullable || !zend_string_equals_literal_ci(nullable, "NO");
		info->def = ec_default_normalize(EC_COL(row, 4));
		zend_hash_update_ptr(out, name, info);
		zend_string_release(name);
		if (type) zend_string_release(type);
		if (nullable) zend_string_release(nullable);
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&rows);
	return SUCCESS;
}

static bool ec_col_not_null(const ec_col *col)
{
	return col->type == C_BOOL || col->type == C_BIGINT || col->type == C_INT || col->type == C_VARCHAR_NN;
}

/* The default a column must have, as ec_default_normalize() writes it; NULL for none. */
static const char *ec_col_default(const ec_col *col)
{
	switch (col->type) {
		case C_BIGINT: case C_INT: case C_DELETED: return "0";
		case C_BOOL: case C_VARCHAR: case C_VARCHAR_NN: return col->def;
		default: return NULL;
	}
}

/* The same default as SQL (PostgreSQL booleans are TRUE / FALSE). */
static void ec_col_default_sql(smart_str *sql, const ec_db *db, const ec_col *col)
{
	const char *def = ec_col_default(col);

	if (col->type == C_VARCHAR || col->type == C_VARCHAR_NN) {
		smart_str_append_printf(sql, "'%s'", def);
	} else if (db->dialect == EC_PGSQL && (col->type == C_BOOL || col->type == C_DELETED)) {
		smart_str_appends(sql, def[0] == '1' ? "TRUE" : "FALSE");
	} else {
		smart_str_appends(sql, def);
	}
}

/* True when the existing column's type can hold what the engine writes into col. */
static bool ec_col_type_ok(const ec_db *db, const ec_col *col, const ec_col_info *info)
{
	const char *t = ZSTR_VAL(info->type);
	const bool my = db->dialect == EC_MYSQL;

	switch (col->type) {
		case C_FK: case C_VARCHAR: case C_VARCHAR_NN: {
			int need = col->type == C_FK ? ec_id_column_length() : col->len;
			if (my ? strcmp(t, "varchar") && strcmp(t, "char") : strcmp(t, "character varying") && strcmp(t, "character")) {
				return strcmp(t, my ? "longtext" : "text") == 0;
			}
			return info->length == 0 || info->length >= need;
		}
		case C_DATETIME:
			return my ? strcmp(t, "datetime") == 0 : strncmp(t, "timestamp", 9) == 0;
		case C_DELETED: case C_BOOL:
			return my ? strcmp(t, "tinyint") == 0 : strcmp(t, "boolean") == 0;
		case C_BIGINT:
			return strcmp(t, "bigint") == 0;
		case C_INT:
			return my ? strcmp(t, "int") == 0 || strcmp(t, "bigint") == 0 : strcmp(t, "integer") == 0 || strcmp(t, "bigint") == 0;
		default:
			return true;
	}
}

/* The PostgreSQL type of col, for ALTER COLUMN ... TYPE. */
static void ec_pg_type(smart_str *sql, const ec_col *col)
{
	switch (col->type) {
		case C_FK: smart_str_append_printf(sql, "VARCHAR(%d)", ec_id_column_length()); break;
		case C_VARCHAR: case C_VARCHAR_NN: smart_str_append_printf(sql, "VARCHAR(%d)", col->len); break;
		case C_DATETIME: smart_str_appends(sql, "TIMESTAMP(0)"); break;
		case C_DELETED: case C_BOOL: smart_str_appends(sql, "BOOLEAN"); break;
		case C_INT: smart_str_appends(sql, "INT"); break;
		default: smart_str_appends(sql, "BIGINT"); break;
	}
}

/* Brings one existing column back to its definition: NULLs become the default first when the
 * column must be NOT NULL, then one ALTER (MySQL MODIFY; PostgreSQL type, default, NOT NULL). */
static zend_result ec_restore_column(ec_db *db, const ec_table *t, const ec_col *col, const ec_col_info *info, zval *ran)
{
	smart_str sql = {0};
	const char *def = ec_col_default(col);
	bool type_ok = ec_col_type_ok(db, col, info);

	if (ec_col_not_null(col) && info->nullable) {
		smart_str_append_printf(&sql, "UPDATE \"%s\" SET \"%s\" = ", t->name, col->name);
		ec_col_default_sql(&sql, db, col);
		smart_str_append_printf(&sql, " WHERE \"%s\" IS NULL", col->name);
		if (ec_run_ddl(db, &sql, ran) == FAILURE) {
			return FAILURE;
		}
	}
	if (db->dialect == EC_MYSQL) {
		smart_str_append_printf(&sql, "ALTER TABLE \"%s\" MODIFY COLUMN ", t->name);
		ec_render_column(&sql, db, col, false);
		return ec_run_ddl(db, &sql, ran);
	}
	smart_str_append_printf(&sql, "ALTER TABLE \"%s\" ", t->name);
	if (!type_ok) {
		smart_str_append_printf(&sql, "ALTER COLUMN \"%s\" TYPE ", col->name);
		ec_pg_type(&sql, col);
		if (col->type == C_BOOL || col->type == C_DELETED) {
			smart_str_append_printf(&sql, " USING (\"%s\"::int <> 0), ", col->name);
		} else {
			smart_str_appends(&sql, " USING \"");
			smart_str_appends(&sql, col->name);
			smart_str_appends(&sql, "\"::");
			ec_pg_type(&sql, col);
			smart_str_appends(&sql, ", ");
		}
	}
	smart_str_append_printf(&sql, "ALTER COLUMN \"%s\" ", col->name);
	if (def) {
		smart_str_appends(&sql, "SET DEFAULT ");
		ec_col_default_sql(&sql, db, col);
	} else {
		/* As EspoCRM makes a nullable column: DEFAULT NULL. */
		smart_str_appends(&sql, "SET DEFAULT NULL");
	}
	smart_str_append_printf(&sql, ", ALTER COLUMN \"%s\" %s", col->name, ec_col_not_null(col) ? "SET NOT NULL" : "DROP NOT NULL");
	return ec_run_ddl(db, &sql, ran);
}

/* The table's indexes (partial ones left out: they do not guarantee anything for every row):
 * name => "u:" or "n:" followed by the column list "a, b". */
static zend_result ec_indexes_of(ec_db *db, const char *table, HashTable *out)
{
	zval rows, *row;

	if (ec_catalog_rows(db,
		"SELECT index_name, MAX(non_unique), GROUP_CONCAT(column_name ORDER BY seq_in_index SEPARATOR ', ') "
		"FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_type = 'BTREE' GROUP BY index_name",
		"SELECT i.relname, CASE WHEN x.indisunique THEN 0 ELSE 1 END, string_agg(a.attname, ', ' ORDER BY k.n) "
		"FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid "
		"JOIN pg_namespace s ON s.oid = t.relnamespace "
		"CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) "
		"JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
		"WHERE t.relname = ? AND s.nspname = current_schema() AND x.indpred IS NULL AND x.indexprs IS NULL "
		"GROUP BY i.relname, x.indisunique",
		"SELECT l.name, CASE WHEN l.\"unique\" THEN 0 ELSE 1 END, "
		"(SELECT group_concat(c.name, ', ') FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno) c) "
		"FROM pragma_index_list(?) l WHERE l.partial = 0",
		table, &rows) == FAILURE) {
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(rows), row) {
		zend_string *name = ec_val_str(EC_COL(row, 0)), *cols = ec_val_str(EC_COL(row, 2));
		zval desc;
		ZVAL_STR(&desc, zend_strpprintf(0, "%s:%s", ec_val_long(EC_COL(row, 1)) ? "n" : "u", cols ? ZSTR_VAL(cols) : ""));
		zend_hash_update(out, name, &desc);
		zend_string_release(name);
		if (cols) zend_string_release(cols);
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&rows);
	return SUCCESS;
}

/* True when an existing index has exactly ix's columns, and is unique if ix is. */
static bool ec_index_present(HashTable *existing, const ec_index *ix)
{
	zval *desc;

	ZEND_HASH_FOREACH_VAL(existing, desc) {
		const char *d = Z_STRVAL_P(desc);
		if ((d[0] == 'u' || !ix->unique) && strcasecmp(d + 2, ix->columns) == 0) {
			return true;
		}
	} ZEND_HASH_FOREACH_END();
	return false;
}

/* Restores a missing index. An index under its name with other contents is dropped first; a
 * unique index that cannot be built because of duplicates made while it was missing keeps
 * the oldest row of each value (the smallest id: EspoCRM ids grow with time) and clears the
 * others' value first. Only direct_key is unique among the chat's nullable columns. */
static zend_result ec_restore_index(ec_db *db, const ec_table *t, const ec_index *ix, HashTable *existing, zval *ran)
{
	smart_str name = {0}, sql = {0};
	zend_result status = SUCCESS;

	ec_index_name(&name, db, t, ix);
	smart_str_0(&name);
	if (zend_hash_exists(existing, name.s)) {
		if (db->dialect == EC_MYSQL) {
			smart_str_append_printf(&sql, "DROP INDEX \"%s\" ON \"%s\"", ZSTR_VAL(name.s), t->name);
		} else {
			smart_str_append_printf(&sql, "DROP INDEX \"%s\"", ZSTR_VAL(name.s));
		}
		status = ec_run_ddl(db, &sql, ran);
	}
	smart_str_free(&name);
	if (status == SUCCESS && ix->unique && strcmp(ix->columns, "direct_key") == 0) {
		smart_str_append_printf(&sql, "UPDATE \"%s\" SET \"direct_key\" = NULL WHERE \"direct_key\" IS NOT NULL AND \"id\" NOT IN "
			"(SELECT \"keep\" FROM (SELECT MIN(\"id\") AS \"keep\" FROM \"%s\" WHERE \"direct_key\" IS NOT NULL GROUP BY \"direct_key\") AS \"k\")",
			t->name, t->name);
		status = ec_run_ddl(db, &sql, ran);
	}
	if (status == SUCCESS) {
		status = ec_create_index(db, t, ix, ran);
	}
	return status;
}

zend_result ec_schema_require_direct_key_unique(ec_db *db)
{
	HashTable indexes;
	bool present;

	zend_hash_init(&indexes, 8, NULL, ZVAL_PTR_DTOR, 0);
	if (ec_indexes_of(db, "dialog", &indexes) == FAILURE) {
		zend_hash_destroy(&indexes);
		return FAILURE;
	}
	present = ec_index_present(&indexes, &dialog_idx[0]);
	zend_hash_destroy(&indexes);
	if (!present) {
		return ec_throw(ec_schema_ce, "Table dialog has no unique index on direct_key (EspoCRM's rebuild may drop it), "
			"so a direct dialog could be created twice: run ebla_chat_schema() to restore it");
	}
	return SUCCESS;
}

/* Adds the columns of t missing from an existing table (an EspoCRM module may have made
 * `dialog` from entityDefs without the counters), restores the definition of those that
 * changed and every missing index. SQLite cannot alter a column: there only missing columns
 * and indexes are restored (nothing rebuilds SQLite tables behind the engine's back). */
static zend_result ec_restore_table(ec_db *db, const ec_table *t, zval *ran)
{
	HashTable columns, indexes;
	zend_result status;

	zend_hash_init(&columns, 16, NULL, ec_col_info_dtor, 0);
	zend_hash_init(&indexes, 8, NULL, ZVAL_PTR_DTOR, 0);
	status = ec_columns_of(db, t->name, &columns);
	for (const ec_col *col = t->cols; col->name && status == SUCCESS; col++) {
		ec_col_info *info;
		smart_str sql = {0};
		const char *def;
		if (col->type == C_ID || col->type == C_AUTO_PK) {
			continue;
		}
		info = zend_hash_str_find_ptr(&columns, col->name, strlen(col->name));
		if (!info) {
			smart_str_append_printf(&sql, "ALTER TABLE \"%s\" ADD COLUMN ", t->name);
			ec_render_column(&sql, db, col, false);
			status = ec_run_ddl(db, &sql, ran);
			continue;
		}
		if (db->dialect == EC_SQLITE) {
			continue;
		}
		/* Defaults matter where rows EspoCRM inserts itself rely on them: counters and flags. A
		 * varchar's default (dialog.type) is EspoCRM's metadata to decide. */
		def = ec_col_default(col);
		if (!ec_col_type_ok(db, col, info) || info->nullable == ec_col_not_null(col)
			|| (col->type != C_VARCHAR && col->type != C_VARCHAR_NN
				&& (def ? !info->def || strcmp(ZSTR_VAL(info->def), def) != 0 : info->def != NULL))) {
			status = ec_restore_column(db, t, col, info, ran);
		}
	}
	if (status == SUCCESS) {
		status = ec_indexes_of(db, t->name, &indexes);
	}
	for (const ec_index *ix = t->indexes; ix && ix->name && status == SUCCESS; ix++) {
		if (!ec_index_present(&indexes, ix)) {
			status = ec_restore_index(db, t, ix, &indexes, ran);
		}
	}
	zend_hash_destroy(&columns);
	zend_hash_destroy(&indexes);
	return status;
}

ZEND_FUNCTION(ebla_chat_schema)
{
	zval *zpdo;
	zend_long flags = 0;
	ec_db db;
	HashTable tables;
	zend_result status = SUCCESS;

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_OBJECT_OF_CLASS(zpdo, php_pdo_get_dbh_ce())
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(flags)
	ZEND_PARSE_PARAMETERS_END();

	if (flags & ~(zend_long) EC_SCHEMA_CORE) {
		ec_bad_request("Unknown schema flags " ZEND_LONG_FMT ": use 0 or EBLA_CHAT_SCHEMA_CORE", flags);
		RETURN_THROWS();
	}
	if (ec_db_init(&db, zpdo) == FAILURE) {
		RETURN_THROWS();
	}
	array_init(return_value);
	zend_hash_init(&tables, 16, NULL, NULL, 0);
	if (ec_existing_tables(&db, &tables) == FAILURE) {
		zend_hash_destroy(&tables);
		RETURN_THROWS();
	}
	/* DDL commits implicitly on MySQL, so no transaction: each statement either ran or not,
	 * and running again picks up where a failure stopped. */
	for (const ec_table *t = ec_tables; t->name && status == SUCCESS; t++) {
		if (t->core && !(flags & EC_SCHEMA_CORE)) {
			continue;
		}
		if (!zend_hash_str_exists(&tables, t->name, strlen(t->name))) {
			status = ec_create_table(&db, t, return_value);
		} else if (!t->core) {
			status = ec_restore_table(&db, t, return_value);
		}
	}
	zend_hash_destroy(&tables);
	if (zend_hash_num_elements(Z_ARRVAL_P(return_value)) > 0) {
		/* Statements prepared before may now return other types. */
		ec_db_forget_statements(&db);
	}
	if (status == FAILURE) {
		RETURN_THROWS();
	}
}
