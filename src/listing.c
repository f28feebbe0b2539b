/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* listing: see listing.h. */
#include "php.h"
#include "zend_smart_str.h"
#include "listing.h"
#include "render.h"

/* The page's read: the user's live memberships of live dialogs by USER_LIST, and `cond`. */
static void ec_listing_sql(smart_str *sql, const ec_db *db, const char *cond)
{
	smart_str_appends(sql, "SELECT " EC_DIALOG_COLUMNS ", du.list_number ");
	ec_sql_from_memberships(sql, db, "IDX_USER_LIST");
	smart_str_appends(sql, " WHERE du.user_id = ? AND du.deleted = FALSE AND d.deleted = FALSE AND ");
	smart_str_appends(sql, cond);
	smart_str_0(sql);
}

/* Dialogs without messages: newest first (created_at, then id, both descending). */
static int ec_by_created_desc(Bucket *a, Bucket *b)
{
	zval *ca = EC_COL(&a->val, EC_D_CREATED_AT), *cb = EC_COL(&b->val, EC_D_CREATED_AT);
	int c = strcmp(Z_TYPE_P(cb) == IS_STRING ? Z_STRVAL_P(cb) : "", Z_TYPE_P(ca) == IS_STRING ? Z_STRVAL_P(ca) : "");

	return c ? c : strcmp(Z_STRVAL_P(EC_COL(&b->val, EC_D_ID)), Z_STRVAL_P(EC_COL(&a->val, EC_D_ID)));
}

/* Moves the rows of `from` into `with` (dialogs with messages) or `without`. */
static void ec_listing_split(zval *from, zval *with, zval *without)
{
	zval *row;

	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(from), row) {
		Z_ADDREF_P(row);
		add_next_index_zval(ec_val_long(EC_COL(row, EC_D_LAST_NUMBER)) > 0 ? with : without, row);
	} ZEND_HASH_FOREACH_END();
}

/* Reads memberships by list_number downwards, `batch` at a time, until the `limit` best real
 * numbers found can no longer be beaten (every membership not read has list_number, so a real
 * number, at most the last one read) or none is left: the dialogs with messages in `with`
 * (sorted, possibly more than limit), those whose messages are all deleted in `without`. */
static zend_result ec_listing_with_messages(ec_db *db, const ec_actor *actor, zend_long limit, zval *with, zval *without)
{
	const zend_long batch = limit + 10;
	zval params[4], rows, *last, *kth;
	char cond[256];
	uint32_t n = 1;
	bool more = true;

	ZVAL_STR(&params[0], actor->id);
	ZVAL_UNDEF(&params[3]);
	while (more) {
		smart_str sql = {0};
		zend_result status;
		snprintf(cond, sizeof(cond), "du.list_number > 0%s ORDER BY du.list_number DESC, du.dialog_id DESC LIMIT " ZEND_LONG_FMT,
			n == 1 ? "" : " AND (du.list_number < ? OR (du.list_number = ? AND du.dialog_id < ?))", batch);
		ec_listing_sql(&sql, db, cond);
		status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), params, n, &rows, NULL);
		smart_str_free(&sql);
		if (status == FAILURE) {
			zval_ptr_dtor(&params[3]);
			return FAILURE;
		}
		ec_listing_split(&rows, with, without);
		zend_hash_sort(Z_ARRVAL_P(with), ec_dialogs_by_last_number_desc, true);
		more = zend_hash_num_elements(Z_ARRVAL(rows)) == (uint32_t) batch;
		if (more) {
			/* Every membership not read yet has list_number <= bound, so no greater number. */
			last = zend_hash_index_find(Z_ARRVAL(rows), batch - 1);
			ZVAL_LONG(&params[1], ec_val_long(EC_COL(last, EC_DIALOG_COLUMN_COUNT)));
			ZVAL_COPY_VALUE(&params[2], &params[1]);
			zval_ptr_dtor(&params[3]);
			ZVAL_COPY(&params[3], EC_COL(last, EC_D_ID));
			n = 4;
			kth = zend_hash_index_find(Z_ARRVAL_P(with), limit - 1);
			more = !kth || ec_val_long(EC_COL(kth, EC_D_LAST_NUMBER)) < Z_LVAL(params[1]);
		}
		zval_ptr_dtor(&rows);
	}
	zval_ptr_dtor(&params[3]);
	return SUCCESS;
}

/* Above this many memberships joined or left since they were last counted, the count is
 * brought up to date (ec_listing_recount). */
#define EC_LISTING_RECOUNT 64

/* Folds the memberships joined or left since they were last counted into dialog_reader's
 * dialog_count, in one transaction of its own. A lock conflict leaves it for the next time. */
static zend_result ec_listing_recount(ec_db *db, const ec_actor *actor)
{
	zval params[2], rows;
	zend_long joined = 0, left = 0;
	char sql[128];
	zend_result status;

	ZVAL_STR(&params[1], actor->id);
	if (ec_tx_begin(db) == FAILURE) {
		return FAILURE;
	}
	/* The reader's row first, locked: without it (not made yet) nothing is folded. */
	snprintf(sql, sizeof(sql), "SELECT id FROM dialog_reader WHERE id = ?%s", ec_sql_for_update(db));
	status = ec_db_query(db, sql, &params[1], 1, &rows);
	if (status == SUCCESS) {
		bool has_row = zend_hash_num_elements(Z_ARRVAL(rows)) > 0;
		zval_ptr_dtor(&rows);
		if (!has_row) {
			ec_tx_abort(db);
			return SUCCESS;
		}
		status = ec_db_exec(db, "UPDATE dialog_user SET counted = TRUE WHERE user_id = ? AND deleted = FALSE AND counted = FALSE",
			&params[1], 1, &joined);
	}
	if (status == SUCCESS) {
		status = ec_db_exec(db, "UPDATE dialog_user SET counted = FALSE WHERE user_id = ? AND deleted = TRUE AND counted = TRUE",
			&params[1], 1, &left);
	}
	if (status == SUCCESS) {
		ZVAL_LONG(&params[0], joined - left);
		status = ec_db_exec(db, "UPDATE dialog_reader SET dialog_count = dialog_count + ? WHERE id = ?", params, 2, NULL);
	}
	if (status == SUCCESS) {
		status = ec_tx_commit(db);
	} else {
		ec_tx_abort(db);
	}
	return status == SUCCESS || ec_db_clear_lock_conflict() ? SUCCESS : FAILURE;
}

/* The list's count: the memberships counted in dialog_reader, plus those joined and less those
 * left since (few, by USER_COUNTED), less those in deleted dialogs (few, by IDX_DELETED). */
static zend_result ec_listing_total(ec_db *db, const ec_actor *actor, zend_long *total)
{
#define EC_LISTING_TERMS(deleted_hint) "SELECT COALESCE((SELECT dialog_count FROM dialog_reader WHERE id = ?), 0), " \
	"(SELECT COUNT(*) FROM dialog_user WHERE user_id = ? AND deleted = FALSE AND counted = FALSE), " \
	"(SELECT COUNT(*) FROM dialog_user WHERE user_id = ? AND deleted = TRUE AND counted = TRUE), " \
	"(SELECT COUNT(*) FROM dialog d" deleted_hint " JOIN dialog_user du ON du.dialog_id = d.id AND du.user_id = ? " \
	"AND du.deleted = FALSE WHERE d.deleted = TRUE)"
	zval params[4], rows, *row;
	zend_long joined, left;

	for (int i = 0; i < 4; i++) {
		ZVAL_STR(&params[i], actor->id);
	}
	if (ec_db_query(db, ec_sql_pick(db, EC_LISTING_TERMS(" FORCE INDEX (IDX_DELETED)"), EC_LISTING_TERMS(""), EC_LISTING_TERMS("")),
			params, 4, &rows) == FAILURE) {
		return FAILURE;
	}
	row = zend_hash_index_find(Z_ARRVAL(rows), 0);
	joined = ec_val_long(EC_COL(row, 1));
	left = ec_val_long(EC_COL(row, 2));
	*total = ec_val_long(EC_COL(row, 0)) + joined - left - ec_val_long(EC_COL(row, 3));
	zval_ptr_dtor(&rows);
	return joined + left > EC_LISTING_RECOUNT ? ec_listing_recount(db, actor) : SUCCESS;
#undef EC_LISTING_TERMS
}

zend_result ec_listing_first_page(ec_db *db, const ec_actor *actor, zend_long limit, zval *rows, zend_long *total)
{
	zval with, without, empty, param, *row;
	zend_result status;

	array_init(rows);
	array_init(&with);
	array_init(&without);
	status = ec_listing_with_messages(db, actor, limit, &with, &without);
	if (status == SUCCESS && zend_hash_num_elements(Z_ARRVAL(with)) < (uint32_t) limit) {
		/* Then come the dialogs without messages: list_number 0, or all messages deleted. */
		smart_str sql = {0};
		char cond[128];
		ZVAL_STR(&param, actor->id);
		snprintf(cond, sizeof(cond), "du.list_number = 0 ORDER BY d.created_at DESC, d.id DESC LIMIT " ZEND_LONG_FMT,
			limit - (zend_long) zend_hash_num_elements(Z_ARRVAL(with)));
		ec_listing_sql(&sql, db, cond);
		status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), &param, 1, &empty, NULL);
		smart_str_free(&sql);
		if (status == SUCCESS) {
			ec_listing_split(&empty, &with, &without);
			zval_ptr_dtor(&empty);
			zend_hash_sort(Z_ARRVAL(without), ec_by_created_desc, true);
		}
	}
	if (status == SUCCESS) {
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL(with), row) {
			if (zend_hash_num_elements(Z_ARRVAL_P(rows)) < (uint32_t) limit) {
				Z_ADDREF_P(row);
				add_next_index_zval(rows, row);
			}
		} ZEND_HASH_FOREACH_END();
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL(without), row) {
			if (zend_hash_num_elements(Z_ARRVAL_P(rows)) < (uint32_t) limit) {
				Z_ADDREF_P(row);
				add_next_index_zval(rows, row);
			}
		} ZEND_HASH_FOREACH_END();
		*total = zend_hash_num_elements(Z_ARRVAL_P(rows));
		if (*total == limit) {
			status = ec_listing_total(db, actor, total);
		}
	}
	zval_ptr_dtor(&with);
	zval_ptr_dtor(&without);
	return status;
}
