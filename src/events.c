/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* events: see events.h. */
#include "php.h"
#include "zend_smart_str.h"
#include "php_ebla_chat.h"
#include "events.h"
#include "render.h"
#include "text.h"

static zend_result ec_events_to_members(ec_db *db, ec_events *ev, zend_string *dialog_id, const char *topic,
	const char *fields, size_t fields_len)
{
	zval param, rows, *row;
	zend_string *topic_str;

	ZVAL_STR(&param, dialog_id);
	if (ec_db_query(db, "SELECT user_id FROM dialog_user WHERE dialog_id = ? AND deleted = FALSE", &param, 1, &rows) == FAILURE) {
		return FAILURE;
	}
	topic_str = zend_string_init(topic, strlen(topic), 0);
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(rows), row) {
		zend_string *user_id = ec_val_str(EC_COL(row, 0));
		if (user_id) {
			ec_events_add(ev, topic_str, user_id, fields, fields_len);
			zend_string_release(user_id);
		}
	} ZEND_HASH_FOREACH_END();
	zend_string_release(topic_str);
	zval_ptr_dtor(&rows);
	return SUCCESS;
}

static void ec_events_stream_update(ec_events *ev, zend_string *dialog_id, zend_string *created_by, zend_string *note_id)
{
	smart_str fields = {0};
	zend_string *topic = zend_strpprintf(0, "streamUpdate.Dialog.%s", ZSTR_VAL(dialog_id));

	smart_str_appends(&fields, "\"createdById\":");
	ec_json_str(&fields, created_by);
	if (note_id) {
		smart_str_appends(&fields, ",\"noteId\":");
		ec_json_str(&fields, note_id);
	}
	smart_str_0(&fields);
	ec_events_add(ev, topic, NULL, ZSTR_VAL(fields.s), ZSTR_LEN(fields.s));
	smart_str_free(&fields);
	zend_string_release(topic);
}

/* {"dialogId":"..","action":".."} to each of the given users. */
void ec_events_dialog_action(ec_events *ev, zend_string *dialog_id, const char *action, zend_string **users, uint32_t n)
{
	smart_str fields = {0};
	zend_string *topic = zend_string_init("eblaChat.dialog", sizeof("eblaChat.dialog") - 1, 0);

	smart_str_appends(&fields, "\"dialogId\":");
	ec_json_str(&fields, dialog_id);
	smart_str_append_printf(&fields, ",\"action\":\"%s\"", action);
	smart_str_0(&fields);
	for (uint32_t i = 0; i < n; i++) {
		ec_events_add(ev, topic, users[i], ZSTR_VAL(fields.s), ZSTR_LEN(fields.s));
	}
	smart_str_free(&fields);
	zend_string_release(topic);
}

/* eblaChat.message to every member with their own counts after this post, and the stream panel
 * refresh. `count` is the dialog's message_count after the post; each row holds a member's user
 * id, read_count and mention_count in columns user, read, mentions; with `mentioned` (the
 * counts were read before the post) a member in it gets one mention more. */
static void ec_events_post_rows(ec_events *ev, zend_string *dialog_id, zend_long count, zval *members, int user_col,
	int read_col, int mentions_col, HashTable *mentioned, zend_string *author_id, zend_string *note_id, zend_long number)
{
	smart_str common = {0}, fields = {0};
	zend_string *topic = zend_string_init("eblaChat.message", sizeof("eblaChat.message") - 1, 0);
	zval *row;

	smart_str_appends(&common, "\"dialogId\":");
	ec_json_str(&common, dialog_id);
	smart_str_appends(&common, ",\"messageId\":");
	ec_json_str(&common, note_id);
	smart_str_appends(&common, ",\"number\":");
	smart_str_append_long(&common, number);
	smart_str_appends(&common, ",\"authorId\":");
	ec_json_str(&common, author_id);
	smart_str_0(&common);
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(members), row) {
		zval *user = EC_COL(row, user_col);
		bool is_author;
		zend_long unread, mentions;
		if (Z_TYPE_P(user) != IS_STRING) {
			continue;
		}
		is_author = zend_string_equals(Z_STR_P(user), author_id);
		unread = is_author ? 0 : count - ec_val_long(EC_COL(row, read_col));
		mentions = is_author ? 0 : ec_val_long(EC_COL(row, mentions_col)) + (mentioned && zend_hash_exists(mentioned, Z_STR_P(user)));
		smart_str_append(&fields, common.s);
		smart_str_appends(&fields, ",\"unread\":");
		smart_str_append_long(&fields, unread > 0 ? unread : 0);
		smart_str_appends(&fields, ",\"mentions\":");
		smart_str_append_long(&fields, mentions);
		ec_events_add(ev, topic, Z_STR_P(user), ZSTR_VAL(fields.s), ZSTR_LEN(fields.s));
		ZSTR_LEN(fields.s) = 0;
	} ZEND_HASH_FOREACH_END();
	ec_events_stream_update(ev, dialog_id, author_id, NULL);
	smart_str_free(&common);
	smart_str_free(&fields);
	zend_string_release(topic);
}

/* From the memberships read under the lock before the post was written. */
void ec_events_post(ec_events *ev, zend_string *dialog_id, zend_long message_count, zval *members, zend_string *author_id,
	zend_string *note_id, zend_long number, zval *mention_ids)
{
	HashTable mentioned;
	zval *id;

	zend_hash_init(&mentioned, 8, NULL, NULL, 0);
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(mention_ids), id) {
		zend_hash_add_empty_element(&mentioned, Z_STR_P(id));
	} ZEND_HASH_FOREACH_END();
	ec_events_post_rows(ev, dialog_id, message_count + 1, members, EC_DIALOG_COLUMN_COUNT, EC_DU_READ_COUNT, EC_DU_MENTIONS,
		&mentioned, author_id, note_id, number);
	zend_hash_destroy(&mentioned);
}

void ec_events_post_written(ec_events *ev, zend_string *dialog_id, zend_long count, zval *members, int user_col,
	zend_string *author_id, zend_string *note_id, zend_long number)
{
	ec_events_post_rows(ev, dialog_id, count, members, user_col, user_col + 1, user_col + 2, NULL, author_id, note_id, number);
}

zend_result ec_events_message_update(ec_db *db, ec_events *ev, zend_string *dialog_id, zend_string *note_id,
	zend_string *author, const char *action)
{
	smart_str common = {0};
	zend_result status;

	if (!ec_fanout_enabled()) {
		return SUCCESS;
	}
	smart_str_appends(&common, "\"dialogId\":");
	ec_json_str(&common, dialog_id);
	smart_str_appends(&common, ",\"messageId\":");
	ec_json_str(&common, note_id);
	smart_str_append_printf(&common, ",\"action\":\"%s\"", action);
	smart_str_0(&common);
	status = ec_events_to_members(db, ev, dialog_id, "eblaChat.update", ZSTR_VAL(common.s), ZSTR_LEN(common.s));
	smart_str_free(&common);
	ec_events_stream_update(ev, dialog_id, author, note_id);
	return status;
}

/* eblaChat.read to the reader's other tabs, so their badges follow. */
void ec_events_read(ec_events *ev, zend_string *dialog_id, zend_string *reader_id, zend_long unread, zend_long last_read)
{
	smart_str fields = {0};
	zend_string *topic;

	if (!ec_fanout_enabled()) {
		return;
	}
	topic = zend_string_init("eblaChat.read", sizeof("eblaChat.read") - 1, 0);
	smart_str_appends(&fields, "\"dialogId\":");
	ec_json_str(&fields, dialog_id);
	smart_str_append_printf(&fields, ",\"unread\":" ZEND_LONG_FMT ",\"lastReadNumber\":" ZEND_LONG_FMT, unread, last_read);
	smart_str_0(&fields);
	ec_events_add(ev, topic, reader_id, ZSTR_VAL(fields.s), ZSTR_LEN(fields.s));
	smart_str_free(&fields);
	zend_string_release(topic);
}
