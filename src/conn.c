/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* conn: see conn.h. */
#include "php.h"
#include "zend_weakrefs.h"
#include "ext/pdo/php_pdo.h"
#include "ext/pdo/php_pdo_driver.h"
#include "php_ebla_chat.h"
#include "conn.h"

#define EC_STATEMENT_CACHE_MAX 512

struct ec_conn {
	zend_object *pdo;           /* not referenced: the weak map's key */
	zend_long pid;              /* the process whose connection the statements are on */
	bool persistent;            /* the connection outlives the object */
	HashTable statements;       /* sql => PDOStatement holding no reference to pdo */
	HashTable *inherited;       /* statements prepared before a fork: never used nor closed by us */
	HashTable *actors;          /* acl.c */
	bool no_scripts;            /* refused a script of several statements (db.c) */
	HashTable *once;            /* sql prepared unnamed and not run a second time yet (db.c) */
};

/* PDOStatement, looked up once: only its instances (of any subclass) are cached. */
static zend_class_entry *ec_pdo_stmt_ce;

/* How a statement leaves the cache. */
typedef enum {
	EC_LEAVE_LIVE,       /* the connection goes on: release it as PDO would (DEALLOCATE, ...) */
	EC_LEAVE_CLOSING,    /* the object is going: a round trip only if the connection stays */
	EC_LEAVE_FREED,      /* the object is being freed: nothing but local memory */
	EC_LEAVE_FOREIGN     /* prepared by another process: nothing but local memory */
} ec_leave;

static zend_long ec_pid(void)
{
	return (zend_long) getpid();
}

/* A cached statement holds no reference to its PDO (else the caller's last reference would
 * not be the last). Its driver still reaches the connection through stmt->dbh. */
static void ec_stmt_detach(zend_object *stmt)
{
	pdo_stmt_t *s = php_pdo_stmt_fetch_object(stmt);

	zval_ptr_dtor(&s->database_object_handle);
	ZVAL_UNDEF(&s->database_object_handle);
}

/* Releases our reference to a cached statement. Given back its PDO reference, the driver
 * closes it on the server (pdo_pgsql sends DEALLOCATE only for a statement that has one);
 * without, it only frees memory. Somebody else holding it too (a statement class that kept
 * $this) must get it whole: it may outlive us. */
static void ec_stmt_leave(ec_conn *c, zval *zstmt, ec_leave how)
{
	zend_object *stmt = Z_OBJ_P(zstmt);
	pdo_stmt_t *s = php_pdo_stmt_fetch_object(stmt);
	bool attach;

	switch (how) {
		case EC_LEAVE_LIVE:    attach = true; break;
		case EC_LEAVE_CLOSING: attach = c->persistent && c->pid == ec_pid(); break;
		default:               attach = false; break;
	}
	if ((attach || GC_REFCOUNT(stmt) > 1) && how != EC_LEAVE_FREED && Z_ISUNDEF(s->database_object_handle)) {
		ZVAL_OBJ_COPY(&s->database_object_handle, c->pdo);
	}
	zval_ptr_dtor(zstmt);
}

/* Empties ht. Its statements are taken out first: a statement's destructor may be user code
 * (a statement class) that calls the engine and fills the table again. */
static void ec_stmts_leave(ec_conn *c, HashTable *ht, ec_leave how)
{
	HashTable leaving;
	zval *zstmt;

	if (zend_hash_num_elements(ht) == 0) {
		return;
	}
	leaving = *ht;
	zend_hash_init(ht, 8, NULL, NULL, 0);
	ZEND_HASH_FOREACH_VAL(&leaving, zstmt) {
		ec_stmt_leave(c, zstmt, how);
	} ZEND_HASH_FOREACH_END();
	zend_hash_destroy(&leaving);
}

/* Empties the state of c, each statement leaving as `how` says. */
static void ec_conn_clear(ec_conn *c, ec_leave how)
{
	bool foreign = c->pid != ec_pid();

	ec_stmts_leave(c, &c->statements, foreign ? EC_LEAVE_FOREIGN : how);
	if (c->inherited) {
		ec_stmts_leave(c, c->inherited, EC_LEAVE_FOREIGN);
	}
}

static void ec_conn_free(ec_conn *c, ec_leave how)
{
	ec_conn_clear(c, how);
	zend_hash_destroy(&c->statements);
	if (c->inherited) {
		zend_hash_destroy(c->inherited);
		FREE_HASHTABLE(c->inherited);
	}
	if (c->actors) {
		zend_hash_destroy(c->actors);
		FREE_HASHTABLE(c->actors);
	}
	if (c->once) {
		zend_hash_destroy(c->once);
		FREE_HASHTABLE(c->once);
	}
	efree(c);
}

/* Weak map destructor: reached on its own only when the PDO object is being freed (its
 * destructor already ran, or never will); ec_conn_close has emptied c before otherwise. */
static void ec_conn_dtor(zval *zv)
{
	ec_conn_free(Z_PTR_P(zv), EC_LEAVE_FREED);
}

/* ---------------------------------------------------------------- the PDO destructor hook */

/* PDO objects the engine works with get a copy of their handlers whose dtor_obj lets go of
 * the engine's state first, while the object and its connection are still whole, then runs
 * the original (and gives the object its own handlers back). One copy per handler table seen,
 * per thread; a table beyond the few foreseen is left alone (the weak map still frees). */
static void ec_pdo_dtor_obj(zend_object *pdo);

static const zend_object_handlers *ec_pdo_original_handlers(const zend_object_handlers *h)
{
	for (uint32_t i = 0; i < EC_G(pdo_hooks); i++) {
		if (h == &EC_G(pdo_handlers)[i]) {
			return EC_G(pdo_handlers_orig)[i];
		}
	}
	return NULL;
}

static void ec_pdo_hook(zend_object *pdo)
{
	const zend_object_handlers *h = pdo->handlers;
	uint32_t i;

	if (ec_pdo_original_handlers(h)) {
		return;
	}
	for (i = 0; i < EC_G(pdo_hooks) && EC_G(pdo_handlers_orig)[i] != h; i++) {
	}
	if (i == EC_G(pdo_hooks)) {
		if (i == EC_PDO_HOOKS_MAX) {
			return;
		}
		memcpy(&EC_G(pdo_handlers)[i], h, sizeof(*h));
		EC_G(pdo_handlers)[i].dtor_obj = ec_pdo_dtor_obj;
		EC_G(pdo_handlers_orig)[i] = h;
		EC_G(pdo_hooks)++;
	}
	pdo->handlers = &EC_G(pdo_handlers)[i];
}

static void ec_pdo_unhook(zend_object *pdo)
{
	const zend_object_handlers *orig = ec_pdo_original_handlers(pdo->handlers);

	if (orig) {
		pdo->handlers = orig;
	}
}

/* Lets go of everything kept for pdo, as `how` says, and forgets it. */
static void ec_conn_close(zend_object *pdo, ec_leave how)
{
	ec_conn *c = EC_G(conns) ? zend_hash_index_find_ptr(EC_G(conns), zend_object_to_weakref_key(pdo)) : NULL;

	if (c) {
		ec_conn_clear(c, how);
		zend_weakrefs_hash_del(EC_G(conns), pdo);
	}
}

static void ec_pdo_dtor_obj(zend_object *pdo)
{
	const zend_object_handlers *orig = ec_pdo_original_handlers(pdo->handlers);

	if (orig) {
		pdo->handlers = orig;
	} else {
		/* Another extension swapped our copy for its own and called through: leave its table in
		 * place, and run the destructor of the table we copied (PDO's, the same for all). */
		orig = EC_G(pdo_handlers_orig)[0];
	}
	ec_conn_close(pdo, EC_LEAVE_CLOSING);
	if (orig->dtor_obj) {
		orig->dtor_obj(pdo);
	}
}

/* ---------------------------------------------------------------- the cache */

ec_conn *ec_conn_get(zend_object *pdo)
{
	ec_conn *c;

	if (!EC_G(conns)) {
		ALLOC_HASHTABLE(EC_G(conns));
		zend_hash_init(EC_G(conns), 4, NULL, ec_conn_dtor, 0);
	}
	c = zend_hash_index_find_ptr(EC_G(conns), zend_object_to_weakref_key(pdo));
	if (c) {
		return c;
	}
	c = ecalloc(1, sizeof(*c));
	c->pdo = pdo;
	c->pid = ec_pid();
	c->persistent = php_pdo_dbh_fetch_inner(pdo)->is_persistent;
	zend_hash_init(&c->statements, 32, NULL, NULL, 0);
	zend_weakrefs_hash_add_ptr(EC_G(conns), pdo, c);
	ec_pdo_hook(pdo);
	return c;
}

zend_object *ec_conn_statement_find(ec_conn *c, const char *sql, size_t sql_len)
{
	zval *cached = zend_hash_str_find(&c->statements, sql, sql_len);

	if (!cached) {
		return NULL;
	}
	GC_ADDREF(Z_OBJ_P(cached));
	return Z_OBJ_P(cached);
}

void ec_conn_statement_add(ec_conn *c, const char *sql, size_t sql_len, zend_object *stmt)
{
	pdo_stmt_t *s;
	zval zstmt;

	/* Only a statement PDO made for this very object can be held without its reference; one
	 * from an overridden prepare() is used once and left to its own devices. */
	if (!ec_pdo_stmt_ce || !instanceof_function(stmt->ce, ec_pdo_stmt_ce)) {
		return;
	}
	s = php_pdo_stmt_fetch_object(stmt);
	if (s->dbh != php_pdo_dbh_fetch_inner(c->pdo) || Z_TYPE(s->database_object_handle) != IS_OBJECT
		|| Z_OBJ(s->database_object_handle) != c->pdo) {
		return;
	}
	/* A nested call (user code in an overridden method) may have cached the same sql. */
	ec_conn_statement_forget(c, sql, sql_len);
	if (zend_hash_num_elements(&c->statements) >= EC_STATEMENT_CACHE_MAX) {
		ec_stmts_leave(c, &c->statements, EC_LEAVE_LIVE);
	}
	GC_ADDREF(stmt);
	ec_stmt_detach(stmt);
	ZVAL_OBJ(&zstmt, stmt);
	zend_hash_str_update(&c->statements, sql, sql_len, &zstmt);
}

void ec_conn_statement_forget(ec_conn *c, const char *sql, size_t sql_len)
{
	zval *cached = zend_hash_str_find(&c->statements, sql, sql_len);
	zval zstmt;

	if (cached) {
		ZVAL_COPY_VALUE(&zstmt, cached);
		zend_hash_str_del(&c->statements, sql, sql_len);
		ec_stmt_leave(c, &zstmt, EC_LEAVE_LIVE);
	}
}

void ec_conn_statements_clear(ec_conn *c)
{
	ec_stmts_leave(c, &c->statements, EC_LEAVE_LIVE);
}

HashTable *ec_conn_actors(ec_conn *c, dtor_func_t dtor)
{
	if (!c->actors) {
		ALLOC_HASHTABLE(c->actors);
		zend_hash_init(c->actors, 8, NULL, dtor, 0);
	}
	return c->actors;
}

bool ec_conn_statement_once(ec_conn *c, const char *sql, size_t sql_len, bool mark)
{
	if (!mark) {
		return c->once && zend_hash_str_del(c->once, sql, sql_len) == SUCCESS;
	}
	if (!c->once) {
		ALLOC_HASHTABLE(c->once);
		zend_hash_init(c->once, 8, NULL, NULL, 0);
	}
	zend_hash_str_add_empty_element(c->once, sql, sql_len);
	return true;
}

bool *ec_conn_no_scripts(ec_conn *c)
{
	return &c->no_scripts;
}

/* ---------------------------------------------------------------- fork */

/* The statements of c were prepared by the parent on a socket this child shares: closing one
 * would talk on it (DEALLOCATE, COM_STMT_CLOSE) and the processes would read each other's
 * replies. They are set aside instead, and only freed (memory, never a message) with their PDO
 * object. What acl.c loaded is plain data and stays. */
static void ec_conn_abandon(ec_conn *c)
{
	zval *zstmt;

	if (zend_hash_num_elements(&c->statements)) {
		if (!c->inherited) {
			ALLOC_HASHTABLE(c->inherited);
			zend_hash_init(c->inherited, zend_hash_num_elements(&c->statements), NULL, NULL, 0);
		}
		ZEND_HASH_FOREACH_VAL(&c->statements, zstmt) {
			zend_hash_next_index_insert_new(c->inherited, zstmt);
		} ZEND_HASH_FOREACH_END();
		zend_hash_clean(&c->statements);
	}
	c->pid = ec_pid();
}

void ec_conn_check_fork(void)
{
	zend_long pid = ec_pid();
	ec_conn *c;

	if (EC_G(conns_pid) == pid) {
		return;
	}
	EC_G(conns_pid) = pid;
	if (EC_G(conns)) {
		ZEND_HASH_FOREACH_PTR(EC_G(conns), c) {
			ec_conn_abandon(c);
		} ZEND_HASH_FOREACH_END();
	}
}

/* ---------------------------------------------------------------- lifecycle */

void ec_conn_minit(void)
{
	ec_pdo_stmt_ce = zend_hash_str_find_ptr(CG(class_table), "pdostatement", sizeof("pdostatement") - 1);
}

void ec_conn_rshutdown(void)
{
	HashTable *ht = EC_G(conns);
	zend_ulong key;

	if (!ht) {
		return;
	}
	/* PDO objects still here outlived their destructors (or were never destructed): they are
	 * freed after this point, so forget their weak references and give them their handlers
	 * back before the table goes. One at a time from the start: a statement's destructor (user
	 * code) could add an entry meanwhile. */
	while (zend_hash_num_elements(ht)) {
		zend_object *pdo;
		ec_conn *c;

		zend_hash_internal_pointer_reset(ht);
		zend_hash_get_current_key(ht, NULL, &key);
		pdo = zend_weakref_key_to_object(key);
		c = zend_hash_index_find_ptr(ht, key);
		ec_conn_clear(c, EC_LEAVE_CLOSING);
		ec_pdo_unhook(pdo);
		zend_weakrefs_hash_del(ht, pdo);
	}
	zend_hash_destroy(ht);
	FREE_HASHTABLE(ht);
	EC_G(conns) = NULL;
}
