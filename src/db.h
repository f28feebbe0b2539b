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
 * through unchanged. On PostgreSQL a statement's first run on a connection is unnamed (one round
 * trip), a second prepares it on the server. Every difference between the dialects is here, as
 * named operations and suffixes (insert-or-ignore, insert returning the number, locking and current reads, the
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
/* The same with the number as an SQL expression (inside a script: ec_sql_script_note_number). */
void ec_sql_activity_final_sql(const ec_db *db, const char *number_sql, char *buf, size_t len);
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

/* ---- Scripts: a short transaction in one round trip ----
 * A script is a whole transaction sent as one request: statements with `?` placeholders (their
 * values inlined by PDO's emulated prepare of this one statement, whatever the connection's
 * setting) between the dialect's opening and closing, and one answer SELECT whose rows come
 * back. A lock taken in the script is therefore taken and released within that one round trip.
 * - MySQL/MariaDB: one multi-statement COM_QUERY, "START TRANSACTION; ...; answer; COMMIT", in
 *   the caller's transaction "SAVEPOINT ebla_chat; ...; answer; RELEASE SAVEPOINT ebla_chat";
 *   the results are read with nextRowset(). The first error stops the rest of the request.
 * - PostgreSQL: one simple-protocol query, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
 *   ...; answer": its statements run as one implicit transaction, committed after the last one,
 *   rolled back whole by an error, and each statement takes a fresh snapshot (READ COMMITTED), so
 *   what follows the lock reads the rows as of after the lock; in the caller's transaction
 *   "SAVEPOINT ebla_chat; ...; RELEASE SAVEPOINT ebla_chat; answer". The query returns the rows
 *   of its last statement, the answer.
 * Checks (ec_script_expect_count, ec_script_update_expect) end the script with an error when the
 * current rows no longer agree with what the caller read before the script: everything the
 * script did is rolled back and ec_script_stale() recognises that error. SQLite has no scripts
 * (no network to save); nor has a MySQL connection whose multi-statement flag is off (it refuses
 * the first script with a syntax error, and ec_script_stale() remembers that). */
typedef struct {
	ec_db *db;
	smart_str sql;
	zval *params;          /* borrowed values */
	uint32_t n, size;
	smart_str insert;      /* ec_script_insert_note's INSERT, waiting for the next statement (PostgreSQL) */
	zval insert_params[8];
	uint32_t insert_n;
	smart_str last;        /* ec_script_update_expect_last's UPDATE, its values and count */
	zval last_params[8];
	uint32_t last_n;
	zend_long last_expected;
} ec_script;

/* Whether scripts can run on db (MySQL/MariaDB or PostgreSQL, not refused before). */
bool ec_script_available(ec_db *db);
/* Starts a script: our own transaction, or a savepoint of the caller's (db->tx_own says which;
 * ec_sql_current() follows it). FAILURE leaves the exception. */
zend_result ec_script_begin(ec_script *s, ec_db *db);
/* Appends one statement and its n values (borrowed until the script has run). */
void ec_script_add(ec_script *s, const char *sql, zval *params, uint32_t n);
/* The statement that takes the dialog's row lock (dialog `id`, if live), with its pending
 * activity stamp where the dialect needs one (ec_sql_activity_pending: the UPDATE of the stamp is
 * the lock on MySQL/MariaDB). */
void ec_script_lock_dialog(ec_script *s, zval *id);
/* A check: "SELECT 1 <from_where>" (a current read, ec_sql_current) must find `expected` rows. */
void ec_script_expect_count(ec_script *s, const char *from_where, zval *params, uint32_t n, zend_long expected);
/* An UPDATE that must change exactly `expected` rows (a check too). */
void ec_script_update_expect(ec_script *s, const char *update, zval *params, uint32_t n, zend_long expected);
/* The same for the script's last write, which may then share the answer's statement
 * (PostgreSQL in our own transaction: one statement less). At most 8 values. */
void ec_script_update_expect_last(ec_script *s, const char *update, zval *params, uint32_t n, zend_long expected);
/* Appends "UPDATE target SET set" joined with `joined` ON `on`, WHERE `where`, in the dialect's
 * form (MySQL: UPDATE target JOIN joined ON on SET ...; PostgreSQL: UPDATE target SET ... FROM
 * joined WHERE on AND where). `set` names target columns unqualified (none may be in joined). */
void ec_sql_update_join(smart_str *sql, const ec_db *db, const char *target, const char *joined, const char *on,
	const char *set, const char *where);
/* The INSERT of a note (at most 8 values), whose number the next statement of the script uses as
 * ec_sql_script_note_number(): on MySQL a statement of its own (LAST_INSERT_ID()), on PostgreSQL
 * the next statement's data-modifying CTE (INSERT ... RETURNING "number"), one statement less. */
void ec_script_insert_note(ec_script *s, const char *insert, zval *params, uint32_t n);
/* The SQL expression of that number, valid in the statement that follows ec_script_insert_note. */
const char *ec_sql_script_note_number(const ec_db *db);
/* Ends the script with the answer SELECT and runs it: *rows receives the answer's rows. On
 * failure rolls back what the script began (as ec_tx_abort; db->tx_retryable after a deadlock
 * of our own transaction) and leaves the exception. Frees the script either way. */
zend_result ec_script_run(ec_script *s, const char *answer, zval *params, uint32_t n, zval *rows);
void ec_script_free(ec_script *s);
/* After a failed script: true when it failed one of its checks (or the connection refused
 * scripts), with the exception cleared: nothing of it stayed, the caller takes the slower way. */
bool ec_script_stale(ec_db *db);
/* The lock suffix of a script's read through a join that decides what a write sends: " FOR
 * UPDATE" on MySQL/MariaDB in the caller's transaction (a locking read sees the newest rows in
 * an old snapshot), "" otherwise (our own transaction reads after the lock; PostgreSQL would
 * write a lock into every row read). */
const char *ec_sql_current_joined(const ec_db *db);

/* Appends "FROM dialog_user du JOIN dialog d ON d.id = du.dialog_id" for a read of one user's
 * memberships, driven from the memberships by `index` (an index of dialog_user whose columns
 * start with user_id): on MySQL/MariaDB with that index forced and the join order fixed, as its
 * optimizer otherwise scans every dialog, or every membership, when the user is in a large share
 * of them. */
void ec_sql_from_memberships(smart_str *sql, const ec_db *db, const char *index);

void ec_db_request_shutdown(void);

/* Drops the statements cached for db's PDO: after DDL changed a column's type, PostgreSQL refuses
 * to run a statement prepared before ("cached plan must not change result type"). */
void ec_db_forget_statements(ec_db *db);

#endif
