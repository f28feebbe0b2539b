/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* events: who is told what. Every real-time event a write sends is built here, above the
 * fan-out (fanout.c only carries them): the topics, their JSON fields and the users they go to.
 * The writers call these under their dialog lock, after their rows are written, into the batch of
 * their write context (write.c), which publishes it once the transaction committed. */
#ifndef EC_EVENTS_H
#define EC_EVENTS_H

#include "php.h"
#include "db.h"
#include "fanout.h"

/* eblaChat.dialog {"dialogId", "action"} to each of the given users (created, added, removed). */
void ec_events_dialog_action(ec_events *ev, zend_string *dialog_id, const char *action, zend_string **users, uint32_t n);

/* eblaChat.message to every member (`members`: rows of EC_DIALOG_COLUMNS plus user_id, read
 * under the lock) with their own counts after this post (the author: all read; a mentioned
 * member one more mention), then the stream panel refresh streamUpdate.Dialog.<id>. */
void ec_events_post(ec_events *ev, zend_string *dialog_id, zend_long message_count, zval *members, zend_string *author_id,
	zend_string *note_id, zend_long number, zval *mention_ids);

/* The same from what a post's script read after writing it (under the same lock): `count` the
 * dialog's message_count after the post, and per member row its user id, read_count and
 * mention_count, already counting this post, in columns user_col, user_col + 1, user_col + 2. */
void ec_events_post_written(ec_events *ev, zend_string *dialog_id, zend_long count, zval *members, int user_col,
	zend_string *author_id, zend_string *note_id, zend_long number);

/* eblaChat.update {"dialogId", "messageId", "action"} (edit, delete) to every live member of the
 * dialog, then the stream panel refresh. Reads the members: FAILURE leaves the exception. */
zend_result ec_events_message_update(ec_db *db, ec_events *ev, zend_string *dialog_id, zend_string *note_id,
	zend_string *author, const char *action);

/* eblaChat.read {"dialogId", "unread", "lastReadNumber"} to the reader's other tabs. */
void ec_events_read(ec_events *ev, zend_string *dialog_id, zend_string *reader_id, zend_long unread, zend_long last_read);

#endif
