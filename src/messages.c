/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* messages: see messages.h. A message is a `note` row (type Post, parent Dialog) written exactly
 * as EspoCRM writes a stream post, so EspoCRM's own stream panel shows it unchanged. */
#include "php.h"
#include "zend_smart_str.h"
#include "ext/json/php_json.h"
#include "ext/pdo/php_pdo_driver.h"
#include "php_ebla_chat.h"
#include "messages.h"
#include "dialogs.h"
#include "render.h"
#include "acl.h"
#include "errors.h"
#include "counters.h"
#include "events.h"
#include "write.h"
#include "ids.h"
#include "options.h"
#include "text.h"

#define EC_HISTORY_LIMIT_DEFAULT 50
#define EC_HISTORY_LIMIT_MAX 200

/* One message by note id, for the answer of post and edit. */
static zend_result ec_message_answer(ec_db *db, zend_string *note_id, zval *return_value)
{
	zval found, *item;

	array_init(&found);
	if (ec_messages_by_ids(db, &note_id, 1, &found) == FAILURE) {
		zval_ptr_dtor(&found);
		return FAILURE;
	}
	item = zend_hash_find(Z_ARRVAL(found), note_id);
	if (!item) {
		zval_ptr_dtor(&found);
		return ec_not_found("Message %s not found", ZSTR_VAL(note_id));
	}
	ZVAL_COPY(return_value, item);
	zval_ptr_dtor(&found);
	return SUCCESS;
}

/* ---- validation ---- */

static zend_result ec_text_require(zend_string *text, bool may_be_empty)
{
	if (ZSTR_LEN(text) == 0 && !may_be_empty) {
		return ec_bad_request("A message needs text or at least one attachment");
	}
	if ((zend_long) ZSTR_LEN(text) > EC_G(max_message_length)) {
		return ec_bad_request("Message text is %zu bytes, more than ebla_chat.max_message_length (" ZEND_LONG_FMT ")",
			ZSTR_LEN(text), EC_G(max_message_length));
	}
	return ec_text_require_utf8(text, "Message text");
}

/* data.mentions as EspoCRM's mention hook writes it, for the @userNames in text that name
 * members of the dialog other than the author. Collects the mentioned user ids in *ids. */
static zend_result ec_mentions_build(ec_db *db, zend_string *dialog_id, const ec_actor *author, zend_string *text,
	smart_str *json, zval *ids, zval *looked_up)
{
	HashTable names;
	zval *params, rows, *row;
	zend_string *name;
	smart_str sql = {0};
	uint32_t n, i = 1;
	zend_result status;
	bool first = true;

	array_init(ids);
	zend_hash_init(&names, 4, NULL, NULL, 0);
	ec_text_mentions(text, &names);
	n = zend_hash_num_elements(&names);
	if (n == 0) {
		zend_hash_destroy(&names);
		return SUCCESS;
	}
	/* The first EC_MENTIONS_MAX distinct names in text order; the rest stay plain text. */
	n = MIN(n, EC_MENTIONS_MAX);
	params = safe_emalloc(n + 1, sizeof(zval), 0);
	ZVAL_STR(&params[0], dialog_id);
	ZEND_HASH_FOREACH_STR_KEY(&names, name) {
		if (i > n) {
			break;
		}
		ZVAL_STR(&params[i++], name);
		if (looked_up) {
			add_next_index_str(looked_up, zend_string_copy(name));
		}
	} ZEND_HASH_FOREACH_END();
	smart_str_appends(&sql, "SELECT u.id, u.user_name, u.first_name, u.last_name FROM dialog_user du "
		"JOIN `user` u ON u.id = du.user_id WHERE du.dialog_id = ? AND du.deleted = FALSE AND u.deleted = FALSE "
		"AND u.user_name IN (");
	ec_sql_placeholders(&sql, n);
	smart_str_appends(&sql, ") ORDER BY u.user_name");
	status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), params, n + 1, &rows, NULL);
	smart_str_free(&sql);
	efree(params);
	zend_hash_destroy(&names);
	if (status == FAILURE) {
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(rows), row) {
		zend_string *id = ec_val_str(EC_COL(row, 0)), *user_name = ec_val_str(EC_COL(row, 1));
		zend_string *display = ec_display_name(EC_COL(row, 2), EC_COL(row, 3), EC_COL(row, 1));
		if (!zend_string_equals(id, author->id)) {
			smart_str key = {0};
			smart_str_appendc(&key, '@');
			smart_str_append(&key, user_name);
			smart_str_0(&key);
			smart_str_appends(json, first ? "" : ",");
			ec_json_str(json, key.s);
			smart_str_appends(json, ":{\"id\":");
			ec_json_str(json, id);
			smart_str_appends(json, ",\"name\":");
			ec_json_str(json, display);
			smart_str_appends(json, ",\"userName\":");
			ec_json_str(json, user_name);
			smart_str_appends(json, ",\"_scope\":\"User\"}");
			smart_str_free(&key);
			add_next_index_str(ids, zend_string_copy(id));
			first = false;
		}
		zend_string_release(id);
		zend_string_release(user_name);
		zend_string_release(display);
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&rows);
	return SUCCESS;
}

/* note.data: {} or {"mentions":{...},"voice":true} (JSON with unescaped unicode, as EspoCRM). */
static zend_string *ec_note_data(smart_str *mentions, bool voice)
{
	smart_str data = {0};

	smart_str_appendc(&data, '{');
	if (mentions->s && ZSTR_LEN(mentions->s)) {
		smart_str_appends(&data, "\"mentions\":{");
		smart_str_append(&data, mentions->s);
		smart_str_appendc(&data, '}');
	}
	if (voice) {
		smart_str_appends(&data, data.s && ZSTR_LEN(data.s) > 1 ? ",\"voice\":true" : "\"voice\":true");
	}
	smart_str_appendc(&data, '}');
	smart_str_0(&data);
	return smart_str_extract(&data);
}

/* The attachments to link must exist, belong to the actor and be unused; a voice message is one
 * audio attachment. */
static zend_result ec_attachments_check(ec_db *db, const ec_actor *actor, zend_string **ids, uint32_t n, bool voice,
	zval *answer)
{
	zval rows, *row;
	zend_result status;
	uint32_t found = 0;

	if (voice && n != 1) {
		return ec_bad_request("A voice message has exactly one attachment, %u given", n);
	}
	if (n == 0) {
		return SUCCESS;
	}
	if ((zend_long) n > EC_G(max_attachments)) {
		return ec_bad_request("%u attachments given, more than ebla_chat.max_attachments (" ZEND_LONG_FMT ")", n, EC_G(max_attachments));
	}
	status = ec_db_run_in_ids(db, "SELECT id, created_by_id, parent_id, `type`, name, size FROM attachment WHERE deleted = FALSE AND id IN (",
		NULL, 0, ids, n, ")", &rows, NULL);
	if (status == FAILURE) {
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(rows), row) {
		zend_string *owner = ec_val_str(EC_COL(row, 1)), *type = ec_val_str(EC_COL(row, 3));
		zend_string *id = Z_STR_P(EC_COL(row, 0));
		bool mine = owner && zend_string_equals(owner, actor->id);
		bool audio = type && ZSTR_LEN(type) > 6 && strncasecmp(ZSTR_VAL(type), "audio/", 6) == 0;
		if (owner) zend_string_release(owner);
		if (type) zend_string_release(type);
		if (!mine) {
			status = ec_bad_request("Attachment %s is not yours", ZSTR_VAL(id));
		} else if (Z_TYPE_P(EC_COL(row, 2)) != IS_NULL) {
			status = ec_bad_request("Attachment %s is already used", ZSTR_VAL(id));
		} else if (voice && !audio) {
			status = ec_bad_request("Attachment %s is not audio: a voice message needs an audio/* attachment", ZSTR_VAL(id));
		}
		if (status == FAILURE) {
			break;
		}
		{
			zval item, zid;
			ZVAL_STR(&zid, id);
			ec_attachment_item(&item, &zid, EC_COL(row, 4), EC_COL(row, 3), EC_COL(row, 5));
			add_next_index_zval(answer, &item);
		}
		found++;
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&rows);
	if (status == SUCCESS && found != n) {
		status = ec_bad_request("%u of the %u attachments do not exist", n - found, n);
	}
	return status;
}

/* The attachmentIds argument: at most ebla_chat.max_attachments ids, refused before any work. */
static zend_result ec_attachment_ids(HashTable *list, zend_string ***ids, uint32_t *n)
{
	zend_long max = EC_G(max_attachments) < 0 ? 0 : EC_G(max_attachments);

	if (!list) {
		return SUCCESS;
	}
	if ((zend_long) zend_hash_num_elements(list) > max) {
		return ec_bad_request("%u attachments given, more than ebla_chat.max_attachments (" ZEND_LONG_FMT ")",
			zend_hash_num_elements(list), max);
	}
	return ec_id_list(list, "attachmentIds", (uint32_t) MIN(max, (zend_long) UINT32_MAX), ids, n);
}

/* Links the attachments to the note; the `parent_id IS NULL` guard makes a concurrent post
 * of the same attachment fail instead of stealing it. EspoCRM's attachment has no modified_at. */
static zend_result ec_attachments_link(ec_db *db, zend_string *note_id, zend_string **ids, uint32_t n)
{
	zval fixed;
	zend_long affected = 0;
	zend_result status;

	if (n == 0) {
		return SUCCESS;
	}
	ZVAL_STR(&fixed, note_id);
	status = ec_db_run_in_ids(db, "UPDATE attachment SET parent_id = ?, parent_type = 'Note', field = 'attachments' "
		"WHERE deleted = FALSE AND parent_id IS NULL AND id IN (", &fixed, 1, ids, n, ")", NULL, &affected);
	if (status == SUCCESS && affected != (zend_long) n) {
		status = ec_bad_request("An attachment was used by another message meanwhile");
	}
	return status;
}

/* ---- writing ---- */

/* The ids in list `a` that are not in list `b`, as a new list (linear time). */
static void ec_ids_minus(zval *a, zval *b, zval *out)
{
	HashTable in_b;
	zval *x;

	array_init(out);
	zend_hash_init(&in_b, zend_hash_num_elements(Z_ARRVAL_P(b)), NULL, NULL, 0);
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(b), x) {
		zend_hash_add_empty_element(&in_b, Z_STR_P(x));
	} ZEND_HASH_FOREACH_END();
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(a), x) {
		if (!zend_hash_exists(&in_b, Z_STR_P(x))) {
			add_next_index_str(out, zend_string_copy(Z_STR_P(x)));
		}
	} ZEND_HASH_FOREACH_END();
	zend_hash_destroy(&in_b);
}

/* The note's INSERT (number from AUTO_INCREMENT, never written) and its 7 values. */
#define EC_NOTE_INSERT "INSERT INTO note (id, deleted, post, data, `type`, is_global, is_internal, is_pinned, " \
	"created_at, modified_at, parent_id, parent_type, created_by_id) " \
	"VALUES (?, FALSE, ?, ?, 'Post', FALSE, FALSE, FALSE, ?, ?, ?, 'Dialog', ?)"

static void ec_note_params(zval *params, zend_string *id, zend_string *dialog_id, zend_string *author, zend_string *text,
	zend_string *data, zend_string *now)
{
	ZVAL_STR(&params[0], id);
	ZVAL_STR(&params[1], text);
	ZVAL_STR(&params[2], data);
	ZVAL_STR(&params[3], now);
	ZVAL_STR(&params[4], now);
	ZVAL_STR(&params[5], dialog_id);
	ZVAL_STR(&params[6], author);
}

/* INSERTs the note and returns its AUTO_INCREMENT number. */
static zend_result ec_note_insert(ec_db *db, zend_string *id, zend_string *dialog_id, zend_string *author, zend_string *text,
	zend_string *data, zend_string *now, zend_long *number)
{
	zval params[7];

	ec_note_params(params, id, dialog_id, author, text, data, now);
	return ec_db_insert_number(db, EC_NOTE_INSERT, params, 7, "number", number);
}

static const char *const ec_post_options[] = {"voice", "acl", NULL};

typedef struct {
	zend_string *dialog_id, *text;
	zend_string **attachments;
	uint32_t n_attachments;
	bool voice;
	/* written by the attempt that committed */
	zend_string *row_dialog_id, *note_id, *now;
	zend_long number;
	zval mention_ids;
} ec_post;

static void ec_post_reset(ec_post *p)
{
	if (p->row_dialog_id) zend_string_release(p->row_dialog_id);
	if (p->note_id) zend_string_release(p->note_id);
	if (p->now) zend_string_release(p->now);
	p->row_dialog_id = p->note_id = p->now = NULL;
	zval_ptr_dtor(&p->mention_ids);
	ZVAL_UNDEF(&p->mention_ids);
}

/* A user who lost access to the other member of a direct dialog may read it but not post. */
static zend_result ec_post_allowed(ec_db *db, const ec_actor *actor, ec_dialog *d)
{
	zend_string *other = d->direct ? ec_direct_other(&d->row, actor->id) : NULL;
	zend_result allowed = other ? ec_acl_require_partners(db, actor, &other, 1, EC_ACL_POST) : SUCCESS;

	if (other) {
		zend_string_release(other);
	}
	return allowed;
}

/* The note, its attachments, the counters and the mentions; then the events. */
static zend_result ec_post_write(ec_write *w, ec_post *p, ec_dialog *d, zval *members)
{
	smart_str mentions = {0};
	zend_string *data = NULL;
	zend_result status = FAILURE;

	if (ec_mentions_build(&w->db, d->id, w->actor, p->text, &mentions, &p->mention_ids, NULL) == SUCCESS
		&& ec_counters_pending(&w->db, d->id) == SUCCESS) {
		p->note_id = ec_id_generate();
		p->now = ec_now_utc();
		data = ec_note_data(&mentions, p->voice);
		status = ec_note_insert(&w->db, p->note_id, d->id, w->actor->id, p->text, data, p->now, &p->number);
	}
	if (status == SUCCESS
		&& ec_attachments_link(&w->db, p->note_id, p->attachments, p->n_attachments) == SUCCESS
		&& ec_counters_post(&w->db, d->id, d->message_count, d->membership_id, p->number, p->note_id, p->now) == SUCCESS
		&& ec_counters_mentions(&w->db, d->id, p->number, Z_ARRVAL(p->mention_ids), +1) == SUCCESS) {
		if (Z_TYPE_P(members) == IS_ARRAY) {
			ec_events_post(&w->ev, d->id, d->message_count, members, w->actor->id, p->note_id, p->number, &p->mention_ids);
		}
	} else {
		status = FAILURE;
	}
	smart_str_free(&mentions);
	if (data) zend_string_release(data);
	return status;
}

/* One attempt of a post, under the dialog's row lock. */
static zend_result ec_post_step(ec_write *w, void *state)
{
	ec_post *p = state;
	zval members;
	ec_dialog d;
	zend_result status = FAILURE;

	ec_post_reset(p);
	ZVAL_UNDEF(&d.row);
	ZVAL_UNDEF(&members);
	/* With Redis on, the members come with the locked read: the events need no query of their own. */
	if (ec_dialog_load_ex(&w->db, w->actor, p->dialog_id, EC_WRITE, &d, ec_fanout_enabled() ? &members : NULL) == SUCCESS
		&& ec_post_allowed(&w->db, w->actor, &d) == SUCCESS) {
		p->row_dialog_id = zend_string_copy(d.id);
		status = ec_post_write(w, p, &d, &members);
	}
	zval_ptr_dtor(&members);
	ec_dialog_free(&d);
	return status;
}

/* ---- a post in two round trips ----
 * The reads that need no lock first (the dialog with the actor's membership, the direct
 * dialog's permission, the mentioned members), then the whole locked transaction as one script
 * (db.h): lock the dialog, check that what was read still holds (dialog live, still a member,
 * the same members named), write the note, its attachments (still unused, the actor's) and the
 * counters, and read the members for the events, all in one round trip. A failed check leaves
 * nothing and the post runs again the classic way, under the lock from the start, which gives
 * the exact outcome (docs/design.md "Posting in two round trips"). */
typedef struct {
	ec_post *p;
	const ec_dialog *d;
	zend_string *data;     /* note.data */
	zval names;            /* the @names looked up */
} ec_post_fast;

/* The named members are the ones looked up: as many members answer to the names (other than
 * the author) as were found; ec_counters_mentions_script checks they are the same. */
static void ec_post_script_mentions(ec_script *s, ec_post_fast *f, const ec_actor *actor)
{
	uint32_t n = zend_hash_num_elements(Z_ARRVAL(f->names)), i = 2;
	zval *params, *name;
	smart_str sql = {0};

	if (n == 0) {
		return;
	}
	params = safe_emalloc(n + 2, sizeof(zval), 0);
	ZVAL_STR(&params[0], f->d->id);
	ZVAL_STR(&params[1], actor->id);
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(f->names), name) {
		ZVAL_COPY_VALUE(&params[i++], name);
	} ZEND_HASH_FOREACH_END();
	smart_str_appends(&sql, "FROM dialog_user du JOIN `user` u ON u.id = du.user_id WHERE du.dialog_id = ? "
		"AND du.deleted = FALSE AND u.deleted = FALSE AND u.id <> ? AND u.user_name IN (");
	ec_sql_placeholders(&sql, n);
	smart_str_appendc(&sql, ')');
	smart_str_0(&sql);
	ec_script_expect_count(s, ZSTR_VAL(sql.s), params, n + 2, zend_hash_num_elements(Z_ARRVAL(f->p->mention_ids)));
	smart_str_free(&sql);
	efree(params);
}

/* The note with the dialog's counters, and its attachments: all of them still unused and the
 * actor's (a check). */
static void ec_post_script_note(ec_script *s, ec_post_fast *f, const ec_actor *actor)
{
	ec_post *p = f->p;
	zval params[7], *link;
	smart_str sql = {0};

	ec_note_params(params, p->note_id, f->d->id, actor->id, p->text, f->data, p->now);
	ec_script_insert_note(s, EC_NOTE_INSERT, params, 7);
	ec_counters_post_script(s, f->d->id, p->note_id, p->now);
	if (p->n_attachments == 0) {
		return;
	}
	link = safe_emalloc(p->n_attachments + 2, sizeof(zval), 0);
	ZVAL_STR(&link[0], p->note_id);
	ZVAL_STR(&link[1], actor->id);
	for (uint32_t i = 0; i < p->n_attachments; i++) {
		ZVAL_STR(&link[i + 2], p->attachments[i]);
	}
	smart_str_appends(&sql, "UPDATE attachment SET parent_id = ?, parent_type = 'Note', field = 'attachments' "
		"WHERE deleted = FALSE AND parent_id IS NULL AND created_by_id = ? AND id IN (");
	ec_sql_placeholders(&sql, p->n_attachments);
	smart_str_appendc(&sql, ')');
	smart_str_0(&sql);
	ec_script_update_expect(s, ZSTR_VAL(sql.s), link, p->n_attachments + 2, p->n_attachments);
	smart_str_free(&sql);
	efree(link);
}

/* The script's answer: the dialog's message_count and last number after the post, with Redis
 * on every live member's user id and counts (for the events). */
static void ec_post_script_answer(ec_db *db, char *sql, size_t size)
{
	if (!ec_fanout_enabled()) {
		snprintf(sql, size, "SELECT message_count, last_message_number FROM dialog WHERE id = ?");
		return;
	}
	snprintf(sql, size, "SELECT d.message_count, d.last_message_number, du.user_id, du.read_count, du.mention_count "
		"FROM dialog d JOIN dialog_user du%s ON du.dialog_id = d.id AND du.deleted = FALSE WHERE d.id = ?%s",
		ec_sql_by_dialog_index(db), ec_sql_current_joined(db));
}

/* One attempt: the script, then the events from its answer. */
static zend_result ec_post_script_step(ec_write *w, void *state)
{
	ec_post_fast *f = state;
	ec_post *p = f->p;
	const ec_dialog *d = f->d;
	ec_script s;
	zval v[1], rows, *row;
	char answer[512];
	zend_long count;

	if (p->note_id) zend_string_release(p->note_id);
	if (p->now) zend_string_release(p->now);
	p->note_id = ec_id_generate();
	p->now = ec_now_utc();
	if (ec_script_begin(&s, &w->db) == FAILURE) {
		return FAILURE;
	}
	ZVAL_STR(&v[0], d->id);
	ec_script_lock_dialog(&s, &v[0]);
	ec_post_script_mentions(&s, f, w->actor);
	ec_post_script_note(&s, f, w->actor);
	ec_counters_mentions_script(&s, d->id, Z_ARRVAL(p->mention_ids));
	ec_counters_post_author_script(&s, d->membership_id);
	ec_post_script_answer(&w->db, answer, sizeof(answer));
	if (ec_script_run(&s, answer, &v[0], 1, &rows) == FAILURE) {
		return FAILURE;
	}
	row = zend_hash_index_find(Z_ARRVAL(rows), 0);
	count = row ? ec_val_long(EC_COL(row, 0)) : 0;
	p->number = row ? ec_val_long(EC_COL(row, 1)) : 0;
	if (row && ec_fanout_enabled()) {
		ec_events_post_written(&w->ev, d->id, count, &rows, 2, w->actor->id, p->note_id, p->number);
	}
	zval_ptr_dtor(&rows);
	return SUCCESS;
}

/* The post in two round trips; *fallback when a check failed (nothing written): the caller
 * posts the classic way. */
static zend_result ec_post_fast_run(ec_write *w, ec_post *p, bool *fallback)
{
	ec_post_fast f = {p, NULL, NULL};
	smart_str mentions = {0};
	ec_dialog d;
	zend_result status = FAILURE;

	*fallback = false;
	array_init(&f.names);
	if (ec_dialog_load(&w->db, w->actor, p->dialog_id, EC_READ, &d) == FAILURE) {
		zval_ptr_dtor(&f.names);
		return FAILURE;
	}
	f.d = &d;
	if (!d.member) {
		ec_forbidden("You are not a member of dialog %s", ZSTR_VAL(p->dialog_id));
	} else if (ec_post_allowed(&w->db, w->actor, &d) == SUCCESS
		&& ec_mentions_build(&w->db, d.id, w->actor, p->text, &mentions, &p->mention_ids, &f.names) == SUCCESS) {
		f.data = ec_note_data(&mentions, p->voice);
		status = ec_write_run_script(w, ec_post_script_step, &f);
		if (status == SUCCESS) {
			p->row_dialog_id = zend_string_copy(d.id);
		} else {
			*fallback = ec_script_stale(&w->db);
		}
	}
	smart_str_free(&mentions);
	if (f.data) zend_string_release(f.data);
	zval_ptr_dtor(&f.names);
	ec_dialog_free(&d);
	return status;
}

/* Two round trips where the database can take a script, else (or after a failed check) the
 * classic transaction. */
static zend_result ec_post_run(ec_write *w, ec_post *p)
{
	bool fallback = true;

	if (ec_script_available(&w->db) && ec_post_fast_run(w, p, &fallback) == SUCCESS) {
		return SUCCESS;
	}
	if (!fallback) {
		return FAILURE;
	}
	ec_post_reset(p);
	return ec_write_run(w, ec_post_step, p);
}

/* The answer is what was just written: no need to read it back. */
static void ec_post_answer(const ec_actor *actor, ec_post *p, zval *attachments, zval *return_value)
{
	array_init_size(return_value, 12);
	add_assoc_str(return_value, "id", zend_string_copy(p->note_id));
	add_assoc_long(return_value, "number", p->number);
	add_assoc_str(return_value, "dialogId", zend_string_copy(p->row_dialog_id));
	add_assoc_str(return_value, "authorId", zend_string_copy(actor->id));
	add_assoc_str(return_value, "authorName", zend_string_copy(actor->name));
	add_assoc_str(return_value, "text", zend_string_copy(p->text));
	add_assoc_str(return_value, "createdAt", zend_string_copy(p->now));
	add_assoc_str(return_value, "modifiedAt", zend_string_copy(p->now));
	add_assoc_bool(return_value, "edited", false);
	add_assoc_bool(return_value, "voice", p->voice);
	Z_ADDREF(p->mention_ids);
	add_assoc_zval(return_value, "mentions", &p->mention_ids);
	Z_ADDREF_P(attachments);
	add_assoc_zval(return_value, "attachments", attachments);
}

ZEND_FUNCTION(ebla_chat_post)
{
	zval *zpdo, answer_attachments;
	zend_string *actor_id;
	HashTable *attachment_list = NULL, *opts = NULL, *acl = NULL;
	ec_post p = {0};
	ec_write w;

	ZEND_PARSE_PARAMETERS_START(4, 6)
		Z_PARAM_OBJECT_OF_CLASS(zpdo, php_pdo_get_dbh_ce())
		Z_PARAM_STR(actor_id)
		Z_PARAM_STR(p.dialog_id)
		Z_PARAM_STR(p.text)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(attachment_list)
		Z_PARAM_ARRAY_HT(opts)
	ZEND_PARSE_PARAMETERS_END();

	ZVAL_UNDEF(&p.mention_ids);
	array_init(&answer_attachments);
	if (ec_options_check(opts, ec_post_options) == SUCCESS
		&& ec_option_bool(opts, "voice", false, &p.voice) == SUCCESS
		&& ec_option_array(opts, "acl", &acl) == SUCCESS
		&& ec_id_require(actor_id, "actorId") == SUCCESS
		&& ec_id_require(p.dialog_id, "dialogId") == SUCCESS
		&& ec_attachment_ids(attachment_list, &p.attachments, &p.n_attachments) == SUCCESS
		&& ec_text_require(p.text, p.n_attachments > 0) == SUCCESS
		&& ec_write_open(&w, zpdo, actor_id, acl) == SUCCESS
		&& ec_attachments_check(&w.db, w.actor, p.attachments, p.n_attachments, p.voice, &answer_attachments) == SUCCESS
		&& ec_post_run(&w, &p) == SUCCESS) {
		ec_post_answer(w.actor, &p, &answer_attachments, return_value);
	}
	zval_ptr_dtor(&answer_attachments);
	ec_ids_free(p.attachments, p.n_attachments);
	ec_post_reset(&p);
}

zend_result ec_messages_history(ec_db *db, const ec_actor *actor, zend_string *dialog_id, zend_long limit,
	zend_long before, zend_long after, zval *out)
{
	zval params[3], rows;
	smart_str sql = {0};
	uint32_t n = 1;
	ec_dialog d;
	zend_result status;

	if (ec_dialog_load(db, actor, dialog_id, EC_READ, &d) == FAILURE) {
		return FAILURE;
	}
	ZVAL_STR(&params[0], d.id);
	smart_str_appends(&sql, "SELECT " EC_NOTE_COLUMNS " " EC_NOTE_FROM
		"WHERE n.parent_id = ? AND n.parent_type = 'Dialog' AND n.`type` = 'Post' AND n.deleted = FALSE");
	if (before) {
		smart_str_appends(&sql, " AND n.`number` < ?");
		ZVAL_LONG(&params[n++], before);
	}
	if (after) {
		smart_str_appends(&sql, " AND n.`number` > ?");
		ZVAL_LONG(&params[n++], after);
	}
	smart_str_append_printf(&sql, " ORDER BY n.`number` DESC LIMIT " ZEND_LONG_FMT, limit);
	status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), params, n, &rows, NULL);
	smart_str_free(&sql);
	if (status == SUCCESS) {
		array_init(out);
		status = ec_messages_render(db, &rows, out);
		zval_ptr_dtor(&rows);
		if (status == FAILURE) {
			zval_ptr_dtor(out);
			ZVAL_UNDEF(out);
		}
	}
	ec_dialog_free(&d);
	return status;
}

static const char *const ec_history_options[] = {"limit", "before", "after", NULL};

ZEND_FUNCTION(ebla_chat_messages)
{
	zval *zpdo;
	zend_string *actor_id, *dialog_id;
	HashTable *opts = NULL;
	zend_long limit, before, after;
	const ec_actor *actor;
	ec_db db;

	ZEND_PARSE_PARAMETERS_START(3, 4)
		Z_PARAM_OBJECT_OF_CLASS(zpdo, php_pdo_get_dbh_ce())
		Z_PARAM_STR(actor_id)
		Z_PARAM_STR(dialog_id)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(opts)
	ZEND_PARSE_PARAMETERS_END();

	if (ec_options_check(opts, ec_history_options) == FAILURE
		|| ec_option_long(opts, "limit", EC_HISTORY_LIMIT_DEFAULT, 1, EC_HISTORY_LIMIT_MAX, &limit) == FAILURE
		|| ec_option_long(opts, "before", 0, 0, ZEND_LONG_MAX, &before) == FAILURE
		|| ec_option_long(opts, "after", 0, 0, ZEND_LONG_MAX, &after) == FAILURE
		|| ec_db_init(&db, zpdo) == FAILURE
		|| !(actor = ec_acl_actor(&db, actor_id, NULL))
		|| ec_messages_history(&db, actor, dialog_id, limit, before, after, return_value) == FAILURE) {
		RETURN_THROWS();
	}
}

/* The live message note_id with its dialog, author, number and data, or NotFound. `current`:
 * read inside the transaction, after the dialog lock, as of now (ec_sql_current). */
static zend_result ec_message_find(ec_db *db, zend_string *note_id, bool current, zval *row_out)
{
	zval param, rows, *row;
	char sql[256];

	if (ec_id_require(note_id, "messageId") == FAILURE) {
		return FAILURE;
	}
	ZVAL_STR(&param, note_id);
	snprintf(sql, sizeof(sql), "SELECT parent_id, created_by_id, `number`, data FROM note WHERE id = ? AND deleted = FALSE "
		"AND parent_type = 'Dialog' AND `type` = 'Post'%s", current ? ec_sql_current(db) : "");
	if (ec_db_query(db, sql, &param, 1, &rows) == FAILURE) {
		return FAILURE;
	}
	row = zend_hash_index_find(Z_ARRVAL(rows), 0);
	if (!row) {
		zval_ptr_dtor(&rows);
		return ec_not_found("Message %s not found", ZSTR_VAL(note_id));
	}
	ZVAL_COPY(row_out, row);
	zval_ptr_dtor(&rows);
	return SUCCESS;
}

/* The message the actor wants to change (`verb`): the author may, and admins too when
 * admins_may. *author receives the author's id (new reference, may be NULL). */
static zend_result ec_message_for_change(ec_db *db, const ec_actor *actor, zend_string *note_id, const char *verb,
	bool admins_may, zval *note, zend_string **author)
{
	if (ec_message_find(db, note_id, false, note) == FAILURE) {
		return FAILURE;
	}
	*author = ec_val_str(EC_COL(note, 1));
	if ((*author && zend_string_equals(*author, actor->id)) || (admins_may && actor->is_admin)) {
		return SUCCESS;
	}
	return ec_forbidden("Only the author%s may %s message %s", admins_may ? " or an admin" : "", verb, ZSTR_VAL(note_id));
}

/* The mentioned user ids recorded in a note's data. */
static void ec_note_mentions(zval *data, zval *out)
{
	zval probe, *m;

	array_init(&probe);
	ec_message_data(data, &probe);
	m = zend_hash_str_find(Z_ARRVAL(probe), "mentions", sizeof("mentions") - 1);
	ZVAL_COPY(out, m);
	zval_ptr_dtor(&probe);
}

/* eblaChat.update to every member, and the stream panel refresh. */
/* One attempt of an edit: lock the dialog, then read the message as of now (a delete that
 * committed meanwhile makes it NotFound, before anything is written), move the mention
 * counters with the new text, write. Rolled back on failure. */
typedef struct {
	zend_string *note_id, *dialog_id, *text, *author;
} ec_change;

static zend_result ec_message_edit_step(ec_write *w, void *state)
{
	const ec_change *c = state;
	ec_db *db = &w->db;
	const ec_actor *actor = w->actor;
	zend_string *note_id = c->note_id, *text = c->text;
	zval note, params[5], ids, old, added, removed;
	zend_string *now = NULL, *data = NULL;
	smart_str mentions = {0};
	zend_long affected = 0;
	ec_dialog d;
	bool voice;
	zend_result status = FAILURE;

	ZVAL_UNDEF(&d.row);
	ZVAL_UNDEF(&note);
	ZVAL_UNDEF(&ids);
	ZVAL_UNDEF(&old);
	ZVAL_UNDEF(&added);
	ZVAL_UNDEF(&removed);
	if (ec_dialog_load(db, actor, c->dialog_id, EC_WRITE, &d) == FAILURE
		|| ec_message_find(db, note_id, true, &note) == FAILURE
		|| ec_mentions_build(db, d.id, actor, text, &mentions, &ids, NULL) == FAILURE) {
		goto done;
	}
	{
		zval probe;
		array_init(&probe);
		ec_message_data(EC_COL(&note, 3), &probe);
		voice = zend_is_true(zend_hash_str_find(Z_ARRVAL(probe), "voice", 5));
		zval_ptr_dtor(&probe);
	}
	/* The mention counters follow the edit: newly mentioned members who have not read the
	 * message gain one, members no longer mentioned lose it. */
	ec_note_mentions(EC_COL(&note, 3), &old);
	ec_ids_minus(&ids, &old, &added);
	ec_ids_minus(&old, &ids, &removed);
	if (ec_counters_mentions(db, d.id, ec_val_long(EC_COL(&note, 2)), Z_ARRVAL(added), +1) == FAILURE
		|| ec_counters_mentions(db, d.id, ec_val_long(EC_COL(&note, 2)), Z_ARRVAL(removed), -1) == FAILURE) {
		goto done;
	}
	now = ec_now_utc();
	data = ec_note_data(&mentions, voice);
	ZVAL_STR(&params[0], text);
	ZVAL_STR(&params[1], data);
	ZVAL_STR(&params[2], now);
	ZVAL_STR(&params[3], actor->id);
	ZVAL_STR(&params[4], note_id);
	if (ec_db_exec(db, "UPDATE note SET post = ?, data = ?, modified_at = ?, modified_by_id = ? WHERE id = ? AND deleted = FALSE",
			params, 5, &affected) == FAILURE) {
		goto done;
	}
	if (affected != 1) {
		/* Cannot happen under the dialog lock; never write half an edit if it does. */
		ec_not_found("Message %s not found", ZSTR_VAL(note_id));
		goto done;
	}
	status = ec_events_message_update(db, &w->ev, d.id, note_id, c->author, "edit");
done:
	ec_dialog_free(&d);
	smart_str_free(&mentions);
	zval_ptr_dtor(&ids);
	zval_ptr_dtor(&note);
	zval_ptr_dtor(&old);
	zval_ptr_dtor(&added);
	zval_ptr_dtor(&removed);
	if (now) zend_string_release(now);
	if (data) zend_string_release(data);
	return status;
}

/* Whether the message carries attachments (linked once, when it was posted). */
static zend_result ec_note_has_attachments(ec_db *db, zend_string *note_id, bool *has)
{
	zval param, rows;

	ZVAL_STR(&param, note_id);
	if (ec_db_query(db, "SELECT COUNT(*) FROM attachment WHERE parent_type = 'Note' AND parent_id = ? AND deleted = FALSE",
			&param, 1, &rows) == FAILURE) {
		return FAILURE;
	}
	*has = ec_val_long(EC_COL(zend_hash_index_find(Z_ARRVAL(rows), 0), 0)) > 0;
	zval_ptr_dtor(&rows);
	return SUCCESS;
}

ZEND_FUNCTION(ebla_chat_message_edit)
{
	zval *zpdo, note;
	zend_string *actor_id, *note_id, *text;
	ec_change c = {0};
	ec_write w;
	bool has_attachments;

	ZEND_PARSE_PARAMETERS_START(4, 4)
		Z_PARAM_OBJECT_OF_CLASS(zpdo, php_pdo_get_dbh_ce())
		Z_PARAM_STR(actor_id)
		Z_PARAM_STR(note_id)
		Z_PARAM_STR(text)
	ZEND_PARSE_PARAMETERS_END();

	ZVAL_UNDEF(&note);
	c.note_id = note_id;
	c.text = text;
	/* Who may edit and where the message lives never change: checked before the transaction
	 * (the message itself is read again under the dialog lock). An edit may empty the text only
	 * of a message that carries attachments. */
	if (ec_write_open(&w, zpdo, actor_id, NULL) == SUCCESS
		&& ec_message_for_change(&w.db, w.actor, note_id, "edit", false, &note, &c.author) == SUCCESS
		&& (c.dialog_id = Z_STR_P(EC_COL(&note, 0)))
		&& ec_note_has_attachments(&w.db, note_id, &has_attachments) == SUCCESS
		&& ec_text_require(text, has_attachments) == SUCCESS
		&& ec_write_run(&w, ec_message_edit_step, &c) == SUCCESS) {
		ec_message_answer(&w.db, note_id, return_value);
	}
	zval_ptr_dtor(&note);
	if (c.author) zend_string_release(c.author);
}

/* One attempt of a delete: lock the dialog, then read the message and its mentions as of now,
 * and write the counters from what was read under the lock. Rolled back on failure. */
static zend_result ec_message_delete_step(ec_write *w, void *state)
{
	const ec_change *c = state;
	ec_db *db = &w->db;
	zend_string *note_id = c->note_id;
	zval note, params[2], mentioned;
	zend_string *now = NULL, *author = NULL;
	zend_long number, affected = 0;
	ec_dialog d;
	zend_result status = FAILURE;

	ZVAL_UNDEF(&d.row);
	ZVAL_UNDEF(&note);
	ZVAL_UNDEF(&mentioned);
	/* Admins may delete in dialogs they do not belong to. */
	if (ec_dialog_load(db, w->actor, c->dialog_id, EC_MODERATE, &d) == FAILURE
		|| ec_message_find(db, note_id, true, &note) == FAILURE) {
		goto done;
	}
	number = ec_val_long(EC_COL(&note, 2));
	author = ec_val_str(EC_COL(&note, 1));
	now = ec_now_utc();
	ZVAL_STR(&params[0], now);
	ZVAL_STR(&params[1], note_id);
	if (ec_db_exec(db, "UPDATE note SET deleted = TRUE, modified_at = ? WHERE id = ? AND deleted = FALSE", params, 2, &affected) == FAILURE) {
		goto done;
	}
	if (affected != 1) {
		ec_not_found("Message %s not found", ZSTR_VAL(note_id));
		goto done;
	}
	/* Mentions of it that were still unread are gone with it. */
	ec_note_mentions(EC_COL(&note, 3), &mentioned);
	if (ec_counters_delete(db, d.id, number, Z_ARRVAL(mentioned)) == FAILURE
		|| ec_events_message_update(db, &w->ev, d.id, note_id, author, "delete") == FAILURE) {
		goto done;
	}
	status = SUCCESS;
done:
	ec_dialog_free(&d);
	zval_ptr_dtor(&note);
	zval_ptr_dtor(&mentioned);
	if (author) zend_string_release(author);
	if (now) zend_string_release(now);
	return status;
}

ZEND_FUNCTION(ebla_chat_message_delete)
{
	zval *zpdo, note;
	zend_string *actor_id, *note_id;
	ec_change c = {0};
	ec_write w;

	ZEND_PARSE_PARAMETERS_START(3, 3)
		Z_PARAM_OBJECT_OF_CLASS(zpdo, php_pdo_get_dbh_ce())
		Z_PARAM_STR(actor_id)
		Z_PARAM_STR(note_id)
	ZEND_PARSE_PARAMETERS_END();

	ZVAL_UNDEF(&note);
	c.note_id = note_id;
	if (ec_write_open(&w, zpdo, actor_id, NULL) == SUCCESS
		&& ec_message_for_change(&w.db, w.actor, note_id, "delete", true, &note, &c.author) == SUCCESS) {
		c.dialog_id = Z_STR_P(EC_COL(&note, 0));
		ec_write_run(&w, ec_message_delete_step, &c);
	}
	zval_ptr_dtor(&note);
	if (c.author) zend_string_release(c.author);
}
