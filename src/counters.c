/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* counters: see counters.h. */
#include "php.h"
#include "zend_smart_str.h"
#include "php_ebla_chat.h"
#include "counters.h"
#include "render.h"

zend_result ec_counters_pending(ec_db *db, zend_string *dialog_id)
{
	const char *pending = ec_sql_activity_pending(db);
	char sql[128];
	zval param;

	if (!pending) {
		return SUCCESS;
	}
	snprintf(sql, sizeof(sql), "UPDATE dialog SET %s WHERE id = ?", pending);
	ZVAL_STR(&param, dialog_id);
	return ec_db_exec(db, sql, &param, 1, NULL);
}

zend_result ec_counters_post(ec_db *db, zend_string *dialog_id, zend_long message_count, zend_long membership_id, zend_long number,
	zend_string *note_id, zend_string *now)
{
	zval dp[5], up[6];
	char activity[64], set[256];

	ZVAL_LONG(&dp[0], number);
	ZVAL_STR(&dp[1], note_id);
	ZVAL_STR(&dp[2], now);
	ZVAL_STR(&dp[3], now);
	ZVAL_STR(&dp[4], dialog_id);
	ZVAL_LONG(&up[0], message_count + 1);
	ZVAL_LONG(&up[1], number);
	ZVAL_LONG(&up[2], number);
	ZVAL_LONG(&up[3], number);
	ZVAL_LONG(&up[4], membership_id);
	ec_sql_activity_final(db, number, activity, sizeof(activity));
	snprintf(set, sizeof(set), "message_count = message_count + 1, last_message_number = ?, "
		"last_message_id = ?, last_message_at = ?, modified_at = ?, %s", activity);
	return ec_db_update_pair(db, "dialog", set, dp, 4,
		"dialog_user", "read_count = ?, last_read_number = ?, notified_number = ?, mention_count = 0, unread_hint = FALSE, "
		"list_number = ?", up, 4);
}

void ec_counters_post_script(ec_script *s, zend_string *dialog_id, zend_string *note_id, zend_string *now)
{
	const char *number = ec_sql_script_note_number(s->db);
	zval p[4];
	char activity[128], sql[512];

	ZVAL_STR(&p[0], note_id);
	ZVAL_STR(&p[1], now);
	ZVAL_STR(&p[2], now);
	ZVAL_STR(&p[3], dialog_id);
	ec_sql_activity_final_sql(s->db, number, activity, sizeof(activity));
	snprintf(sql, sizeof(sql), "UPDATE dialog SET message_count = message_count + 1, last_message_number = %s, "
		"last_message_id = ?, last_message_at = ?, modified_at = ?, %s WHERE id = ?", number, activity);
	ec_script_add(s, sql, p, 4);
}

void ec_counters_post_author_script(ec_script *s, zend_long membership_id)
{
	const char *number = "d.last_message_number";
	smart_str sql = {0};
	char set[256];
	zval p;

	/* The author's read_count from the dialog row as just written; the join is the check that the
	 * membership and the dialog are still live (the row count must be 1). */
	ZVAL_LONG(&p, membership_id);
	snprintf(set, sizeof(set), "read_count = d.message_count, last_read_number = %s, notified_number = %s, "
		"mention_count = 0, unread_hint = FALSE, list_number = %s", number, number, number);
	ec_sql_update_join(&sql, s->db, "dialog_user du", "dialog d", "d.id = du.dialog_id AND d.deleted = FALSE", set,
		"du.id = ? AND du.deleted = FALSE");
	ec_script_update_expect_last(s, ZSTR_VAL(sql.s), &p, 1, 1);
	smart_str_free(&sql);
}

void ec_counters_mentions_script(ec_script *s, zend_string *dialog_id, HashTable *user_ids)
{
	uint32_t n = zend_hash_num_elements(user_ids), i = 1;
	zval *params, *id;
	smart_str sql = {0};

	if (n == 0) {
		return;
	}
	params = safe_emalloc(n + 1, sizeof(zval), 0);
	ZVAL_STR(&params[0], dialog_id);
	ZEND_HASH_FOREACH_VAL(user_ids, id) {
		ZVAL_COPY_VALUE(&params[i++], id);
	} ZEND_HASH_FOREACH_END();
	/* (No member but the author has read the new message: no condition on last_read_number.) */
	smart_str_append_printf(&sql, "UPDATE dialog_user%s SET mention_count = mention_count + 1 WHERE dialog_id = ? "
		"AND deleted = FALSE AND user_id IN (", ec_sql_by_dialog_index(s->db));
	ec_sql_placeholders(&sql, n);
	smart_str_appendc(&sql, ')');
	smart_str_0(&sql);
	/* Every member named is still one (a member removed since they were looked up fails it). */
	ec_script_update_expect(s, ZSTR_VAL(sql.s), params, n + 1, n);
	smart_str_free(&sql);
	efree(params);
}

/* Revives the rows of former members (deleted = TRUE in `existing`) with everything read. */
static zend_result ec_counters_revive(ec_db *db, zend_string *dialog_id, zend_long message_count, zend_long last_number,
	zend_string *now, zend_string **ids, uint32_t n, HashTable *existing, zend_string **added, uint32_t *added_count)
{
	zval fixed[6], *list = safe_emalloc(n, sizeof(zval), 0);
	uint32_t revives = 0;
	char head[256];
	zend_result status = SUCCESS;

	for (uint32_t i = 0; i < n; i++) {
		zval *deleted = zend_hash_find(existing, ids[i]);
		if (deleted && Z_TYPE_P(deleted) == IS_TRUE) {
			ZVAL_STR(&list[revives++], ids[i]);
			added[(*added_count)++] = ids[i];
		}
	}
	if (revives) {
		ZVAL_LONG(&fixed[0], message_count);
		ZVAL_LONG(&fixed[1], last_number);
		ZVAL_LONG(&fixed[2], last_number);
		ZVAL_LONG(&fixed[3], last_number);
		ZVAL_STR(&fixed[4], now);
		ZVAL_STR(&fixed[5], dialog_id);
		snprintf(head, sizeof(head), "UPDATE dialog_user%s SET deleted = FALSE, read_count = ?, last_read_number = ?, "
			"notified_number = ?, list_number = ?, mention_count = 0, is_muted = FALSE, unread_hint = FALSE, joined_at = ? "
			"WHERE dialog_id = ? AND user_id IN (",
			ec_sql_by_dialog_index(db));
		status = ec_db_run_in(db, head, fixed, 6, list, revives, ")", NULL, NULL);
	}
	efree(list);
	return status;
}

/* Inserts rows for the users of `ids` never seen in this dialog, with everything read. */
static zend_result ec_counters_insert(ec_db *db, zend_string *dialog_id, zend_long message_count, zend_long last_number,
	zend_string *now, zend_string **ids, uint32_t n, HashTable *existing, zend_string **added, uint32_t *added_count)
{
	zval *params = safe_emalloc(n * 7 + 1, sizeof(zval), 0);
	smart_str sql = {0};
	uint32_t p = 0, inserts = 0;
	zend_result status = SUCCESS;

	smart_str_appends(&sql,
		"INSERT INTO dialog_user (dialog_id, user_id, deleted, read_count, last_read_number, notified_number, "
		"list_number, mention_count, is_muted, joined_at) VALUES ");
	for (uint32_t i = 0; i < n; i++) {
		if (zend_hash_exists(existing, ids[i])) {
			continue;
		}
		smart_str_appends(&sql, inserts++ ? ", (?, ?, FALSE, ?, ?, ?, ?, 0, FALSE, ?)" : "(?, ?, FALSE, ?, ?, ?, ?, 0, FALSE, ?)");
		ZVAL_STR(&params[p++], dialog_id);
		ZVAL_STR(&params[p++], ids[i]);
		ZVAL_LONG(&params[p++], message_count);
		ZVAL_LONG(&params[p++], last_number);
		ZVAL_LONG(&params[p++], last_number);
		ZVAL_LONG(&params[p++], last_number);
		ZVAL_STR(&params[p++], now);
		added[(*added_count)++] = ids[i];
	}
	if (inserts) {
		status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), params, p, NULL, NULL);
	}
	smart_str_free(&sql);
	efree(params);
	return status;
}

zend_result ec_counters_join(ec_db *db, zend_string *dialog_id, zend_long message_count, zend_long last_number,
	zend_string *now, zend_string **ids, uint32_t n, HashTable *existing, zend_string **added, uint32_t *added_count)
{
	if (ec_counters_revive(db, dialog_id, message_count, last_number, now, ids, n, existing, added, added_count) == FAILURE) {
		return FAILURE;
	}
	return ec_counters_insert(db, dialog_id, message_count, last_number, now, ids, n, existing, added, added_count);
}

zend_result ec_counters_mentions(ec_db *db, zend_string *dialog_id, zend_long number, HashTable *user_ids, int delta)
{
	uint32_t n = zend_hash_num_elements(user_ids), i = 0;
	zval fixed[2], *list, *id;
	char head[256];
	zend_result status;

	if (n == 0) {
		return SUCCESS;
	}
	list = safe_emalloc(n, sizeof(zval), 0);
	ZVAL_STR(&fixed[0], dialog_id);
	ZVAL_LONG(&fixed[1], number);
	ZEND_HASH_FOREACH_VAL(user_ids, id) {
		ZVAL_COPY_VALUE(&list[i++], id);
	} ZEND_HASH_FOREACH_END();
	snprintf(head, sizeof(head), "UPDATE dialog_user%s SET mention_count = mention_count %s WHERE dialog_id = ? AND deleted = FALSE "
		"AND last_read_number < ? %sAND user_id IN (", ec_sql_by_dialog_index(db), delta > 0 ? "+ 1" : "- 1",
		delta > 0 ? "" : "AND mention_count > 0 ");
	status = ec_db_run_in(db, head, fixed, 2, list, n, ")", NULL, NULL);
	efree(list);
	return status;
}

/* The dialog's last message is now the newest live one (or none): one live message less. */
static zend_result ec_counters_last_message(ec_db *db, zend_string *dialog_id)
{
	zval params[4], last, *row;
	char sql[512];
	zend_result status;

	ZVAL_STR(&params[0], dialog_id);
	snprintf(sql, sizeof(sql), "SELECT id, `number`, created_at FROM note%s WHERE parent_id = ? AND parent_type = 'Dialog' "
		"AND `type` = 'Post' AND deleted = FALSE ORDER BY `number` DESC LIMIT 1%s", ec_sql_note_by_dialog_index(db), ec_sql_current(db));
	if (ec_db_query(db, sql, params, 1, &last) == FAILURE) {
		return FAILURE;
	}
	row = zend_hash_index_find(Z_ARRVAL(last), 0);
	if (row) {
		ZVAL_COPY_VALUE(&params[0], EC_COL(row, 1));
		ZVAL_COPY_VALUE(&params[1], EC_COL(row, 0));
		ZVAL_COPY_VALUE(&params[2], EC_COL(row, 2));
	} else {
		ZVAL_LONG(&params[0], 0);
		ZVAL_NULL(&params[1]);
		ZVAL_NULL(&params[2]);
	}
	ZVAL_STR(&params[3], dialog_id);
	status = ec_db_exec(db, "UPDATE dialog SET message_count = CASE WHEN message_count > 0 THEN message_count - 1 ELSE 0 END, "
		"last_message_number = ?, last_message_id = ?, last_message_at = ? WHERE id = ?", params, 4, NULL);
	zval_ptr_dtor(&last);
	return status;
}

zend_result ec_counters_delete(ec_db *db, zend_string *dialog_id, zend_long number, HashTable *mentioned)
{
	zval params[2];
	char sql[256];

	/* Exact counts: members who had read it had it in read_count. By the dialog_id index only,
	 * so no other dialog's memberships are locked. */
	ZVAL_STR(&params[0], dialog_id);
	ZVAL_LONG(&params[1], number);
	snprintf(sql, sizeof(sql), "UPDATE dialog_user%s SET read_count = read_count - 1 WHERE dialog_id = ? AND deleted = FALSE "
		"AND last_read_number >= ? AND read_count > 0", ec_sql_by_dialog_index(db));
	if (ec_db_exec(db, sql, params, 2, NULL) == FAILURE
		|| ec_counters_mentions(db, dialog_id, number, mentioned, -1) == FAILURE) {
		return FAILURE;
	}
	return ec_counters_last_message(db, dialog_id);
}

zend_result ec_counters_read(ec_db *db, zend_long membership_id, zend_long up, zend_long read_count, zend_long mentions,
	bool unread_left)
{
	zval params[7];

	ZVAL_LONG(&params[0], up);
	ZVAL_LONG(&params[1], read_count);
	ZVAL_LONG(&params[2], mentions);
	ZVAL_LONG(&params[3], up);
	ZVAL_LONG(&params[4], up);
	ZVAL_LONG(&params[5], membership_id);
	ZVAL_LONG(&params[6], up);
#define EC_READ_SQL(hint) "UPDATE dialog_user SET last_read_number = ?, read_count = ?, mention_count = ?, " \
	"notified_number = CASE WHEN notified_number < ? THEN ? ELSE notified_number END, unread_hint = " hint " " \
	"WHERE id = ? AND last_read_number < ?"
	/* Two texts, not a bound flag: a bound value compares as text on SQLite. */
	return ec_db_exec(db, unread_left ? EC_READ_SQL("TRUE") : EC_READ_SQL("FALSE"), params, 7, NULL);
#undef EC_READ_SQL
}

zend_result ec_counters_claim_popups(ec_db *db, zval *candidates)
{
	uint32_t n = zend_hash_num_elements(Z_ARRVAL_P(candidates)), p = 0;
	zval *params = safe_emalloc(n * 3, sizeof(zval), 0), rows, *row;
	HashTable current; /* membership id => notified_number now */
	smart_str sql = {0};
	char tail[32];
	zend_ulong index;
	zend_result status;

	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(candidates), row) {
		ZVAL_LONG(&params[p++], ec_val_long(EC_COL(row, EC_DU_ID)));
	} ZEND_HASH_FOREACH_END();
	snprintf(tail, sizeof(tail), ")%s", ec_sql_for_update(db));
	status = ec_db_run_in(db, "SELECT id, notified_number FROM dialog_user WHERE id IN (", NULL, 0, params, n, tail, &rows, NULL);
	if (status == FAILURE) {
		efree(params);
		return FAILURE;
	}
	zend_hash_init(&current, n, NULL, NULL, 0);
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(rows), row) {
		zval v;
		ZVAL_LONG(&v, ec_val_long(EC_COL(row, 1)));
		zend_hash_index_update(&current, (zend_ulong) ec_val_long(EC_COL(row, 0)), &v);
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&rows);

	p = 0;
	smart_str_appends(&sql, "UPDATE dialog_user SET notified_number = CASE id");
	ZEND_HASH_FOREACH_NUM_KEY_VAL(Z_ARRVAL_P(candidates), index, row) {
		zval *now = zend_hash_index_find(&current, (zend_ulong) ec_val_long(EC_COL(row, EC_DU_ID)));
		if (!now || Z_LVAL_P(now) >= ec_val_long(EC_COL(row, EC_D_LAST_NUMBER))) {
			zend_hash_index_del(Z_ARRVAL_P(candidates), index);
			continue;
		}
		smart_str_appends(&sql, " WHEN ? THEN ?");
		ZVAL_LONG(&params[p++], ec_val_long(EC_COL(row, EC_DU_ID)));
		ZVAL_LONG(&params[p++], ec_val_long(EC_COL(row, EC_D_LAST_NUMBER)));
	} ZEND_HASH_FOREACH_END();
	zend_hash_destroy(&current);
	n = zend_hash_num_elements(Z_ARRVAL_P(candidates));
	if (n) {
		smart_str_appends(&sql, " ELSE notified_number END WHERE id IN (");
		ec_sql_placeholders(&sql, n);
		smart_str_appendc(&sql, ')');
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(candidates), row) {
			ZVAL_LONG(&params[p++], ec_val_long(EC_COL(row, EC_DU_ID)));
		} ZEND_HASH_FOREACH_END();
		status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), params, p, NULL, NULL);
	}
	smart_str_free(&sql);
	efree(params);
	return status;
}

