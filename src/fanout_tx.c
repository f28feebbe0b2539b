/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* fanout_tx: events of work done inside the caller's transaction.
 *
 * When a write joins the caller's transaction (db.c: inside SAVEPOINT ebla_chat), its events
 * must wait until that transaction commits, and vanish if it rolls back. They wait here, per PDO
 * object, in a weak map (EC_G(deferred_events)): holding no reference means a PDO dropped by the
 * caller is freed as usual (its destructor rolls back, and the weak map forgets its events).
 *
 * What releases them is seen by wrapping PDO's own methods at MINIT:
 *   PDO::commit()            success: publish everything waiting for this PDO, one round trip
 *   PDO::rollBack()          discard everything waiting
 *   PDO::beginTransaction()  success means no transaction was open: what waits is stale, discard
 *   PDO::exec()              the statements EspoCRM's TransactionManager uses for nesting and
 *                            what raw-SQL callers write: COMMIT/END, ROLLBACK, SAVEPOINT x,
 *                            ROLLBACK TO x (discards what came after x), RELEASE x
 * Anything else (a COMMIT through query() or prepare()) is not seen: the events are dropped at
 * the end of the request and counted as `abandoned`. The rule is "never a phantom message": an
 * event we cannot prove committed is not published. */
#include "php.h"
#include "zend_weakrefs.h"
#include "ext/pdo/php_pdo.h"
#include "ext/pdo/php_pdo_driver.h"
#include "php_ebla_chat.h"
#include "fanout_tx.h"

typedef struct {
	zend_string *name;
	uint32_t batches;           /* batches that existed when the savepoint was set */
} ec_savepoint;

typedef struct {
	ec_events *batches;         /* one per write, in order */
	uint32_t count, capacity;
	ec_savepoint *savepoints;   /* set by the caller after our first deferred write */
	uint32_t nsavepoints, sp_capacity;
} ec_deferred;

static uint32_t ec_deferred_events(const ec_deferred *d)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < d->count; i++) {
		n += d->batches[i].count;
	}
	return n;
}

/* Frees batches [from, count) and counts their events as dropped. */
static void ec_deferred_truncate(ec_deferred *d, uint32_t from, bool abandoned)
{
	uint32_t n = 0;

	for (uint32_t i = from; i < d->count; i++) {
		n += d->batches[i].count;
		ec_events_free(&d->batches[i]);
	}
	if (n) {
		ec_fanout_count_dropped(n, abandoned);
	}
	d->count = from < d->count ? from : d->count;
}

static void ec_savepoints_truncate(ec_deferred *d, uint32_t from)
{
	for (uint32_t i = from; i < d->nsavepoints; i++) {
		zend_string_release(d->savepoints[i].name);
	}
	d->nsavepoints = from < d->nsavepoints ? from : d->nsavepoints;
}

/* Hash destructor: the PDO object died, the request ended, or the entry was emptied first. */
static void ec_deferred_dtor(zval *zv)
{
	ec_deferred *d = Z_PTR_P(zv);

	ec_deferred_truncate(d, 0, true);
	ec_savepoints_truncate(d, 0);
	if (d->batches) {
		efree(d->batches);
	}
	if (d->savepoints) {
		efree(d->savepoints);
	}
	efree(d);
}

static ec_deferred *ec_deferred_find(zend_object *pdo)
{
	if (!EC_G(deferred_events)) {
		return NULL;
	}
	return zend_hash_index_find_ptr(EC_G(deferred_events), zend_object_to_weakref_key(pdo));
}

void ec_fanout_defer(zend_object *pdo, ec_events *ev)
{
	ec_deferred *d;

	if (ev->count == 0 || !ec_fanout_enabled()) {
		ec_events_free(ev);
		return;
	}
	if (!EC_G(deferred_events)) {
		ALLOC_HASHTABLE(EC_G(deferred_events));
		zend_hash_init(EC_G(deferred_events), 4, NULL, ec_deferred_dtor, 0);
	}
	d = ec_deferred_find(pdo);
	if (!d) {
		d = ecalloc(1, sizeof(*d));
		zend_weakrefs_hash_add_ptr(EC_G(deferred_events), pdo, d);
	}
	if (d->count == d->capacity) {
		d->capacity = d->capacity ? d->capacity * 2 : 4;
		d->batches = safe_erealloc(d->batches, d->capacity, sizeof(*d->batches), 0);
	}
	d->batches[d->count++] = *ev;    /* the batch moves: ev is left empty */
	ec_events_init(ev);
}

/* Publishes (or drops) everything waiting for pdo and forgets the entry. */
static void ec_deferred_release(zend_object *pdo, bool publish, bool abandoned)
{
	ec_deferred *d = ec_deferred_find(pdo);
	ec_events *batches;
	uint32_t count;

	if (!d) {
		return;
	}
	if (!publish) {
		ec_deferred_truncate(d, 0, abandoned);
		zend_weakrefs_hash_del(EC_G(deferred_events), pdo);
		return;
	}
	/* Take the batches out first: publishing runs no PHP code, but the entry must be gone
	 * before anything could look at it again. */
	batches = d->batches;
	count = d->count;
	d->batches = NULL;
	d->count = d->capacity = 0;
	zend_weakrefs_hash_del(EC_G(deferred_events), pdo);
	ec_fanout_publish_batches(batches, count);
	if (batches) {
		efree(batches);
	}
}

uint32_t ec_fanout_tx_pending(void)
{
	uint32_t n = 0;
	ec_deferred *d;

	if (EC_G(deferred_events)) {
		ZEND_HASH_FOREACH_PTR(EC_G(deferred_events), d) {
			n += ec_deferred_events(d);
		} ZEND_HASH_FOREACH_END();
	}
	return n;
}

/* ---------------------------------------------------------------- transaction statements */

typedef enum { EC_SQL_OTHER, EC_SQL_COMMIT, EC_SQL_ROLLBACK, EC_SQL_ROLLBACK_TO, EC_SQL_SAVEPOINT, EC_SQL_RELEASE } ec_sql_kind;

typedef struct {
	const char *p, *end;
} ec_lexer;

static void ec_lex_space(ec_lexer *lx)
{
	while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r')) {
		lx->p++;
	}
}

/* Consumes the keyword when it comes next (case-insensitive, whole word). */
static bool ec_lex_word(ec_lexer *lx, const char *word)
{
	size_t len = strlen(word);

	ec_lex_space(lx);
	if ((size_t) (lx->end - lx->p) < len || zend_binary_strncasecmp(lx->p, len, word, len, len) != 0) {
		return false;
	}
	if (lx->p + len < lx->end && (isalnum((unsigned char) lx->p[len]) || lx->p[len] == '_')) {
		return false;
	}
	lx->p += len;
	return true;
}

/* A savepoint name, bare or quoted with ", ` or []. */
static bool ec_lex_name(ec_lexer *lx, const char **name, size_t *len)
{
	const char *start;
	char close;

	ec_lex_space(lx);
	if (lx->p >= lx->end) {
		return false;
	}
	close = *lx->p == '"' ? '"' : *lx->p == '`' ? '`' : *lx->p == '[' ? ']' : 0;
	if (close) {
		start = ++lx->p;
		while (lx->p < lx->end && *lx->p != close) {
			lx->p++;
		}
		*name = start;
		*len = lx->p - start;
		return lx->p < lx->end && *len > 0;
	}
	start = lx->p;
	while (lx->p < lx->end && (isalnum((unsigned char) *lx->p) || *lx->p == '_' || *lx->p == '$')) {
		lx->p++;
	}
	*name = start;
	*len = lx->p - start;
	return *len > 0;
}

static ec_sql_kind ec_sql_classify(const char *sql, size_t sql_len, const char **name, size_t *name_len)
{
	ec_lexer lx = {sql, sql + sql_len};

	if (ec_lex_word(&lx, "COMMIT") || ec_lex_word(&lx, "END")) {
		return EC_SQL_COMMIT;
	}
	if (ec_lex_word(&lx, "ROLLBACK")) {
		if (!ec_lex_word(&lx, "WORK")) {
			ec_lex_word(&lx, "TRANSACTION");
		}
		if (!ec_lex_word(&lx, "TO")) {
			return EC_SQL_ROLLBACK;
		}
		ec_lex_word(&lx, "SAVEPOINT");
		return ec_lex_name(&lx, name, name_len) ? EC_SQL_ROLLBACK_TO : EC_SQL_ROLLBACK;
	}
	if (ec_lex_word(&lx, "SAVEPOINT")) {
		return ec_lex_name(&lx, name, name_len) ? EC_SQL_SAVEPOINT : EC_SQL_OTHER;
	}
	if (ec_lex_word(&lx, "RELEASE")) {
		ec_lex_word(&lx, "SAVEPOINT");
		return ec_lex_name(&lx, name, name_len) ? EC_SQL_RELEASE : EC_SQL_OTHER;
	}
	return EC_SQL_OTHER;
}

/* The newest savepoint of that name, or -1 when it was set before our first deferred write. */
static int64_t ec_savepoint_find(const ec_deferred *d, const char *name, size_t len)
{
	for (uint32_t i = d->nsavepoints; i-- > 0;) {
		if (zend_binary_strcasecmp(ZSTR_VAL(d->savepoints[i].name), ZSTR_LEN(d->savepoints[i].name), name, len) == 0) {
			return i;
		}
	}
	return -1;
}

static void ec_savepoint_push(ec_deferred *d, const char *name, size_t len)
{
	if (d->nsavepoints == d->sp_capacity) {
		d->sp_capacity = d->sp_capacity ? d->sp_capacity * 2 : 4;
		d->savepoints = safe_erealloc(d->savepoints, d->sp_capacity, sizeof(*d->savepoints), 0);
	}
	d->savepoints[d->nsavepoints].name = zend_string_init(name, len, 0);
	d->savepoints[d->nsavepoints].batches = d->count;
	d->nsavepoints++;
}

/* After `ROLLBACK TO x`: the writes made since x are gone, x itself remains. An x we never saw
 * was set before everything we hold, so everything goes. */
static void ec_savepoint_rollback(ec_deferred *d, const char *name, size_t len)
{
	int64_t i = ec_savepoint_find(d, name, len);

	if (i < 0) {
		ec_deferred_truncate(d, 0, false);
		ec_savepoints_truncate(d, 0);
		return;
	}
	ec_deferred_truncate(d, d->savepoints[i].batches, false);
	ec_savepoints_truncate(d, (uint32_t) i + 1);
}

/* After `RELEASE x`: x and the savepoints nested in it are gone; the writes stay. */
static void ec_savepoint_release(ec_deferred *d, const char *name, size_t len)
{
	int64_t i = ec_savepoint_find(d, name, len);

	ec_savepoints_truncate(d, i < 0 ? 0 : (uint32_t) i);
}

static void ec_exec_seen(zend_object *pdo, zend_string *sql, bool ok)
{
	ec_deferred *d = ec_deferred_find(pdo);
	const char *name = NULL;
	size_t name_len = 0;

	if (!d) {
		return;
	}
	switch (ec_sql_classify(ZSTR_VAL(sql), ZSTR_LEN(sql), &name, &name_len)) {
		case EC_SQL_COMMIT:
			if (ok) {
				ec_deferred_release(pdo, true, false);
			}
			break;
		case EC_SQL_ROLLBACK:
			/* Even a failed ROLLBACK: the connection is likely gone, and the server rolls back. */
			ec_deferred_release(pdo, false, false);
			break;
		case EC_SQL_ROLLBACK_TO:
			if (ok) {
				ec_savepoint_rollback(d, name, name_len);
			}
			break;
		case EC_SQL_SAVEPOINT:
			if (ok) {
				ec_savepoint_push(d, name, name_len);
			}
			break;
		case EC_SQL_RELEASE:
			if (ok) {
				ec_savepoint_release(d, name, name_len);
			}
			break;
		case EC_SQL_OTHER:
			break;
	}
}

/* ---------------------------------------------------------------- PDO method hooks */

static zif_handler ec_orig_commit, ec_orig_rollback, ec_orig_begin, ec_orig_exec;

static ZEND_NAMED_FUNCTION(ec_pdo_commit)
{
	ec_orig_commit(INTERNAL_FUNCTION_PARAM_PASSTHRU);
	/* A failed commit leaves the transaction open (PDO keeps in_txn): the caller still has to
	 * roll back, which is when the events go. */
	if (EC_G(deferred_events) && !EG(exception) && Z_TYPE_P(return_value) == IS_TRUE) {
		ec_deferred_release(Z_OBJ_P(ZEND_THIS), true, false);
	}
}

static ZEND_NAMED_FUNCTION(ec_pdo_rollback)
{
	ec_orig_rollback(INTERNAL_FUNCTION_PARAM_PASSTHRU);
	if (EC_G(deferred_events)) {
		ec_deferred_release(Z_OBJ_P(ZEND_THIS), false, false);
	}
}

static ZEND_NAMED_FUNCTION(ec_pdo_begin)
{
	ec_orig_begin(INTERNAL_FUNCTION_PARAM_PASSTHRU);
	if (EC_G(deferred_events) && !EG(exception) && Z_TYPE_P(return_value) == IS_TRUE) {
		ec_deferred_release(Z_OBJ_P(ZEND_THIS), false, true);
	}
}

static ZEND_NAMED_FUNCTION(ec_pdo_exec)
{
	zval *arg = ZEND_NUM_ARGS() >= 1 ? ZEND_CALL_ARG(execute_data, 1) : NULL;
	zend_string *sql = arg && Z_TYPE_P(arg) == IS_STRING ? zend_string_copy(Z_STR_P(arg)) : NULL;

	ec_orig_exec(INTERNAL_FUNCTION_PARAM_PASSTHRU);
	if (sql) {
		if (EC_G(deferred_events)) {
			ec_exec_seen(Z_OBJ_P(ZEND_THIS), sql, !EG(exception) && Z_TYPE_P(return_value) == IS_LONG);
		}
		zend_string_release(sql);
	}
}

static zend_function *ec_pdo_method(const char *lcname)
{
	return zend_hash_str_find_ptr(&php_pdo_get_dbh_ce()->function_table, lcname, strlen(lcname));
}

/* Swaps the handler of PDO::<lcname>, remembering the original. */
static void ec_hook(const char *lcname, zif_handler mine, zif_handler *orig)
{
	zend_function *fn = ec_pdo_method(lcname);

	if (fn && fn->type == ZEND_INTERNAL_FUNCTION) {
		*orig = fn->internal_function.handler;
		fn->internal_function.handler = mine;
	}
}

static void ec_unhook(const char *lcname, zif_handler *orig)
{
	zend_function *fn = ec_pdo_method(lcname);

	if (fn && *orig) {
		fn->internal_function.handler = *orig;
		*orig = NULL;
	}
}

void ec_fanout_tx_minit(void)
{
	ec_hook("commit", ec_pdo_commit, &ec_orig_commit);
	ec_hook("rollback", ec_pdo_rollback, &ec_orig_rollback);
	ec_hook("begintransaction", ec_pdo_begin, &ec_orig_begin);
	ec_hook("exec", ec_pdo_exec, &ec_orig_exec);
}

void ec_fanout_tx_mshutdown(void)
{
	ec_unhook("commit", &ec_orig_commit);
	ec_unhook("rollback", &ec_orig_rollback);
	ec_unhook("begintransaction", &ec_orig_begin);
	ec_unhook("exec", &ec_orig_exec);
}

void ec_fanout_tx_rshutdown(void)
{
	HashTable *ht = EC_G(deferred_events);
	zend_ulong key;

	if (!ht) {
		return;
	}
	/* Unregister every weak reference before the table goes: a PDO that outlives this point
	 * (freed later in shutdown) must not find a dangling map. What still waits now was never
	 * committed through PDO: abandoned. */
	ZEND_HASH_FOREACH_NUM_KEY(ht, key) {
		zend_weakrefs_hash_del(ht, zend_weakref_key_to_object(key));
	} ZEND_HASH_FOREACH_END();
	zend_hash_destroy(ht);
	FREE_HASHTABLE(ht);
	EC_G(deferred_events) = NULL;
}
