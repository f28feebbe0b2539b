/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* conn: what the engine keeps for one caller's PDO object, and how long it keeps it.
 *
 * For each PDO object it has worked with, the engine keeps its prepared statements and the
 * actors acl.c loaded. That state belongs to the connection and never keeps it alive: the
 * cached statements hold no reference to their PDO, the state sits in a weak map keyed by the
 * PDO object, and it is released when the caller drops the object (a destructor hook first,
 * while the connection is still usable, the weak map as the last word when the object is
 * freed). A connection that outlives its object (persistent) gets its statements deallocated;
 * a connection that closes with it is not sent one needless round trip.
 *
 * After fork() the state of the parent is abandoned without a byte on its sockets: statements
 * prepared by another process are kept aside, never executed or closed by us, and go without a
 * word when their PDO object does. See docs/design.md "Connection lifetime" and "Fork safety". */
#ifndef EC_CONN_H
#define EC_CONN_H

#include "php.h"

typedef struct ec_conn ec_conn;

/* The state of this PDO object, made on first use. */
ec_conn *ec_conn_get(zend_object *pdo);

/* A prepared statement of sql on this connection, as a new reference, or NULL (not cached). */
zend_object *ec_conn_statement_find(ec_conn *c, const char *sql, size_t sql_len);
/* Caches stmt (a statement the PDO just prepared) for sql; stmt stays the caller's reference. */
void ec_conn_statement_add(ec_conn *c, const char *sql, size_t sql_len, zend_object *stmt);
/* Drops the cached statement of sql (it failed: prepared afresh next time). */
void ec_conn_statement_forget(ec_conn *c, const char *sql, size_t sql_len);
/* Drops every cached statement of this connection (DDL changed what they were prepared for). */
void ec_conn_statements_clear(ec_conn *c);

/* acl.c's table of actors loaded through this connection, created with dtor on first use. */
HashTable *ec_conn_actors(ec_conn *c, dtor_func_t dtor);

/* db.c's marks of statements prepared unnamed (one round trip, no plan kept): mark = true
 * marks sql; mark = false takes the mark away, true when there was one (the statement runs a
 * second time on this connection and is worth preparing on the server). */
bool ec_conn_statement_once(ec_conn *c, const char *sql, size_t sql_len, bool mark);

/* db.c's mark that this connection refused a script of several statements in one round trip
 * (MySQL's multi-statement flag turned off): scripts are not tried again on it. */
bool *ec_conn_no_scripts(ec_conn *c);

/* Called by every entry point before it touches a connection: in a process that is not the
 * one that built the cached state (a child after fork()), abandons that state silently. */
void ec_conn_check_fork(void);

void ec_conn_minit(void);
void ec_conn_rshutdown(void);

#endif
