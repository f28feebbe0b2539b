/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* db: see db.h. */
#include "php.h"
#include "zend_exceptions.h"
#include "zend_interfaces.h"
#include "ext/pdo/php_pdo_driver.h"
#include "php_ebla_chat.h"
#include "db.h"
#include "errors.h"
#include "conn.h"
#ifdef PHP_WIN32
#include "win32/time.h"
#else
#include <unistd.h>
#include <sys/time.h>
#endif

#define EC_FETCH_NUM 3          /* PDO::FETCH_NUM */

zend_result ec_db_init(ec_db *db, zval *zpdo)
{
	pdo_dbh_t *dbh = Z_PDO_DBH_P(zpdo);
	const char *driver;

	memset(db, 0, sizeof(*db));
	if (!dbh->driver) {
		/* Every function that takes a PDO takes it first. */
		zend_argument_value_error(1, "must be an initialized PDO (its constructor was not called)");
		return FAILURE;
	}
	driver = dbh->driver->driver_name;
	if (strcmp(driver, "mysql") == 0) {
		db->dialect = EC_MYSQL;
	} else if (strcmp(driver, "pgsql") == 0) {
		db->dialect = EC_PGSQL;
	} else if (strcmp(driver, "sqlite") == 0) {
		db->dialect = EC_SQLITE;
	} else {
		return ec_bad_request("PDO driver \"%s\" is not supported: use mysql, pgsql or sqlite", driver);
	}
	db->pdo = Z_OBJ_P(zpdo);
	ec_conn_check_fork();
	return SUCCESS;
}

/* Calls $obj->name(args...) and leaves the result in retval. FAILURE when it threw. */
static zend_result ec_call(zend_object *obj, const char *name, zval *retval, uint32_t argc, zval *argv)
{
	zend_string *method = zend_string_init(name, strlen(name), 0);
	zend_function *fn = obj->handlers->get_method(&obj, method, NULL);

	zend_string_release(method);
	ZVAL_UNDEF(retval);
	if (!fn) {
		zend_throw_error(NULL, "Call to undefined method %s::%s()", ZSTR_VAL(obj->ce->name), name);
		return FAILURE;
	}
	zend_call_known_instance_method(fn, obj, retval, argc, argv);
	if (EG(exception)) {
		zval_ptr_dtor(retval);
		ZVAL_UNDEF(retval);
		return FAILURE;
	}
	return SUCCESS;
}

/* In silent/warning error mode PDO returns false instead of throwing: raise what
 * ERRMODE_EXCEPTION would have raised, with the same message and errorInfo. */
static zend_result ec_throw_from_error_info(zend_object *source)
{
	zval info, *state, *message;
	zend_object *ex;

	if (ec_call(source, "errorInfo", &info, 0, NULL) == FAILURE) {
		return FAILURE;
	}
	state = Z_TYPE(info) == IS_ARRAY ? zend_hash_index_find(Z_ARRVAL(info), 0) : NULL;
	message = Z_TYPE(info) == IS_ARRAY ? zend_hash_index_find(Z_ARRVAL(info), 2) : NULL;
	ex = zend_throw_exception_ex(php_pdo_get_exception(), 0, "SQLSTATE[%s]: %s",
		state && Z_TYPE_P(state) == IS_STRING ? Z_STRVAL_P(state) : "HY000",
		message && Z_TYPE_P(message) == IS_STRING ? Z_STRVAL_P(message) : "database error");
	if (Z_TYPE(info) == IS_ARRAY) {
		zend_update_property(php_pdo_get_exception(), ex, "errorInfo", sizeof("errorInfo") - 1, &info);
	}
	zval_ptr_dtor(&info);
	return FAILURE;
}

void ec_db_forget_statements(ec_db *db)
{
	ec_conn_statements_clear(ec_conn_get(db->pdo));
}

/* The prepared statement for sql on this PDO, as a new reference: from the connection's cache
 * (conn.c), or prepared now and cached. */
static zend_object *ec_prepare(ec_db *db, const char *sql, size_t sql_len)
{
	ec_conn *conn = ec_conn_get(db->pdo);
	zend_object *cached = ec_conn_statement_find(conn, sql, sql_len);
	zval stmt, zsql;
	zend_string *text;

	if (cached) {
		return cached;
	}

	text = zend_string_init(sql, sql_len, 0);
	if (db->dialect != EC_MYSQL) {
		/* Templates quote identifiers MySQL's way; the others want the SQL standard's. */
		for (size_t i = 0; i < sql_len; i++) {
			if (ZSTR_VAL(text)[i] == '`') {
				ZSTR_VAL(text)[i] = '"';
			}
		}
	}
	ZVAL_STR(&zsql, text);
	if (ec_call(db->pdo, "prepare", &stmt, 1, &zsql) == FAILURE) {
		zval_ptr_dtor(&zsql);
		return NULL;
	}
	zval_ptr_dtor(&zsql);
	if (Z_TYPE(stmt) != IS_OBJECT) {
		zval_ptr_dtor(&stmt);
		ec_throw_from_error_info(db->pdo);
		return NULL;
	}
	ec_conn_statement_add(conn, sql, sql_len, Z_OBJ(stmt));
	return Z_OBJ(stmt);
}

zend_result ec_db_run(ec_db *db, const char *sql, size_t sql_len, zval *params, uint32_t n,
	zval *rows, zend_long *affected)
{
	zend_object *stmt = ec_prepare(db, sql, sql_len);
	zval args, result;
	zend_result status = SUCCESS;

	if (!stmt) {
		return FAILURE;
	}
	array_init_size(&args, n);
	for (uint32_t i = 0; i < n; i++) {
		Z_TRY_ADDREF(params[i]);
		add_next_index_zval(&args, &params[i]);
	}
	if (ec_call(stmt, "execute", &result, 1, &args) == FAILURE) {
		status = FAILURE;
	} else if (Z_TYPE(result) == IS_FALSE) {
		status = ec_throw_from_error_info(stmt);
	}
	zval_ptr_dtor(&args);
	zval_ptr_dtor(&result);

	if (status == SUCCESS && rows) {
		zval mode;
		ZVAL_LONG(&mode, EC_FETCH_NUM);
		if (ec_call(stmt, "fetchAll", rows, 1, &mode) == FAILURE) {
			status = FAILURE;
		} else if (Z_TYPE_P(rows) != IS_ARRAY) {
			zval_ptr_dtor(rows);
			ZVAL_UNDEF(rows);
			status = ec_throw_from_error_info(stmt);
		}
	}
	if (status == SUCCESS && affected) {
		if (ec_call(stmt, "rowCount", &result, 0, NULL) == FAILURE) {
			status = FAILURE;
		} else {
			*affected = Z_TYPE(result) == IS_LONG ? Z_LVAL(result) : 0;
		}
	}
	if (status == SUCCESS && !rows) {
		/* Free the result set now so the statement can run again (MySQL unbuffered mode). */
		if (ec_call(stmt, "closeCursor", &result, 0, NULL) == FAILURE) {
			status = FAILURE;
		}
		zval_ptr_dtor(&result);
	}
	if (status == FAILURE) {
		/* A statement that failed may be left in a state its driver will not run again
		 * (SQLite): prepare it afresh next time. */
		ec_conn_statement_forget(ec_conn_get(db->pdo), sql, sql_len);
	}
	OBJ_RELEASE(stmt);
	return status;
}

zend_result ec_db_last_insert_id(ec_db *db, zend_long *out)
{
	zval result;

	if (ec_call(db->pdo, "lastInsertId", &result, 0, NULL) == FAILURE) {
		return FAILURE;
	}
	if (Z_TYPE(result) != IS_STRING) {
		zval_ptr_dtor(&result);
		return ec_throw_from_error_info(db->pdo);
	}
	*out = ZEND_STRTOL(Z_STRVAL(result), NULL, 10);
	zval_ptr_dtor(&result);
	return SUCCESS;
}

/* Runs a method that returns bool (beginTransaction, commit, ...). */
static zend_result ec_call_bool(ec_db *db, const char *method)
{
	zval result;

	if (ec_call(db->pdo, method, &result, 0, NULL) == FAILURE) {
		return FAILURE;
	}
	if (Z_TYPE(result) == IS_FALSE) {
		return ec_throw_from_error_info(db->pdo);
	}
	zval_ptr_dtor(&result);
	return SUCCESS;
}

zend_result ec_tx_begin(ec_db *db)
{
	zval in_tx;

	ZEND_ASSERT(db->tx_depth == 0);
	db->tx_retryable = false;
	if (ec_call(db->pdo, "inTransaction", &in_tx, 0, NULL) == FAILURE) {
		return FAILURE;
	}
	db->tx_own = Z_TYPE(in_tx) != IS_TRUE;
	if (db->tx_own && db->dialect == EC_SQLITE) {
		/* A deferred BEGIN that reads and then writes fails at once with "database is locked"
		 * when another process writes meanwhile; IMMEDIATE takes the write lock up front, so
		 * concurrent writers wait (busy_timeout) instead of failing. */
		if (ec_db_exec(db, "BEGIN IMMEDIATE", NULL, 0, NULL) == FAILURE) {
			return FAILURE;
		}
	} else if (db->tx_own) {
		if (ec_call_bool(db, "beginTransaction") == FAILURE) {
			return FAILURE;
		}
		/* Our own transaction on PostgreSQL reads at READ COMMITTED whatever the session's
		 * default: after the dialog row lock, every statement sees what the previous holders of
		 * the lock committed, where REPEATABLE READ would fail with a serialization failure. It
		 * must be the transaction's first statement. */
		if (db->dialect == EC_PGSQL
			&& ec_db_exec(db, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED", NULL, 0, NULL) == FAILURE) {
			db->tx_depth = 1;
			ec_tx_abort(db);
			return FAILURE;
		}
	} else if (ec_db_exec(db, "SAVEPOINT ebla_chat", NULL, 0, NULL) == FAILURE) {
		return FAILURE;
	}
	db->tx_depth = 1;
	return SUCCESS;
}

zend_result ec_tx_commit(ec_db *db)
{
	ZEND_ASSERT(db->tx_depth == 1);
	if (db->tx_own) {
		if ((db->dialect == EC_SQLITE ? ec_db_exec(db, "COMMIT", NULL, 0, NULL) : ec_call_bool(db, "commit")) == FAILURE) {
			ec_tx_abort(db);
			return FAILURE;
		}
		db->tx_depth = 0;
		return SUCCESS;
	}
	if (ec_db_exec(db, "RELEASE SAVEPOINT ebla_chat", NULL, 0, NULL) == FAILURE) {
		ec_tx_abort(db);
		return FAILURE;
	}
	db->tx_depth = 0;
	return SUCCESS;
}

void ec_tx_abort(ec_db *db)
{
	zend_object *pending = EG(exception);
	zval result;

	if (db->tx_depth == 0) {
		return;
	}
	db->tx_depth = 0;
	db->tx_retryable = db->tx_own && ec_db_error_is_transient();
	/* Methods cannot run while an exception is pending: set it aside, and drop anything the
	 * rollback itself throws, so the caller sees the original error unchanged. */
	EG(exception) = NULL;
	if (db->tx_own && db->dialect == EC_SQLITE) {
		ec_db_exec(db, "ROLLBACK", NULL, 0, NULL);
	} else if (db->tx_own) {
		if (ec_call(db->pdo, "rollBack", &result, 0, NULL) == SUCCESS) {
			zval_ptr_dtor(&result);
		}
	} else {
		if (ec_db_exec(db, "ROLLBACK TO SAVEPOINT ebla_chat", NULL, 0, NULL) == SUCCESS) {
			ec_db_exec(db, "RELEASE SAVEPOINT ebla_chat", NULL, 0, NULL);
		}
	}
	if (EG(exception)) {
		zend_clear_exception();
	}
	EG(exception) = pending;
}

bool ec_db_error_is_transient(void)
{
	zend_object *ex = EG(exception);
	zval *info, *state, *code, rv;

	if (!ex || !instanceof_function(ex->ce, php_pdo_get_exception())) {
		return false;
	}
	info = zend_read_property(ex->ce, ex, "errorInfo", sizeof("errorInfo") - 1, 1, &rv);
	if (!info || Z_TYPE_P(info) != IS_ARRAY) {
		return false;
	}
	state = zend_hash_index_find(Z_ARRVAL_P(info), 0);
	code = zend_hash_index_find(Z_ARRVAL_P(info), 1);
	if (state && Z_TYPE_P(state) == IS_STRING
		&& (zend_string_equals_literal(Z_STR_P(state), "40001") || zend_string_equals_literal(Z_STR_P(state), "40P01"))) {
		return true;
	}
	/* MySQL's deadlock (1213) is SQLSTATE 40001; MariaDB's "Record has changed since last read"
	 * (1020, REPEATABLE READ with innodb_snapshot_isolation) is its serialization failure. */
	return code && Z_TYPE_P(code) == IS_LONG && (Z_LVAL_P(code) == 1213 || Z_LVAL_P(code) == 1020);
}

bool ec_tx_retry(ec_db *db, int *attempt)
{
	struct timeval tv;
	uint32_t seed, ceiling_us;

	if (!db->tx_retryable || !EG(exception) || *attempt >= EC_TX_RETRIES) {
		return false;
	}
	db->tx_retryable = false;
	zend_clear_exception();
	(*attempt)++;
	/* A jittered backoff that grows with each attempt (1-2 ms, then up to 4, 8, 16, 32 ms): the
	 * transactions that collided do not meet again at the same instant. */
	gettimeofday(&tv, NULL);
	seed = (uint32_t) tv.tv_usec ^ ((uint32_t) tv.tv_sec << 20) ^ ((uint32_t) getpid() << 16) ^ 0x9e3779b9u;
	seed ^= seed << 13;
	seed ^= seed >> 17;
	seed ^= seed << 5;
	ceiling_us = 1000u << *attempt;
	usleep(1000 + seed % ceiling_us);
	return true;
}

zend_string *ec_val_str(zval *v)
{
	if (!v || Z_TYPE_P(v) == IS_NULL) {
		return NULL;
	}
	if (Z_TYPE_P(v) == IS_STRING) {
		return zend_string_copy(Z_STR_P(v));
	}
	return zval_get_string(v);
}

zend_long ec_val_long(zval *v)
{
	return v ? zval_get_long(v) : 0;
}

bool ec_val_bool(zval *v)
{
	/* PostgreSQL returns real booleans, MySQL/SQLite 0/1 as int or string. */
	return v && zend_is_true(v);
}

void ec_sql_placeholders(smart_str *sql, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		smart_str_appends(sql, i ? ", ?" : "?");
	}
}

zend_result ec_db_run_in(ec_db *db, const char *head, zval *fixed, uint32_t nfixed, zval *list, uint32_t n,
	const char *tail, zval *rows, zend_long *affected)
{
	smart_str sql = {0};
	zval *params = safe_emalloc(nfixed + n, sizeof(zval), 0);
	zend_result status;

	for (uint32_t i = 0; i < nfixed; i++) {
		ZVAL_COPY_VALUE(&params[i], &fixed[i]);
	}
	for (uint32_t i = 0; i < n; i++) {
		ZVAL_COPY_VALUE(&params[nfixed + i], &list[i]);
	}
	smart_str_appends(&sql, head);
	ec_sql_placeholders(&sql, n);
	smart_str_appends(&sql, tail);
	status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), params, nfixed + n, rows, affected);
	smart_str_free(&sql);
	efree(params);
	return status;
}

zend_result ec_db_run_in_ids(ec_db *db, const char *head, zval *fixed, uint32_t nfixed, zend_string **ids, uint32_t n,
	const char *tail, zval *rows, zend_long *affected)
{
	zval *list = safe_emalloc(n, sizeof(zval), 0);
	zend_result status;

	for (uint32_t i = 0; i < n; i++) {
		ZVAL_STR(&list[i], ids[i]);
	}
	status = ec_db_run_in(db, head, fixed, nfixed, list, n, tail, rows, affected);
	efree(list);
	return status;
}

zend_result ec_db_update_pair(ec_db *db, const char *t1, const char *set1, zval *p1, uint32_t n1,
	const char *t2, const char *set2, zval *p2, uint32_t n2)
{
	smart_str sql = {0};
	zval params[32];
	zend_result status;

	ZEND_ASSERT(n1 + n2 + 2 <= 32);
	if (db->dialect == EC_SQLITE) {
		smart_str_append_printf(&sql, "UPDATE %s SET %s WHERE id = ?", t1, set1);
		smart_str_0(&sql);
		status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), p1, n1 + 1, NULL, NULL);
		smart_str_free(&sql);
		if (status == FAILURE) {
			return FAILURE;
		}
		smart_str_append_printf(&sql, "UPDATE %s SET %s WHERE id = ?", t2, set2);
		smart_str_0(&sql);
		status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), p2, n2 + 1, NULL, NULL);
		smart_str_free(&sql);
		return status;
	}
	if (db->dialect == EC_MYSQL) {
		/* One statement, its SET values first, then the two ids. */
		smart_str_append_printf(&sql, "UPDATE %s a, %s b SET %s, %s WHERE a.id = ? AND b.id = ?", t1, t2, set1, set2);
		memcpy(params, p1, n1 * sizeof(zval));
		memcpy(params + n1, p2, n2 * sizeof(zval));
		ZVAL_COPY_VALUE(&params[n1 + n2], &p1[n1]);
		ZVAL_COPY_VALUE(&params[n1 + n2 + 1], &p2[n2]);
	} else {
		smart_str_append_printf(&sql, "WITH a AS (UPDATE %s SET %s WHERE id = ? RETURNING id) UPDATE %s SET %s WHERE id = ?",
			t1, set1, t2, set2);
		memcpy(params, p1, (n1 + 1) * sizeof(zval));
		memcpy(params + n1 + 1, p2, (n2 + 1) * sizeof(zval));
	}
	smart_str_0(&sql);
	status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), params, n1 + n2 + 2, NULL, NULL);
	smart_str_free(&sql);
	return status;
}

const char *ec_sql_for_update(const ec_db *db)
{
	return db->dialect == EC_SQLITE ? "" : " FOR UPDATE";
}

zend_result ec_db_insert_number(ec_db *db, const char *sql, zval *params, uint32_t n, const char *column, zend_long *out)
{
	smart_str returning = {0};
	zval rows;
	zend_result status;

	if (db->dialect != EC_PGSQL) {
		status = ec_db_exec(db, sql, params, n, NULL);
		return status == SUCCESS ? ec_db_last_insert_id(db, out) : FAILURE;
	}
	smart_str_append_printf(&returning, "%s RETURNING `%s`", sql, column);
	smart_str_0(&returning);
	status = ec_db_run(db, ZSTR_VAL(returning.s), ZSTR_LEN(returning.s), params, n, &rows, NULL);
	smart_str_free(&returning);
	if (status == SUCCESS) {
		*out = ec_val_long(EC_COL(zend_hash_index_find(Z_ARRVAL(rows), 0), 0));
		zval_ptr_dtor(&rows);
	}
	return status;
}

void ec_sql_count_and_sum(smart_str *sql, const ec_db *db, const char *expr, const char *table, const char *hint,
	const char *where)
{
	if (db->dialect == EC_PGSQL) {
		smart_str_append_printf(sql, "SELECT COUNT(*), COALESCE(SUM(m), 0) FROM (SELECT %s AS m FROM %s%s WHERE %s%s) t",
			expr, table, hint, where, ec_sql_current(db));
	} else {
		smart_str_append_printf(sql, "SELECT COUNT(*), COALESCE(SUM(%s), 0) FROM %s%s WHERE %s%s",
			expr, table, hint, where, ec_sql_current(db));
	}
}

void ec_sql_concat(smart_str *sql, const ec_db *db, const char *const *exprs, uint32_t n)
{
	if (db->dialect == EC_MYSQL) {
		smart_str_appends(sql, "CONCAT(");
	}
	for (uint32_t i = 0; i < n; i++) {
		if (i) {
			smart_str_appends(sql, db->dialect == EC_MYSQL ? ", " : " || ");
		}
		smart_str_appends(sql, exprs[i]);
	}
	if (db->dialect == EC_MYSQL) {
		smart_str_appendc(sql, ')');
	}
}

void ec_sql_bytewise(smart_str *sql, const ec_db *db, const char *expr)
{
	switch (db->dialect) {
		case EC_MYSQL:
			smart_str_append_printf(sql, "CAST(%s AS BINARY)", expr);
			break;
		case EC_PGSQL:
			smart_str_append_printf(sql, "%s COLLATE \"C\"", expr);
			break;
		default:
			smart_str_appends(sql, expr);
	}
}

const char *ec_sql_pick(const ec_db *db, const char *mysql, const char *pgsql, const char *sqlite)
{
	return db->dialect == EC_MYSQL ? mysql : db->dialect == EC_PGSQL ? pgsql : sqlite;
}

const char *ec_sql_insert_or_ignore(const ec_db *db)
{
	return db->dialect == EC_MYSQL ? " ON DUPLICATE KEY UPDATE id = id" : " ON CONFLICT DO NOTHING";
}

zend_result ec_db_lock_first(ec_db *db, const char *table, zval *id)
{
	char sql[128];
	zval rows;

	if (db->dialect != EC_PGSQL) {
		return SUCCESS;
	}
	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE id = ? AND deleted = FALSE FOR UPDATE", table);
	if (ec_db_query(db, sql, id, 1, &rows) == FAILURE) {
		return FAILURE;
	}
	zval_ptr_dtor(&rows);
	return SUCCESS;
}

const char *ec_sql_lock_joined(const ec_db *db)
{
	return db->dialect == EC_MYSQL ? " FOR UPDATE" : "";
}

const char *ec_sql_current(const ec_db *db)
{
	if (db->dialect == EC_SQLITE || db->tx_own) {
		return "";
	}
	return " FOR UPDATE";
}

const char *ec_sql_by_dialog_index(const ec_db *db)
{
	return db->dialect == EC_MYSQL ? " FORCE INDEX (IDX_DIALOG_ID)" : "";
}

const char *ec_sql_note_by_dialog_index(const ec_db *db)
{
	return db->dialect == EC_MYSQL && *ec_sql_current(db) ? " FORCE INDEX (IDX_PARENT)" : "";
}

const char *ec_sql_activity_pending(const ec_db *db)
{
	return db->dialect == EC_MYSQL ? "activity = " EC_ACTIVITY_PENDING : NULL;
}

void ec_sql_activity_final(const ec_db *db, zend_long number, char *buf, size_t len)
{
	if (db->dialect == EC_PGSQL) {
		snprintf(buf, len, "activity = txid_current()");
	} else {
		snprintf(buf, len, "activity = " ZEND_LONG_FMT, number);
	}
}

const char *ec_sql_activity_horizon(const ec_db *db)
{
	return db->dialect == EC_PGSQL ? "txid_snapshot_xmin(txid_current_snapshot()) - 1"
		: "(SELECT MAX(activity) FROM dialog)";
}

zend_result ec_db_activity_since(ec_db *db, zend_long since, zend_long *horizon, zval *rows, bool *busy)
{
	zval param, *row;

	*busy = false;
	ZVAL_LONG(&param, since);
	if (db->dialect == EC_MYSQL) {
		/* Every post under way holds its pending stamp, the largest value, locked: the read fails
		 * at once on it. A post that sets its pending stamp after this read has passed draws its
		 * note's number later than every number seen here. */
		ZVAL_LONG(&param, since < 0 ? *horizon - 1 : since);
		if (ec_db_query(db, "SELECT id, activity FROM dialog FORCE INDEX (IDX_ACTIVITY) WHERE activity > ? "
				"ORDER BY activity LOCK IN SHARE MODE NOWAIT", &param, 1, rows) == SUCCESS) {
			ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(rows), row) {
				zend_long a = ec_val_long(EC_COL(row, 1));
				if (a > *horizon) {
					*horizon = a;
				}
			} ZEND_HASH_FOREACH_END();
			return SUCCESS;
		}
		if (!(*busy = ec_db_clear_lock_conflict())) {
			return FAILURE;
		}
		ZVAL_LONG(&param, since);
	}
	if (since < 0) {
		array_init(rows);
		return SUCCESS;
	}
	/* What is committed above `since` (with a post under way on MySQL: what is committed now). */
	return ec_db_query(db, "SELECT id FROM dialog WHERE activity > ?", &param, 1, rows);
}

bool ec_db_clear_lock_conflict(void)
{
	zend_object *ex = EG(exception);
	zval *info, *state, *code, rv;
	bool conflict = ec_db_error_is_transient();

	if (!conflict && ex && instanceof_function(ex->ce, php_pdo_get_exception())) {
		info = zend_read_property(ex->ce, ex, "errorInfo", sizeof("errorInfo") - 1, 1, &rv);
		state = info && Z_TYPE_P(info) == IS_ARRAY ? zend_hash_index_find(Z_ARRVAL_P(info), 0) : NULL;
		code = info && Z_TYPE_P(info) == IS_ARRAY ? zend_hash_index_find(Z_ARRVAL_P(info), 1) : NULL;
		/* PostgreSQL's lock_not_available; MariaDB's NOWAIT and lock wait timeout (1205),
		 * MySQL's NOWAIT (3572). */
		conflict = (state && Z_TYPE_P(state) == IS_STRING && zend_string_equals_literal(Z_STR_P(state), "55P03"))
			|| (code && Z_TYPE_P(code) == IS_LONG && (Z_LVAL_P(code) == 1205 || Z_LVAL_P(code) == 3572));
	}
	if (conflict) {
		zend_clear_exception();
	}
	return conflict;
}

zend_result ec_db_in_caller_tx(ec_db *db, bool *in_tx)
{
	zval r;

	if (ec_call(db->pdo, "inTransaction", &r, 0, NULL) == FAILURE) {
		return FAILURE;
	}
	*in_tx = Z_TYPE(r) == IS_TRUE;
	return SUCCESS;
}

void ec_db_request_shutdown(void)
{
	ec_conn_rshutdown();
}
