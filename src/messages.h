/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* messages: chat messages as EspoCRM stream posts: post, history, edit, delete, attachments and
 * mentions. Their rows are rendered by render.c, their counters written by counters.c, their
 * events built by events.c, their writes run through write.c. */
#ifndef EC_MESSAGES_H
#define EC_MESSAGES_H

#include "php.h"
#include "db.h"
#include "acl.h"

/* A page of a dialog's history for the actor (membership checked), newest first: numbers below
 * `before` and above `after` (0 = no bound), at most `limit`. */
zend_result ec_messages_history(ec_db *db, const ec_actor *actor, zend_string *dialog_id, zend_long limit,
	zend_long before, zend_long after, zval *out);
#endif
