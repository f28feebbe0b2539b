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
static void ec_emulation_set(zend_object *pdo, bool on)
{
	zval args[2], result;

	ZVAL_LONG(&args[0], PDO_ATTR_EMULATE_PREPARES);
	ZVAL_BOOL(&args[1], on);
	if (ec_call(pdo, "setAttribute", &result, 2, args) == SUCCESS) {
		zval_ptr_dtor(&result);
	}
}

/* Turns the connection's emulated prepares on; true when they were off (to be restored). */
static bool ec_emulation_force(zend_object *pdo)
{
	zval arg, result;
	bool off;

	ZVAL_LONG(&arg, PDO_ATTR_EMULATE_PREPARES);
	if (ec_call(pdo, "getAttribute", &result, 1, &arg) == FAILURE) {
		return false;
	}
	off = !zend_is_true(&result);
	zval_ptr_dtor(&result);
	if (off) {
		ec_emulation_set(pdo, true);
	}
	return off;
}

/* pdo_pgsql's PDO::PGSQL_ATTR_DISABLE_PREPARES (PDO_ATTR_DRIVER_SPECIFIC + 0). */
#define EC_PGSQL_ATTR_DISABLE_PREPARES PDO_ATTR_DRIVER_SPECIFIC

static zend_object *ec_prepare_ex(ec_db *db, const char *sql, size_t sql_len, bool script)
{
	ec_conn *conn = ec_conn_get(db->pdo);
	zend_object *cached = ec_conn_statement_find(conn, sql, sql_len);
	zval stmt, zsql, args[2];
	zend_string *text;
	zend_result status;
	bool restore, options, named = false;

	if (cached) {
		if (script || db->dialect != EC_PGSQL || !ec_conn_statement_once(conn, sql, sql_len, false)) {
			return cached;
		}
		/* Its second run on this connection: prepared on the server from now on. */
		OBJ_RELEASE(cached);
		ec_conn_statement_forget(conn, sql, sql_len);
		named = true;
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
	ZVAL_COPY_VALUE(&args[0], &zsql);
	options = script || (db->dialect == EC_PGSQL && !named);
	if (script) {
		/* A script's values are inlined by PDO (emulated prepare of this statement only): a
		 * server-side prepared statement is a single statement on every driver. pdo_pgsql
		 * takes the option per statement; pdo_mysql reads only the connection's flag when it
		 * prepares (a client-side flag, no round trip), so it is turned on around the prepare. */
		array_init(&args[1]);
		add_index_bool(&args[1], PDO_ATTR_EMULATE_PREPARES, true);
	} else if (options) {
		/* PostgreSQL, a statement's first run on this connection: one round trip with its
		 * parameters (PQexecParams, an unnamed statement), no separate Parse. A request under
		 * PHP-FPM runs most statements once, and a server-side prepare took a round trip more
		 * each; a statement run again is prepared on the server then (above). */
		array_init(&args[1]);
		add_index_bool(&args[1], EC_PGSQL_ATTR_DISABLE_PREPARES, true);
	}
	restore = script && db->dialect == EC_MYSQL && ec_emulation_force(db->pdo);
	status = ec_call(db->pdo, "prepare", &stmt, options ? 2 : 1, args);
	if (restore) {
		ec_emulation_set(db->pdo, false);
	}
	zval_ptr_dtor(&zsql);
	if (options) zval_ptr_dtor(&args[1]);
	if (status == FAILURE) {
		return NULL;
	}
	if (Z_TYPE(stmt) != IS_OBJECT) {
		zval_ptr_dtor(&stmt);
		ec_throw_from_error_info(db->pdo);
		return NULL;
	}
	ec_conn_statement_add(conn, sql, sql_len, Z_OBJ(stmt));
	if (options && !script) {
		ec_conn_statement_once(conn, sql, sql_len, true);
	}
	return Z_OBJ(stmt);
}

static zend_object *ec_prepare(ec_db *db, const char *sql, size_t sql_len)
{
	return ec_prepare_ex(db, sql, sql_len, false);
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

/* The SQLSTATE and driver code of the pending PDOException's errorInfo (either may be NULL);
 * false when no PDOException with an errorInfo is pending. */
static bool ec_pending_error_info(zval **state, zval **code)
{
	zend_object *ex = EG(exception);
	zval *info, rv;

	if (!ex || !instanceof_function(ex->ce, php_pdo_get_exception())) {
		return false;
	}
	info = zend_read_property(ex->ce, ex, "errorInfo", sizeof("errorInfo") - 1, 1, &rv);
	if (!info || Z_TYPE_P(info) != IS_ARRAY) {
		return false;
	}
	*state = zend_hash_index_find(Z_ARRVAL_P(info), 0);
	*code = zend_hash_index_find(Z_ARRVAL_P(info), 1);
	return true;
}

bool ec_db_error_is_transient(void)
{
	zval *state, *code;

	if (!ec_pending_error_info(&state, &code)) {
		return false;
	}
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

void ec_sql_activity_final_sql(const ec_db *db, const char *number_sql, char *buf, size_t len)
{
	if (db->dialect == EC_PGSQL) {
		snprintf(buf, len, "activity = txid_current()");
	} else {
		snprintf(buf, len, "activity = %s", number_sql);
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
	zval *state = NULL, *code = NULL;
	bool conflict = ec_db_error_is_transient();

	/* PostgreSQL's lock_not_available; MariaDB's NOWAIT and lock wait timeout (1205), MySQL's
	 * NOWAIT (3572). */
	if (!conflict && ec_pending_error_info(&state, &code)) {
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

/* ---- scripts ---- */

#define EC_SCRIPT_FAIL_MYSQL "SELECT 1 INTO @ec_chat_check FROM (SELECT 1 AS x UNION ALL SELECT 2) ec_t WHERE "

bool ec_script_available(ec_db *db)
{
	return db->dialect != EC_SQLITE && !*ec_conn_no_scripts(ec_conn_get(db->pdo));
}

zend_result ec_script_begin(ec_script *s, ec_db *db)
{
	bool in_tx;

	memset(s, 0, sizeof(*s));
	s->db = db;
	db->tx_retryable = false;
	if (ec_db_in_caller_tx(db, &in_tx) == FAILURE) {
		return FAILURE;
	}
	db->tx_own = !in_tx;
	if (!db->tx_own) {
		smart_str_appends(&s->sql, "SAVEPOINT ebla_chat");
	} else {
		/* PostgreSQL: the implicit transaction of the query reads at READ COMMITTED whatever the
		 * session's default, as ec_tx_begin's. */
		smart_str_appends(&s->sql, db->dialect == EC_MYSQL ? "START TRANSACTION" : "SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
	}
	return SUCCESS;
}

static void ec_script_append(ec_script *s, const char *sql, zval *params, uint32_t n);

void ec_script_add(ec_script *s, const char *sql, zval *params, uint32_t n)
{
	smart_str with = {0};
	zval *all;

	if (!s->insert.s) {
		ec_script_append(s, sql, params, n);
		return;
	}
	/* The waiting INSERT becomes this statement's CTE, its values first. */
	smart_str_append_printf(&with, "WITH ec_n AS (%s RETURNING \"number\") %s", ZSTR_VAL(s->insert.s), sql);
	smart_str_0(&with);
	all = safe_emalloc(s->insert_n + n + 1, sizeof(zval), 0);
	memcpy(all, s->insert_params, s->insert_n * sizeof(zval));
	memcpy(all + s->insert_n, params, n * sizeof(zval));
	smart_str_free(&s->insert);
	ec_script_append(s, ZSTR_VAL(with.s), all, s->insert_n + n);
	smart_str_free(&with);
	efree(all);
}

void ec_script_insert_note(ec_script *s, const char *insert, zval *params, uint32_t n)
{
	ZEND_ASSERT(n <= 8 && !s->insert.s);
	if (s->db->dialect != EC_PGSQL) {
		ec_script_add(s, insert, params, n);
		return;
	}
	smart_str_appends(&s->insert, insert);
	smart_str_0(&s->insert);
	memcpy(s->insert_params, params, n * sizeof(zval));
	s->insert_n = n;
}

static void ec_script_append(ec_script *s, const char *sql, zval *params, uint32_t n)
{
	if (s->n + n > s->size) {
		s->size = MAX(s->size * 2, s->n + n + 16);
		s->params = safe_erealloc(s->params, s->size, sizeof(zval), 0);
	}
	for (uint32_t i = 0; i < n; i++) {
		ZVAL_COPY_VALUE(&s->params[s->n++], &params[i]);
	}
	smart_str_appends(&s->sql, "; ");
	smart_str_appends(&s->sql, sql);
}

void ec_script_lock_dialog(ec_script *s, zval *id)
{
	const char *pending = ec_sql_activity_pending(s->db);
	char sql[128];

	if (pending) {
		/* The lock and the pending stamp in one statement, before the note's number is drawn. */
		snprintf(sql, sizeof(sql), "UPDATE dialog SET %s WHERE id = ? AND deleted = FALSE", pending);
	} else {
		snprintf(sql, sizeof(sql), "SELECT id FROM dialog WHERE id = ? AND deleted = FALSE FOR UPDATE");
	}
	ec_script_add(s, sql, id, 1);
}

void ec_script_expect_count(ec_script *s, const char *from_where, zval *params, uint32_t n, zend_long expected)
{
	smart_str sql = {0};

	/* MySQL: a SELECT INTO one variable that finds two rows is an error (1172) that stops the
	 * request; PostgreSQL: a division by zero (22012) ends the query. Both only on a mismatch. */
	if (s->db->dialect == EC_MYSQL) {
		smart_str_append_printf(&sql, "SELECT COUNT(*) %s%s INTO @ec_chat_count", from_where, ec_sql_current(s->db));
		smart_str_0(&sql);
		ec_script_add(s, ZSTR_VAL(sql.s), params, n);
		smart_str_free(&sql);
		smart_str_append_printf(&sql, EC_SCRIPT_FAIL_MYSQL "@ec_chat_count <> " ZEND_LONG_FMT, expected);
		smart_str_0(&sql);
		ec_script_add(s, ZSTR_VAL(sql.s), NULL, 0);
	} else {
		smart_str_append_printf(&sql, "SELECT 1 / CASE WHEN COUNT(*) = " ZEND_LONG_FMT " THEN 1 ELSE 0 END "
			"FROM (SELECT 1 %s%s) ec_t", expected, from_where, ec_sql_current(s->db));
		smart_str_0(&sql);
		ec_script_add(s, ZSTR_VAL(sql.s), params, n);
	}
	smart_str_free(&sql);
}

void ec_script_update_expect(ec_script *s, const char *update, zval *params, uint32_t n, zend_long expected)
{
	smart_str sql = {0};

	if (s->db->dialect == EC_MYSQL) {
		/* ROW_COUNT(): the rows the UPDATE changed (every row it matches changes here). */
		ec_script_add(s, update, params, n);
		smart_str_append_printf(&sql, EC_SCRIPT_FAIL_MYSQL "ROW_COUNT() <> " ZEND_LONG_FMT, expected);
		smart_str_0(&sql);
		ec_script_add(s, ZSTR_VAL(sql.s), NULL, 0);
	} else {
		smart_str_append_printf(&sql, "WITH ec_u AS (%s RETURNING 1) SELECT 1 / CASE WHEN COUNT(*) = " ZEND_LONG_FMT
			" THEN 1 ELSE 0 END FROM ec_u", update, expected);
		smart_str_0(&sql);
		ec_script_add(s, ZSTR_VAL(sql.s), params, n);
	}
	smart_str_free(&sql);
}

void ec_script_update_expect_last(ec_script *s, const char *update, zval *params, uint32_t n, zend_long expected)
{
	ZEND_ASSERT(n <= 8 && !s->last.s);
	if (s->db->dialect != EC_PGSQL || !s->db->tx_own) {
		ec_script_update_expect(s, update, params, n, expected);
		return;
	}
	smart_str_appends(&s->last, update);
	smart_str_0(&s->last);
	memcpy(s->last_params, params, n * sizeof(zval));
	s->last_n = n;
	s->last_expected = expected;
}

void ec_sql_update_join(smart_str *sql, const ec_db *db, const char *target, const char *joined, const char *on,
	const char *set, const char *where)
{
	if (db->dialect == EC_MYSQL) {
		smart_str_append_printf(sql, "UPDATE %s JOIN %s ON %s SET %s WHERE %s", target, joined, on, set, where);
	} else {
		smart_str_append_printf(sql, "UPDATE %s SET %s FROM %s WHERE %s AND %s", target, set, joined, on, where);
	}
	smart_str_0(sql);
}

/* The answer, sharing its statement with the checked last write (PostgreSQL, our own
 * transaction): the CTE runs the UPDATE, its count divides (22012 when it is not the expected
 * one, and the division must be evaluated: the join condition reads it), and the answer's rows
 * come out, read after the earlier statements of the script. */
static void ec_script_answer_with_last(ec_script *s, const char *answer, zval *params, uint32_t n)
{
	smart_str sql = {0};
	zval *all = safe_emalloc(s->last_n + n + 1, sizeof(zval), 0);

	smart_str_append_printf(&sql, "WITH ec_u AS (%s RETURNING 1), ec_c AS (SELECT 1 / CASE WHEN COUNT(*) = " ZEND_LONG_FMT
		" THEN 1 ELSE 0 END AS ok FROM ec_u) SELECT ec_a.* FROM ec_c LEFT JOIN (%s) ec_a ON ec_c.ok = 1",
		ZSTR_VAL(s->last.s), s->last_expected, answer);
	smart_str_0(&sql);
	memcpy(all, s->last_params, s->last_n * sizeof(zval));
	memcpy(all + s->last_n, params, n * sizeof(zval));
	ec_script_add(s, ZSTR_VAL(sql.s), all, s->last_n + n);
	smart_str_free(&sql);
	efree(all);
}

const char *ec_sql_script_note_number(const ec_db *db)
{
	return db->dialect == EC_MYSQL ? "LAST_INSERT_ID()" : "(SELECT \"number\" FROM ec_n)";
}

const char *ec_sql_current_joined(const ec_db *db)
{
	return db->dialect == EC_MYSQL && !db->tx_own ? " FOR UPDATE" : "";
}

void ec_script_free(ec_script *s)
{
	smart_str_free(&s->sql);
	smart_str_free(&s->insert);
	smart_str_free(&s->last);
	if (s->params) {
		efree(s->params);
	}
	s->params = NULL;
	s->n = s->size = 0;
}

/* Runs the statement and reads its results: MySQL one result per statement (the answer is the
 * last one with columns), PostgreSQL the last statement's. */
static zend_result ec_script_exec(ec_db *db, zend_object *stmt, zval *args, zval *rows)
{
	zval result, mode, more, cols;

	ZVAL_LONG(&mode, EC_FETCH_NUM);
	if (ec_call(stmt, "execute", &result, 1, args) == FAILURE) {
		return FAILURE;
	}
	if (Z_TYPE(result) == IS_FALSE) {
		return ec_throw_from_error_info(stmt);
	}
	do {
		if (ec_call(stmt, "columnCount", &cols, 0, NULL) == FAILURE) {
			return FAILURE;
		}
		if (Z_TYPE(cols) == IS_LONG && Z_LVAL(cols) > 0) {
			zval_ptr_dtor(rows);
			if (ec_call(stmt, "fetchAll", rows, 1, &mode) == FAILURE) {
				ZVAL_UNDEF(rows);
				return FAILURE;
			}
			if (Z_TYPE_P(rows) != IS_ARRAY) {
				zval_ptr_dtor(rows);
				ZVAL_UNDEF(rows);
				return ec_throw_from_error_info(stmt);
			}
		}
		if (db->dialect != EC_MYSQL) {
			break;
		}
		if (ec_call(stmt, "nextRowset", &more, 0, NULL) == FAILURE) {
			return FAILURE;
		}
	} while (Z_TYPE(more) == IS_TRUE);
	if (db->dialect == EC_MYSQL) {
		/* Silent and warning modes: false means the end, or an error of a later statement. */
		zval code;
		bool failed;
		if (ec_call(stmt, "errorCode", &code, 0, NULL) == FAILURE) {
			return FAILURE;
		}
		failed = Z_TYPE(code) == IS_STRING && strcmp(Z_STRVAL(code), "00000") != 0;
		zval_ptr_dtor(&code);
		if (failed) {
			return ec_throw_from_error_info(stmt);
		}
	}
	return Z_TYPE_P(rows) == IS_ARRAY ? SUCCESS : ec_throw_from_error_info(stmt);
}

zend_result ec_script_run(ec_script *s, const char *answer, zval *params, uint32_t n, zval *rows)
{
	ec_db *db = s->db;
	const char *close = db->tx_own ? (db->dialect == EC_MYSQL ? "COMMIT" : NULL) : "RELEASE SAVEPOINT ebla_chat";
	zend_object *stmt;
	zval args;
	zend_result status = FAILURE;

	ZVAL_UNDEF(rows);
	if (db->dialect == EC_PGSQL && close) {
		ec_script_add(s, close, NULL, 0);   /* PostgreSQL returns the last statement's rows */
	}
	if (s->last.s) {
		ec_script_answer_with_last(s, answer, params, n);
	} else {
		ec_script_add(s, answer, params, n);
	}
	if (db->dialect == EC_MYSQL) {
		ec_script_add(s, close, NULL, 0);
	}
	smart_str_0(&s->sql);
	db->tx_depth = 1;
	stmt = ec_prepare_ex(db, ZSTR_VAL(s->sql.s), ZSTR_LEN(s->sql.s), true);
	if (stmt) {
		array_init_size(&args, s->n);
		for (uint32_t i = 0; i < s->n; i++) {
			Z_TRY_ADDREF(s->params[i]);
			add_next_index_zval(&args, &s->params[i]);
		}
		status = ec_script_exec(db, stmt, &args, rows);
		zval_ptr_dtor(&args);
		if (status == FAILURE) {
			ec_conn_statement_forget(ec_conn_get(db->pdo), ZSTR_VAL(s->sql.s), ZSTR_LEN(s->sql.s));
		}
		OBJ_RELEASE(stmt);
	}
	if (status == FAILURE) {
		zval_ptr_dtor(rows);
		ZVAL_UNDEF(rows);
		ec_tx_abort(db);
	}
	db->tx_depth = 0;
	ec_script_free(s);
	return status;
}

bool ec_script_stale(ec_db *db)
{
	zval *state, *code;
	bool stale = false;

	if (!ec_pending_error_info(&state, &code)) {
		return false;
	}
	if (db->dialect == EC_MYSQL && code && Z_TYPE_P(code) == IS_LONG) {
		stale = Z_LVAL_P(code) == 1172;
		if (Z_LVAL_P(code) == 1064) {
			/* A syntax error at the first "; ": the connection's multi-statement flag is off. */
			*ec_conn_no_scripts(ec_conn_get(db->pdo)) = true;
			stale = true;
		}
	} else if (db->dialect == EC_PGSQL && state && Z_TYPE_P(state) == IS_STRING) {
		stale = zend_string_equals_literal(Z_STR_P(state), "22012");
	}
	if (stale) {
		zend_clear_exception();
	}
	return stale;
}

void ec_sql_from_memberships(smart_str *sql, const ec_db *db, const char *index)
{
	if (db->dialect == EC_MYSQL) {
		smart_str_append_printf(sql, "FROM dialog_user du FORCE INDEX (%s) STRAIGHT_JOIN dialog d ON d.id = du.dialog_id", index);
	} else {
		smart_str_appends(sql, "FROM dialog_user du JOIN dialog d ON d.id = du.dialog_id");
	}
}

void ec_db_request_shutdown(void)
{
	ec_conn_rshutdown();
}
