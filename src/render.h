/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* render: database rows as the API's arrays, below the areas that load them. A message row from
 * `note` rows (EC_NOTE_COLUMNS) with their attachments; a dialog row from EC_DIALOG_COLUMNS with
 * its member ids, display name and last message. Loads only what a row needs to be shown (one
 * query per kind of extra, never one per row) and never decides access: the caller has. */
#ifndef EC_RENDER_H
#define EC_RENDER_H

#include "php.h"
#include "db.h"
#include "acl.h"

/* Columns of a message: a `note` n joined with its author u. */
#define EC_NOTE_COLUMNS \
	"n.id, n.number, n.parent_id, n.created_by_id, n.post, n.data, n.created_at, n.modified_at, " \
	"n.modified_by_id, u.first_name, u.last_name, u.user_name"
#define EC_NOTE_FROM "FROM note n LEFT JOIN `user` u ON u.id = n.created_by_id "

/* Renders note rows (EC_NOTE_COLUMNS) into message rows appended to `out`, attachments loaded in
 * one query. */
zend_result ec_messages_render(ec_db *db, zval *note_rows, zval *out);
enum { EC_N_ID, EC_N_NUMBER, EC_N_DIALOG, EC_N_AUTHOR, EC_N_POST, EC_N_DATA, EC_N_CREATED_AT, EC_N_MODIFIED_AT,
	EC_N_MODIFIED_BY, EC_N_FIRST, EC_N_LAST, EC_N_USER_NAME };

/* Columns of a dialog row joined with the actor's membership `du` (may be NULL columns). */
#define EC_DIALOG_COLUMNS \
	"d.id, d.name, d.`type`, d.parent_type, d.parent_id, d.created_at, d.created_by_id, d.last_message_at, " \
	"d.last_message_id, d.last_message_number, d.message_count, d.direct_key, " \
	"du.id, du.read_count, du.last_read_number, du.mention_count, du.is_muted, du.notified_number"
enum {
	EC_D_ID, EC_D_NAME, EC_D_TYPE, EC_D_PARENT_TYPE, EC_D_PARENT_ID, EC_D_CREATED_AT, EC_D_CREATED_BY,
	EC_D_LAST_AT, EC_D_LAST_ID, EC_D_LAST_NUMBER, EC_D_MESSAGE_COUNT, EC_D_DIRECT_KEY,
	EC_DU_ID, EC_DU_READ_COUNT, EC_DU_LAST_READ, EC_DU_MENTIONS, EC_DU_MUTED, EC_DU_NOTIFIED,
	EC_DIALOG_COLUMN_COUNT  /* the first column after them */
};

/* Renders note rows (EC_NOTE_COLUMNS) into message rows appended to `out`, attachments loaded in
 * one query. */
zend_result ec_messages_render(ec_db *db, zval *note_rows, zval *out);
/* Message rows for the given note ids (live ones only), keyed by id, in `out` (array). */
zend_result ec_messages_by_ids(ec_db *db, zend_string **ids, uint32_t n, zval *out);

/* The other member of a direct dialog, from its direct_key (new reference), or NULL. */
zend_string *ec_direct_other(zval *dialog_row, const zend_string *actor_id);

/* zend_hash_sort comparator of rows of EC_DIALOG_COLUMNS: the last message's number, highest first. */
int ec_dialogs_by_last_number_desc(Bucket *a, Bucket *b);

/* Renders rows of EC_DIALOG_COLUMNS as API dialog rows into the list `out` (array). A fixed
 * number of queries for any number of rows. */
zend_result ec_dialogs_render(ec_db *db, const ec_actor *actor, zval *rows, zval *out);

/* Adds what a message row takes from note.data to item: "voice" and "mentions" (user ids). */
void ec_message_data(zval *data, zval *item);
/* An attachment as the API shows it: {id, name, type, size} (size null when unknown). */
void ec_attachment_item(zval *item, zval *id, zval *name, zval *type, zval *size);
/* arr[key] = the value as a string, or null for SQL NULL. */
void ec_add_str_or_null(zval *arr, const char *key, zval *v);

#endif
