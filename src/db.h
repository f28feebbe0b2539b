/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* db: the caller's PDO seen from C, and the one SQL layer. Runs statements through PDO's public
 * methods (so every driver, error mode and attribute the caller chose keeps working), caches
 * prepared statements with their connection (conn.c), rewrites identifier quoting per SQL
 * dialect, and owns the transaction rules: begin our own transaction, or join the caller's inside
 * a savepoint; roll back what we began on any failure and let the caller's PDOException pass
 * through unchanged. Every difference between the dialects is here, as named operations and
 * suffixes (insert-or-ignore, insert returning the number, locking and current reads, the
 * two-table update, IN-list queries, index hints, concatenation, byte-wise order): the areas
 * never read the dialect. Knows nothing of Redis: what a commit makes publishable is write.c's. */
#ifndef EC_DB_H
#define EC_DB_H

#include "php.h"
#include "zend_smart_str.h"

typedef enum { EC_MYSQL, EC_PGSQL, EC_SQLITE } ec_dialect;

typedef struct {
	zend_object *pdo;     /* borrowed from the caller */
	ec_dialect dialect;
	int tx_depth;         /* 0: none of ours; 1: inside ec_tx_begin */
	bool tx_own;          /* we began it (else: joined the caller's, in a savepoint) */
	bool tx_retryable;    /* the last abort rolled back our own transaction after a deadlock or
	                       * serialization failure: ec_tx_retry may run the work again */
} ec_db;

/* Binds db to a PDO object; FAILURE (exception) for an unsupported driver. */
zend_result ec_db_init(ec_db *db, zval *zpdo);

/* Runs `sql` (identifiers in `backticks`, `?` placeholders) with n params.
 * rows (optional): receives fetchAll(PDO::FETCH_NUM), a packed array of packed rows.
 * affected (optional): receives rowCount(). FAILURE leaves an exception (a PDOException from
 * the caller's PDO; one is built from errorInfo() when the error mode is silent or warning). */
zend_result ec_db_run(ec_db *db, const char *sql, size_t sql_len, zval *params, uint32_t n,
	zval *rows, zend_long *affected);

/* Convenience for a NUL-terminated sql. */
#define ec_db_query(db, sql, params, n, rows) ec_db_run((db), (sql), strlen(sql), (params), (n), (rows), NULL)
#define ec_db_exec(db, sql, params, n, affected) ec_db_run((db), (sql), strlen(sql), (params), (n), NULL, (affected))

/* The AUTO_INCREMENT / rowid value of the last insert (MySQL, SQLite). */
zend_result ec_db_last_insert_id(ec_db *db, zend_long *out);

/* Transactions. begin: our own, or a savepoint inside the caller's. commit: our own COMMIT, or
 * the savepoint's release (a failure rolls back). abort: rolls back what we began, keeping the
 * pending exception as it is. What a commit makes publishable is write.c's business. */
zend_result ec_tx_begin(ec_db *db);
zend_result ec_tx_commit(ec_db *db);
void ec_tx_abort(ec_db *db);

/* How many times a call runs its transaction again after a deadlock or serialization failure of
 * its own transaction (never of the caller's: that one is the caller's to retry). */
#define EC_TX_RETRIES 5

/* After a failed attempt (exception pending, ec_tx_abort done): true when the failure was a
 * deadlock (MySQL 1213, PostgreSQL 40P01) or serialization failure (40001) that rolled back our
 * own transaction and *attempt < EC_TX_RETRIES; then the exception is cleared, *attempt counted
 * and the process has slept a short jittered backoff. False leaves the exception as it is. */
bool ec_tx_retry(ec_db *db, int *attempt);

/* True when the pending exception is a deadlock or serialization failure. */
bool ec_db_error_is_transient(void);

/* Row helpers for fetched values, whatever type the driver returned. */
zend_string *ec_val_str(zval *v);          /* new reference, NULL for SQL NULL */
zend_long ec_val_long(zval *v);
bool ec_val_bool(zval *v);
#define EC_COL(row, i) zend_hash_index_find(Z_ARRVAL_P(row), (i))

/* Appends "?, ?, ?" (n placeholders) to an SQL buffer. */
void ec_sql_placeholders(smart_str *sql, uint32_t n);
/* The IN-list query: runs head + "?, ?, ..." (one per value of `list`) + tail, with the params
 * `fixed` (nfixed, for placeholders in head) before the list's n values. Values are borrowed. */
zend_result ec_db_run_in(ec_db *db, const char *head, zval *fixed, uint32_t nfixed, zval *list, uint32_t n,
	const char *tail, zval *rows, zend_long *affected);
/* The same with the list given as n strings. */
zend_result ec_db_run_in_ids(ec_db *db, const char *head, zval *fixed, uint32_t nfixed, zend_string **ids, uint32_t n,
	const char *tail, zval *rows, zend_long *affected);
/* The two-table update: UPDATE t1 SET set1 WHERE id = ?, and UPDATE t2 SET set2 WHERE id = ?,
 * as one statement where the dialect has one (MySQL's multi-table UPDATE, PostgreSQL's
 * data-modifying WITH), as two on SQLite. set1 and set2 name their columns unqualified (no
 * column may be in both tables); p1 holds set1's n1 values then t1's id, p2 set2's n2 then t2's. */
zend_result ec_db_update_pair(ec_db *db, const char *t1, const char *set1, zval *p1, uint32_t n1,
	const char *t2, const char *set2, zval *p2, uint32_t n2);
/* The dialect's row-lock suffix for a SELECT (" FOR UPDATE", or "" on SQLite which locks the file). */
const char *ec_sql_for_update(const ec_db *db);
/* Insert returning the number: runs the INSERT `sql` (n params) and gives the value of its
 * auto-increment `column` in *out (PostgreSQL: RETURNING it; MySQL: LAST_INSERT_ID(); SQLite:
 * the rowid, which a trigger copies into the column). */
zend_result ec_db_insert_number(ec_db *db, const char *sql, zval *params, uint32_t n, const char *column, zend_long *out);
/* Appends to sql the current read (ec_sql_current) "SELECT COUNT(*), COALESCE(SUM(expr), 0) FROM
 * table<hint> WHERE where": PostgreSQL locks rows, not aggregates, so there the lock goes into a
 * subquery. `hint` is an index hint such as ec_sql_note_by_dialog_index()'s. */
void ec_sql_count_and_sum(smart_str *sql, const ec_db *db, const char *expr, const char *table, const char *hint,
	const char *where);
/* Appends the SQL concatenation of the n expressions (CONCAT() on MySQL/MariaDB, || elsewhere). */
void ec_sql_concat(smart_str *sql, const ec_db *db, const char *const *exprs, uint32_t n);
/* Appends `expr` compared byte-wise in ORDER BY, the same on every database (CAST AS BINARY on
 * MySQL/MariaDB, COLLATE "C" on PostgreSQL, SQLite's default). */
void ec_sql_bytewise(smart_str *sql, const ec_db *db, const char *expr);
/* The one of three statements (or fragments) written for MySQL/MariaDB, PostgreSQL and SQLite
 * that fits db, for what the dialects say too differently to share a template (catalog queries). */
const char *ec_sql_pick(const ec_db *db, const char *mysql, const char *pgsql, const char *sqlite);
/* The suffix that turns an INSERT into insert-or-ignore: a row that would break a unique index
 * is not written and is no error (" ON DUPLICATE KEY UPDATE id = id" on MySQL/MariaDB,
 * " ON CONFLICT DO NOTHING" elsewhere). */
const char *ec_sql_insert_or_ignore(const ec_db *db);
/* The locking read of a row that a read through an outer join cannot lock itself: on PostgreSQL
 * (which cannot lock through the join, and would read the joined rows from before the wait)
 * locks the live row `id` of `table` alone first, so the read that follows sees the newest
 * rows; elsewhere nothing (MySQL locks in the read itself, ec_sql_lock_joined; SQLite's own
 * transactions hold the write lock from BEGIN IMMEDIATE on). */
zend_result ec_db_lock_first(ec_db *db, const char *table, zval *id);
/* The lock suffix for that read through the join: " FOR UPDATE" on MySQL/MariaDB, which locks
 * the rows and reads them as of now in one statement; "" elsewhere. */
const char *ec_sql_lock_joined(const ec_db *db);
/* The suffix that makes a SELECT run inside ec_tx_begin a current read, for reads that decide a
 * write (after the dialog row is locked). Our own transaction reads the newest committed rows
 * with a plain SELECT: on MySQL/MariaDB its first statement is the locking read of the dialog, so
 * InnoDB's snapshot starts after that lock is granted; on PostgreSQL it runs at READ COMMITTED
 * (a fresh snapshot per statement). Inside the caller's transaction, whose snapshot may be older
 * (REPEATABLE READ), it is " FOR UPDATE": a locking read sees the newest rows (MySQL), or fails
 * with a serialization failure instead of deciding from old ones (PostgreSQL REPEATABLE READ). */
const char *ec_sql_current(const ec_db *db);
/* The index hint for every UPDATE and locking read of `dialog_user` rows of one dialog
 * (dialog_id = ?, maybe AND user_id IN (...)): MySQL/MariaDB may otherwise scan the whole table
 * by primary key when the dialog holds a large share of it, or walk an index by user, and at
 * REPEATABLE READ a scan locks every row it passes and the gaps beside them, so writes in other
 * dialogs (of the same users) would wait. By the dialog_id index the locks stay on this dialog's
 * rows and the one gap after them. "" elsewhere (row locks there follow the rows). */
const char *ec_sql_by_dialog_index(const ec_db *db);
/* The same for a current read of one dialog's messages (`note` by parent): with a locking read
 * (inside the caller's transaction) MySQL/MariaDB must walk the parent index, never `number`'s,
 * which would lock the newest messages of every dialog. "" where no lock is taken. */
const char *ec_sql_note_by_dialog_index(const ec_db *db);

/* Activity stamps (dialog.activity, read by hints.c): what a post writes so that a reader can
 * tell, exactly, which dialogs were written since it last looked.
 * pending: the SET fragment the post runs right after it locks the dialog, before the note's
 * number is drawn, or NULL where none is needed. On MySQL/MariaDB the stamp becomes the largest
 * value (EC_ACTIVITY_PENDING) until the post sets the note's number, so an uncommitted post is
 * always visible to the locking read of ec_db_activity_settle.
 * final: the SET fragment that goes with the dialog's new last message (number): the note's
 * number on MySQL/MariaDB and SQLite, the writing transaction's id (txid_current()) on
 * PostgreSQL. */
#define EC_ACTIVITY_PENDING "9223372036854775807"
const char *ec_sql_activity_pending(const ec_db *db);
void ec_sql_activity_final(const ec_db *db, zend_long number, char *buf, size_t len);
/* The SQL expression of the horizon: the stamp up to which every writer has ended, as of the
 * statement it runs in, up to what ec_db_activity_settle adds. PostgreSQL: the oldest running
 * transaction id, minus one; elsewhere the largest committed stamp, (SELECT MAX(activity) FROM
 * dialog). */
const char *ec_sql_activity_horizon(const ec_db *db);
/* The dialogs stamped above `since` (rows of [id]; since < 0: none asked), and *horizon (the
 * value of ec_sql_activity_horizon read just before) made safe to advance a reader's watermark
 * to. MySQL/MariaDB: one locking read, NOWAIT, of the stamps above `since` (or, with none asked, at
 * or above the horizon): *horizon becomes the largest committed stamp seen; when a post is under
 * way (its pending stamp is locked) *busy, the horizon is not safe, and rows come from a plain read
 * of what is committed above `since`. PostgreSQL and SQLite: a plain read, the
 * horizon as it is (PostgreSQL's is safe by construction, SQLite has one writer at a time, whose
 * stamps grow in commit order). */
zend_result ec_db_activity_since(ec_db *db, zend_long since, zend_long *horizon, zval *rows, bool *busy);
/* After a FAILURE: true (exception cleared) when it was a lock conflict of a NOWAIT read, a lock
 * wait timeout, a deadlock or a serialization failure, which a reader may answer another way. */
bool ec_db_clear_lock_conflict(void);
/* Whether the caller holds a transaction on db's PDO (PDO::inTransaction()). */
zend_result ec_db_in_caller_tx(ec_db *db, bool *in_tx);

void ec_db_request_shutdown(void);

/* Drops the statements cached for db's PDO: after DDL changed a column's type, PostgreSQL refuses
 * to run a statement prepared before ("cached plan must not change result type"). */
void ec_db_forget_statements(ec_db *db);

#endif
