/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* write: see write.h. */
#include "php.h"
#include "php_ebla_chat.h"
#include "write.h"
#include "fanout_tx.h"

zend_result ec_write_open(ec_write *w, zval *zpdo, zend_string *actor_id, HashTable *acl)
{
	w->actor = NULL;
	ec_events_init(&w->ev);
	if (ec_db_init(&w->db, zpdo) == FAILURE) {
		return FAILURE;
	}
	w->actor = ec_acl_actor(&w->db, actor_id, acl);
	return w->actor ? SUCCESS : FAILURE;
}

/* Events of a write that committed: published now after our own transaction, handed to
 * fanout_tx.c to wait for the caller's commit otherwise. */
static void ec_write_committed(ec_db *db, bool own, ec_events *events)
{
	if (events && own) {
		ec_fanout_publish(events);
	} else if (events) {
		ec_fanout_defer(db->pdo, events);
	}
}

zend_result ec_write_commit(ec_db *db, ec_events *events)
{
	bool own = db->tx_own;

	if (ec_tx_commit(db) == FAILURE) {
		return FAILURE;
	}
	ec_write_committed(db, own, events);
	return SUCCESS;
}

/* The attempts of a write until one commits: in a transaction begun here, or (script) in the
 * one the step's script begins and ends itself. */
static zend_result ec_write_attempts(ec_write *w, ec_write_step step, void *state, bool script)
{
	int attempt = 0;
	zend_result status;

	do {
		ec_events_free(&w->ev);
		ec_events_init(&w->ev);
		status = script ? SUCCESS : ec_tx_begin(&w->db);
		if (status == SUCCESS) {
			status = step(w, state);
			if (status == SUCCESS && script) {
				ec_write_committed(&w->db, w->db.tx_own, &w->ev);
			} else if (status == SUCCESS) {
				status = ec_write_commit(&w->db, &w->ev);
			} else if (!script) {
				ec_tx_abort(&w->db);
			}
		}
	} while (status == FAILURE && ec_tx_retry(&w->db, &attempt));
	ec_events_free(&w->ev);
	return status;
}

zend_result ec_write_run_script(ec_write *w, ec_write_step step, void *state)
{
	return ec_write_attempts(w, step, state, true);
}

zend_result ec_write_run(ec_write *w, ec_write_step step, void *state)
{
	return ec_write_attempts(w, step, state, false);
}
