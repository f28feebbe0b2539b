/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* write: the one way every write runs. A write context holds the caller's database, the acting
 * user, the transaction and the batch of real-time events of the attempt under way; a write
 * function checks its arguments, opens the context, and hands one attempt of its work (a step)
 * to ec_write_run, which begins the transaction (our own, or a savepoint in the caller's),
 * commits it, publishes the events only once they are committed (at once after our own COMMIT,
 * after the caller's PDO::commit() otherwise), rolls back on any failure and runs the attempt
 * again after a deadlock or serialization failure of our own transaction (never of the
 * caller's: that one is the caller's to retry). A write of one statement that sends no event
 * (mute) opens the context and runs its statement without a transaction of its own. */
#ifndef EC_WRITE_H
#define EC_WRITE_H

#include "php.h"
#include "db.h"
#include "acl.h"
#include "fanout.h"

typedef struct {
	ec_db db;               /* the caller's PDO */
	const ec_actor *actor;  /* the acting user (cached per connection by acl.c) */
	ec_events ev;           /* the events of the attempt under way */
} ec_write;

/* Binds the context to the PDO and resolves the acting user (`acl`: the acl option, may be NULL).
 * FAILURE leaves the exception. */
zend_result ec_write_open(ec_write *w, zval *zpdo, zend_string *actor_id, HashTable *acl);

/* One attempt of a write, run inside the transaction: reads under its locks, writes, and adds
 * its events to w->ev. FAILURE (exception pending) rolls the attempt back. A step frees what it
 * allocated itself before it returns, whatever the outcome, so that it can run again. */
typedef zend_result (*ec_write_step)(ec_write *w, void *state);

/* Runs `step` to a commit as described above. FAILURE leaves the exception, nothing written. */
zend_result ec_write_run(ec_write *w, ec_write_step step, void *state);

/* The same for a write whose step is one script (db.h): the step builds the script, runs it
 * (its own transaction or savepoint, begun and ended inside the one round trip) and adds its
 * events; a deadlock of our own transaction runs the step again, as ec_write_run does; the
 * events are published (or deferred) once the script committed. */
zend_result ec_write_run_script(ec_write *w, ec_write_step step, void *state);

/* Commits the transaction ec_tx_begin opened on db and publishes (or defers) `events`, which may
 * be NULL; on failure rolls back. For the rare writer that runs its own transaction. */
zend_result ec_write_commit(ec_db *db, ec_events *events);

#endif
