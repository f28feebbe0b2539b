/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* dialogs: direct and group dialogs: open (create or reuse), get, list, membership changes; and
 * what the other areas share: loading a dialog with the actor's membership, and the row lock
 * every counter write takes first. Its rows are rendered by render.c, its events built by
 * events.c, its writes run through write.c. */
#ifndef EC_DIALOGS_H
#define EC_DIALOGS_H

#include "php.h"
#include "db.h"
#include "acl.h"
#include "render.h"

/* READ: members, and admins. WRITE: members, under the dialog's row lock. MODERATE: like WRITE,
 * and admins too (deleting messages). */
typedef enum { EC_READ, EC_WRITE, EC_MODERATE } ec_access;

/* A dialog as the actor sees it. */
typedef struct {
	zval row;               /* EC_DIALOG_COLUMNS */
	zend_string *id;        /* borrowed from row */
	bool direct;
	bool member;
	zend_long message_count, last_message_number;
	zend_long read_count, last_read_number, mention_count, membership_id;
} ec_dialog;

/* Loads dialog_id for the actor. EC_WRITE takes the dialog's row lock first (inside a
 * transaction: every counter write serializes on it) and requires membership; EC_READ requires
 * membership unless the actor is an admin. NotFound / Forbidden with the exception set. */
zend_result ec_dialog_load(ec_db *db, const ec_actor *actor, zend_string *dialog_id, ec_access access, ec_dialog *d);
/* The same, and `members` receives every live membership as rows of EC_DIALOG_COLUMNS plus the
 * member's user id (column EC_DIALOG_COLUMN_COUNT), read under the same lock: for addressing
 * the events of a post without another query. */
zend_result ec_dialog_load_ex(ec_db *db, const ec_actor *actor, zend_string *dialog_id, ec_access access, ec_dialog *d,
	zval *members);
void ec_dialog_free(ec_dialog *d);

#endif
