/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* hints: see hints.h. */
#include "php.h"
#include "zend_smart_str.h"
#include "hints.h"

/* Above this many dialogs written since the reader last looked, one pass over the reader's own
 * memberships is cheaper than a list of ids. */
#define EC_HINTS_LIST_MAX 500

/* Catches up the actor's memberships of the dialogs `ids` (n of them), or of all its dialogs when
 * ids is NULL: hinted when they have unread messages, and their list_number (the dialog list's
 * order, dialogs.c) set to the dialog's last message number. A current read: the UPDATE reads
 * the newest rows; rows already up to date are not written. */
static zend_result ec_hints_set(ec_db *db, const ec_actor *actor, zval *ids, uint32_t n)
{
#define EC_HINTS_COUNT "COALESCE((SELECT d.message_count FROM dialog d WHERE d.id = dialog_user.dialog_id AND d.deleted = FALSE), 0)"
#define EC_HINTS_LAST "COALESCE((SELECT d.last_message_number FROM dialog d WHERE d.id = dialog_user.dialog_id), 0)"
#define EC_HINTS_SET "UPDATE dialog_user SET unread_hint = CASE WHEN read_count < " EC_HINTS_COUNT " THEN TRUE ELSE unread_hint END, " \
	"list_number = " EC_HINTS_LAST " WHERE user_id = ? AND deleted = FALSE AND (list_number <> " EC_HINTS_LAST \
	" OR (unread_hint = FALSE AND read_count < " EC_HINTS_COUNT "))"
	zval param;

	ZVAL_STR(&param, actor->id);
	if (!ids) {
		return ec_db_exec(db, EC_HINTS_SET, &param, 1, NULL);
	}
	return ec_db_run_in(db, EC_HINTS_SET " AND dialog_id IN (", &param, 1, ids, n, ")", NULL, NULL);
#undef EC_HINTS_SET
#undef EC_HINTS_LAST
#undef EC_HINTS_COUNT
}

/* The actor's memberships of the dialogs `changed` (rows of [id, ...]) hinted. */
static zend_result ec_hints_catch_up(ec_db *db, const ec_actor *actor, zval *changed)
{
	uint32_t n = zend_hash_num_elements(Z_ARRVAL_P(changed)), i = 0;
	zval *ids, *row;
	zend_result status;

	if (n == 0 || n > EC_HINTS_LIST_MAX) {
		return n ? ec_hints_set(db, actor, NULL, 0) : SUCCESS;
	}
	ids = safe_emalloc(n, sizeof(zval), 0);
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(changed), row) {
		ZVAL_COPY_VALUE(&ids[i++], EC_COL(row, 0));
	} ZEND_HASH_FOREACH_END();
	status = ec_hints_set(db, actor, ids, n);
	efree(ids);
	return status;
}

/* The watermark moves to `horizon` (never back; a first call inserts the row). */
static zend_result ec_hints_advance(ec_db *db, const ec_actor *actor, bool first, zend_long horizon)
{
	zval params[3];
	char sql[128];
	zend_long inserted = 0;

	ZVAL_STR(&params[0], actor->id);
	ZVAL_LONG(&params[1], horizon);
	if (first) {
		snprintf(sql, sizeof(sql), "INSERT INTO dialog_reader (id, activity) VALUES (?, ?)%s", ec_sql_insert_or_ignore(db));
		if (ec_db_exec(db, sql, params, 2, &inserted) == FAILURE) {
			return FAILURE;
		}
		if (inserted > 0) {
			return SUCCESS;
		}
	}
	ZVAL_LONG(&params[0], horizon);
	ZVAL_STR(&params[1], actor->id);
	ZVAL_LONG(&params[2], horizon);
	return ec_db_exec(db, "UPDATE dialog_reader SET activity = ? WHERE id = ? AND activity < ?", params, 3, NULL);
}

zend_result ec_hints_refresh(ec_db *db, const ec_actor *actor, bool *complete)
{
	zval param, rows, changed, *row;
	smart_str sql = {0};
	zend_long horizon, watermark;
	bool in_tx, first, busy;
	zend_result status;

	*complete = false;
	if (ec_db_in_caller_tx(db, &in_tx) == FAILURE) {
		return FAILURE;
	}
	if (in_tx) {
		return SUCCESS;
	}
	/* One indexed query: the watermark, the horizon, and whether anything was written since. */
	/* MAX(activity) is one index entry; an EXISTS with the watermark from the subquery is not an
	 * index range to PostgreSQL's planner, which would read every dialog. */
	smart_str_append_printf(&sql, "SELECT w.a, %s, CASE WHEN w.a IS NULL OR (SELECT MAX(activity) FROM dialog) > w.a "
		"THEN 1 ELSE 0 END FROM (SELECT (SELECT activity FROM dialog_reader WHERE id = ?) AS a) w", ec_sql_activity_horizon(db));
	smart_str_0(&sql);
	ZVAL_STR(&param, actor->id);
	status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), &param, 1, &rows, NULL);
	smart_str_free(&sql);
	if (status == FAILURE) {
		return FAILURE;
	}
	row = zend_hash_index_find(Z_ARRVAL(rows), 0);
	first = Z_TYPE_P(EC_COL(row, 0)) == IS_NULL;
	horizon = ec_val_long(EC_COL(row, 1));
	if (!ec_val_bool(EC_COL(row, 2))) {
		zval_ptr_dtor(&rows);
		*complete = true;
		return SUCCESS;
	}
	/* Hints only after the horizon is settled: every stamp up to it is then committed. With a
	 * post under way (busy) the committed dialogs above the watermark are hinted all the same,
	 * but the watermark stays where it is: the hints are complete, and the next call looks at
	 * those dialogs again. */
	watermark = first ? -1 : ec_val_long(EC_COL(row, 0));
	status = ec_db_activity_since(db, watermark, &horizon, &changed, &busy);
	zval_ptr_dtor(&rows);
	if (status == FAILURE) {
		return FAILURE;
	}
	status = first ? ec_hints_set(db, actor, NULL, 0) : ec_hints_catch_up(db, actor, &changed);
	zval_ptr_dtor(&changed);
	if (status == SUCCESS && !busy && (first || horizon > watermark)) {
		status = ec_hints_advance(db, actor, first, horizon);
	}
	if (status == FAILURE) {
		/* A deadlock with a post, or a lock wait: the next call catches up. */
		return ec_db_clear_lock_conflict() ? SUCCESS : FAILURE;
	}
	*complete = true;
	return SUCCESS;
}
