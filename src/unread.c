/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* unread: the reading side of the counters: the bell
 * total (one indexed query over the user's hinted memberships, hints.c), popups and polling,
 * mark read and mute. The counters themselves are written by counters.c only. */
#include "php.h"
#include "zend_smart_str.h"
#include "ext/pdo/php_pdo_driver.h"
#include "php_ebla_chat.h"
#include "dialogs.h"
#include "messages.h"
#include "acl.h"
#include "errors.h"
#include "counters.h"
#include "events.h"
#include "write.h"
#include "options.h"
#include "text.h"
#include "hints.h"

#define EC_POPUPS_LIMIT_DEFAULT 20
#define EC_POPUPS_LIMIT_MAX 100

/* The actor's memberships with unread messages, narrow rows (EC_U_*): the one indexed scan, of
 * the hinted memberships once the hints are up to date, that the bell, the popups and the poll
 * answer from. Popup candidates are then read in full (ec_popups_from). */
#define EC_BELL_COLUMNS "SELECT d.id, d.message_count - du.read_count, du.is_muted "
#define EC_UNREAD_COLUMNS "SELECT d.id, d.message_count - du.read_count, du.is_muted, d.last_message_number, " \
	"du.notified_number, du.last_read_number, du.id "
#define EC_UNREAD_WHERE " WHERE du.user_id = ? AND du.deleted = FALSE AND d.deleted = FALSE AND d.message_count > du.read_count"
enum { EC_U_ID, EC_U_UNREAD, EC_U_MUTED, EC_U_LAST_NUMBER, EC_U_NOTIFIED, EC_U_LAST_READ, EC_U_MEMBERSHIP };

/* bell_only: the first three columns only (EC_U_ID, EC_U_UNREAD, EC_U_MUTED): what the bell
 * needs, a covering read of the memberships. */
static zend_result ec_unread_rows(ec_db *db, const ec_actor *actor, bool bell_only, zval *rows)
{
	smart_str sql = {0};
	zval param;
	bool hinted;
	zend_result status;

	if (ec_hints_refresh(db, actor, &hinted) == FAILURE) {
		return FAILURE;
	}
	smart_str_appends(&sql, bell_only ? EC_BELL_COLUMNS : EC_UNREAD_COLUMNS);
	ec_sql_from_memberships(&sql, db, "IDX_USER_UNREAD");
	smart_str_appends(&sql, hinted ? EC_UNREAD_WHERE EC_HINTED : EC_UNREAD_WHERE);
	smart_str_0(&sql);
	ZVAL_STR(&param, actor->id);
	status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), &param, 1, rows, NULL);
	smart_str_free(&sql);
	return status;
}

/* ['total' => n, 'dialogs' => [dialogId => n]] from the unread rows: muted dialogs are listed
 * but not counted. */
static void ec_unread_summary(zval *rows, zval *out)
{
	zval *row, dialogs;
	zend_long total = 0;

	array_init(&dialogs);
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(rows), row) {
		zend_long n = ec_val_long(EC_COL(row, EC_U_UNREAD));
		zval *id = EC_COL(row, EC_U_ID);
		add_assoc_long_ex(&dialogs, Z_STRVAL_P(id), Z_STRLEN_P(id), n);
		if (!ec_val_bool(EC_COL(row, EC_U_MUTED))) {
			total += n;
		}
	} ZEND_HASH_FOREACH_END();
	array_init_size(out, 2);
	add_assoc_long(out, "total", total);
	add_assoc_zval(out, "dialogs", &dialogs);
}

static int ec_unread_by_last_number_desc(Bucket *a, Bucket *b)
{
	zend_long x = ec_val_long(EC_COL(&a->val, EC_U_LAST_NUMBER)), y = ec_val_long(EC_COL(&b->val, EC_U_LAST_NUMBER));
	return x < y ? 1 : (x > y ? -1 : 0);
}

/* The popup candidates among the unread rows (dialogs not muted whose last message is newer
 * than both the last popup shown and what was read), newest first, at most `limit`, read in
 * full (EC_DIALOG_COLUMNS rows, by membership id) into `candidates`. */
static zend_result ec_popups_candidates(ec_db *db, zval *unread_rows, zend_long limit, zval *candidates)
{
	zval narrow, *row, *ids;
	uint32_t n = 0;
	zend_result status = SUCCESS;

	array_init(candidates);
	array_init(&narrow);
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(unread_rows), row) {
		zend_long last = ec_val_long(EC_COL(row, EC_U_LAST_NUMBER));
		if (!ec_val_bool(EC_COL(row, EC_U_MUTED)) && last > ec_val_long(EC_COL(row, EC_U_NOTIFIED))
			&& last > ec_val_long(EC_COL(row, EC_U_LAST_READ))) {
			Z_ADDREF_P(row);
			add_next_index_zval(&narrow, row);
		}
	} ZEND_HASH_FOREACH_END();
	if (zend_hash_num_elements(Z_ARRVAL(narrow)) > 0) {
		zend_hash_sort(Z_ARRVAL(narrow), ec_unread_by_last_number_desc, true);
		ids = safe_emalloc(MIN((zend_long) zend_hash_num_elements(Z_ARRVAL(narrow)), limit), sizeof(zval), 0);
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL(narrow), row) {
			if ((zend_long) n == limit) {
				break;
			}
			ZVAL_LONG(&ids[n++], ec_val_long(EC_COL(row, EC_U_MEMBERSHIP)));
		} ZEND_HASH_FOREACH_END();
		zval_ptr_dtor(candidates);
		status = ec_db_run_in(db, "SELECT " EC_DIALOG_COLUMNS " FROM dialog_user du JOIN dialog d ON d.id = du.dialog_id "
			"WHERE du.id IN (", NULL, 0, ids, n, ")", candidates, NULL);
		efree(ids);
		if (status == SUCCESS) {
			zend_hash_sort(Z_ARRVAL_P(candidates), ec_dialogs_by_last_number_desc, true);
		} else {
			array_init(candidates);
		}
	}
	zval_ptr_dtor(&narrow);
	return status;
}

/* Popups from the unread rows: dialogs, not muted, whose last message is newer than both the
 * last popup shown and what was read. Unless peek, each is handed out once (the watermark
 * advances). Nothing new costs no statement at all. */
typedef struct {
	zval *candidates;   /* the full list */
	zval claimed;       /* what the last attempt claimed of it */
} ec_claim;

static zend_result ec_popups_claim_step(ec_write *w, void *state)
{
	ec_claim *c = state;

	/* Each attempt claims from the full list (a claim drops what it did not get). */
	zval_ptr_dtor(&c->claimed);
	ZVAL_ARR(&c->claimed, zend_array_dup(Z_ARRVAL_P(c->candidates)));
	return ec_counters_claim_popups(&w->db, &c->claimed);
}

/* Popup rows (dialogId, name, type, unread, mentions, lastMessage) from rendered dialog rows. */
static void ec_popups_answer(zval *dialogs, zval *out)
{
	static const char *const keys[] = {"id", "name", "type", "unread", "mentions", "lastMessage"};
	static const char *const as[] = {"dialogId", "name", "type", "unread", "mentions", "lastMessage"};
	zval *item;

	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(dialogs), item) {
		zval popup;
		array_init_size(&popup, 6);
		for (int k = 0; k < 6; k++) {
			zval *v = zend_hash_str_find(Z_ARRVAL_P(item), keys[k], strlen(keys[k]));
			Z_TRY_ADDREF_P(v);
			add_assoc_zval(&popup, as[k], v);
		}
		add_next_index_zval(out, &popup);
	} ZEND_HASH_FOREACH_END();
}

static zend_result ec_popups_from(ec_write *w, zval *unread_rows, zend_long limit, bool peek, zval *out)
{
	zval candidates, dialogs;
	zend_result status;

	array_init(out);
	if (ec_popups_candidates(&w->db, unread_rows, limit, &candidates) == FAILURE) {
		zval_ptr_dtor(&candidates);
		return FAILURE;
	}
	if (zend_hash_num_elements(Z_ARRVAL(candidates)) == 0) {
		zval_ptr_dtor(&candidates);
		return SUCCESS;
	}
	status = SUCCESS;
	if (!peek) {
		ec_claim c = {&candidates};
		ZVAL_UNDEF(&c.claimed);
		status = ec_write_run(w, ec_popups_claim_step, &c);
		if (status == SUCCESS) {
			zval_ptr_dtor(&candidates);
			ZVAL_COPY_VALUE(&candidates, &c.claimed);
		} else {
			zval_ptr_dtor(&c.claimed);
		}
	}
	array_init(&dialogs);
	if (status == SUCCESS) {
		status = ec_dialogs_render(&w->db, w->actor, &candidates, &dialogs);
	}
	if (status == SUCCESS) {
		ec_popups_answer(&dialogs, out);
	}
	zval_ptr_dtor(&candidates);
	zval_ptr_dtor(&dialogs);
	return status;
}

/* The live messages of the dialog above `after`, and how many of them mention `user_id`, with
 * a current read (see ec_sql_current): one indexed count. */
static zend_result ec_tail_count(ec_db *db, zend_string *dialog_id, zend_long after, zend_string *user_id,
	zend_long *tail, zend_long *mentions)
{
	zval params[3], rows, *row;
	smart_str pattern = {0}, sql = {0};
	zend_result status;

	/* data.mentions holds {"id":"<user id>",...} per mentioned member; inside a JSON string a
	 * quote is always escaped, so this pattern only matches the id key of a mention. */
	smart_str_appends(&pattern, "%\"id\":\"");
	for (size_t i = 0; i < ZSTR_LEN(user_id); i++) {
		char c = ZSTR_VAL(user_id)[i];
		if (c == '%' || c == '_' || c == '!') {
			smart_str_appendc(&pattern, '!');
		}
		smart_str_appendc(&pattern, c);
	}
	smart_str_appends(&pattern, "\"%");
	smart_str_0(&pattern);
	ZVAL_STR(&params[0], pattern.s);
	ZVAL_STR(&params[1], dialog_id);
	ZVAL_LONG(&params[2], after);
	ec_sql_count_and_sum(&sql, db, "CASE WHEN data LIKE ? ESCAPE '!' THEN 1 ELSE 0 END", "note",
		ec_sql_note_by_dialog_index(db), "parent_id = ? AND parent_type = 'Dialog' AND `type` = 'Post' AND deleted = FALSE "
		"AND `number` > ?");
	smart_str_0(&sql);
	status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), params, 3, &rows, NULL);
	smart_str_free(&sql);
	smart_str_free(&pattern);
	if (status == FAILURE) {
		return FAILURE;
	}
	row = zend_hash_index_find(Z_ARRVAL(rows), 0);
	*tail = ec_val_long(EC_COL(row, 0));
	*mentions = ec_val_long(EC_COL(row, 1));
	zval_ptr_dtor(&rows);
	return SUCCESS;
}

typedef struct {
	zend_string *dialog_id;
	zend_long up_to;        /* everything when < 0 */
	zend_long unread;       /* what is still unread, from the attempt that committed */
} ec_read;

/* One attempt of marking read up to `up_to`, under the dialog's row lock. */
static zend_result ec_mark_read_step(ec_write *w, void *state)
{
	ec_read *r = state;
	ec_db *db = &w->db;
	const ec_actor *actor = w->actor;
	zend_long up_to = r->up_to, *unread = &r->unread;
	ec_dialog d;
	zend_long tail = 0, tail_mentions = 0, up;
	zend_result status = FAILURE;

	if (ec_dialog_load(db, actor, r->dialog_id, EC_WRITE, &d) == FAILURE) {
		return FAILURE;
	}
	up = up_to < 0 || up_to > d.last_message_number ? d.last_message_number : up_to;
	if (up <= d.last_read_number) {
		/* Reading never goes backwards. */
		*unread = d.message_count - d.read_count;
		ec_dialog_free(&d);
		return SUCCESS;
	}
	/* Only the messages after `up` stay unread: count that tail (indexed), and the ones among
	 * them that mention the reader (mention_count is "unread messages that name me"). */
	if (up < d.last_message_number
		&& ec_tail_count(db, d.id, up, actor->id, &tail, &tail_mentions) == FAILURE) {
		goto done;
	}
	if (ec_counters_read(db, d.membership_id, up, d.message_count - tail, tail_mentions, tail > 0) == FAILURE) {
		goto done;
	}
	*unread = tail;
	ec_events_read(&w->ev, d.id, actor->id, tail, up);
	status = SUCCESS;
done:
	ec_dialog_free(&d);
	return status;
}

ZEND_FUNCTION(ebla_chat_unread)
{
	zval *zpdo, rows;
	zend_string *actor_id;
	const ec_actor *actor;
	ec_db db;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_OBJECT_OF_CLASS(zpdo, php_pdo_get_dbh_ce())
		Z_PARAM_STR(actor_id)
	ZEND_PARSE_PARAMETERS_END();

	if (ec_db_init(&db, zpdo) == FAILURE || !(actor = ec_acl_actor(&db, actor_id, NULL))) {
		RETURN_THROWS();
	}
	if (ec_unread_rows(&db, actor, true, &rows) == FAILURE) {
		RETURN_THROWS();
	}
	ec_unread_summary(&rows, return_value);
	zval_ptr_dtor(&rows);
}

ZEND_FUNCTION(ebla_chat_mark_read)
{
	zval *zpdo;
	zend_string *actor_id, *dialog_id;
	zend_long up_to = -1;
	bool up_to_null = true;
	ec_read r = {0};
	ec_write w;

	ZEND_PARSE_PARAMETERS_START(3, 4)
		Z_PARAM_OBJECT_OF_CLASS(zpdo, php_pdo_get_dbh_ce())
		Z_PARAM_STR(actor_id)
		Z_PARAM_STR(dialog_id)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG_OR_NULL(up_to, up_to_null)
	ZEND_PARSE_PARAMETERS_END();

	if (!up_to_null && up_to < 0) {
		ec_bad_request("upToNumber must be a message number (>= 0), " ZEND_LONG_FMT " given", up_to);
		RETURN_THROWS();
	}
	r.dialog_id = dialog_id;
	r.up_to = up_to_null ? -1 : up_to;
	if (ec_write_open(&w, zpdo, actor_id, NULL) == FAILURE || ec_write_run(&w, ec_mark_read_step, &r) == FAILURE) {
		RETURN_THROWS();
	}
	RETURN_LONG(r.unread);
}

static const char *const ec_popups_options[] = {"peek", "limit", NULL};

ZEND_FUNCTION(ebla_chat_popups)
{
	zval *zpdo, rows;
	zend_result status;
	zend_string *actor_id;
	HashTable *opts = NULL;
	zend_long limit;
	bool peek;
	ec_write w;

	EC_PARSE_ACTOR_OPTIONS();
	if (ec_options_check(opts, ec_popups_options) == FAILURE
		|| ec_option_bool(opts, "peek", false, &peek) == FAILURE
		|| ec_option_long(opts, "limit", EC_POPUPS_LIMIT_DEFAULT, 1, EC_POPUPS_LIMIT_MAX, &limit) == FAILURE
		|| ec_write_open(&w, zpdo, actor_id, NULL) == FAILURE
		|| ec_unread_rows(&w.db, w.actor, false, &rows) == FAILURE) {
		RETURN_THROWS();
	}
	status = ec_popups_from(&w, &rows, limit, peek, return_value);
	zval_ptr_dtor(&rows);
	if (status == FAILURE) {
		RETURN_THROWS();
	}
}

static const char *const ec_poll_options[] = {"dialogId", "after", "limit", "peek", NULL};

ZEND_FUNCTION(ebla_chat_poll)
{
	zval *zpdo, part, rows;
	zend_result status;
	zend_string *actor_id, *dialog_id = NULL;
	HashTable *opts = NULL;
	zend_long after, limit;
	bool peek, has_after;
	ec_write w;

	EC_PARSE_ACTOR_OPTIONS();
	has_after = opts && zend_hash_str_exists(opts, "after", sizeof("after") - 1);
	if (ec_options_check(opts, ec_poll_options) == FAILURE
		|| ec_option_id(opts, "dialogId", &dialog_id) == FAILURE
		|| ec_option_long(opts, "after", 0, 0, ZEND_LONG_MAX, &after) == FAILURE
		|| ec_option_long(opts, "limit", 50, 1, 200, &limit) == FAILURE
		|| ec_option_bool(opts, "peek", false, &peek) == FAILURE) {
		RETURN_THROWS();
	}
	if ((dialog_id != NULL) != has_after) {
		ec_bad_request("Options \"dialogId\" and \"after\" go together");
		RETURN_THROWS();
	}
	if (ec_write_open(&w, zpdo, actor_id, NULL) == FAILURE) {
		RETURN_THROWS();
	}
	if (ec_unread_rows(&w.db, w.actor, false, &rows) == FAILURE) {
		RETURN_THROWS();
	}
	array_init_size(return_value, 3);
	ec_unread_summary(&rows, &part);
	add_assoc_zval(return_value, "unread", &part);
	status = ec_popups_from(&w, &rows, EC_POPUPS_LIMIT_DEFAULT, peek, &part);
	zval_ptr_dtor(&rows);
	if (status == FAILURE) {
		zval_ptr_dtor(&part);
		RETURN_THROWS();
	}
	add_assoc_zval(return_value, "popups", &part);
	if (dialog_id) {
		/* The open dialog's new messages: the same answer as ebla_chat_messages(after). */
		if (ec_messages_history(&w.db, w.actor, dialog_id, limit, 0, after, &part) == FAILURE) {
			RETURN_THROWS();
		}
		add_assoc_zval(return_value, "messages", &part);
	}
}

ZEND_FUNCTION(ebla_chat_dialog_mute)
{
	zval *zpdo, params[2];
	zend_string *actor_id, *dialog_id;
	bool muted;
	ec_dialog d;
	ec_write w;

	ZEND_PARSE_PARAMETERS_START(4, 4)
		Z_PARAM_OBJECT_OF_CLASS(zpdo, php_pdo_get_dbh_ce())
		Z_PARAM_STR(actor_id)
		Z_PARAM_STR(dialog_id)
		Z_PARAM_BOOL(muted)
	ZEND_PARSE_PARAMETERS_END();

	/* One statement and no event: it needs no transaction of its own. */
	if (ec_write_open(&w, zpdo, actor_id, NULL) == FAILURE || ec_dialog_load(&w.db, w.actor, dialog_id, EC_READ, &d) == FAILURE) {
		RETURN_THROWS();
	}
	if (!d.member) {
		ec_dialog_free(&d);
		ec_forbidden("You are not a member of dialog %s", ZSTR_VAL(dialog_id));
		RETURN_THROWS();
	}
	ZVAL_LONG(&params[0], d.membership_id);
	ec_dialog_free(&d);
	if (ec_db_exec(&w.db, muted ? "UPDATE dialog_user SET is_muted = TRUE WHERE id = ?" : "UPDATE dialog_user SET is_muted = FALSE WHERE id = ?",
			params, 1, NULL) == FAILURE) {
		RETURN_THROWS();
	}
}
