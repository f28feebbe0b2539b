/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* render: see render.h. */
#include "php.h"
#include "zend_smart_str.h"
#include "ext/json/php_json.h"
#include "php_ebla_chat.h"
#include "render.h"
#include "text.h"

/* ---------------------------------------------------------------- messages */

/* What a message row needs from note.data: the voice flag and the mentioned user ids. */
void ec_message_data(zval *data, zval *item)
{
	zval decoded, mentions, *voice = NULL, *m, *id;

	array_init(&mentions);
	ZVAL_UNDEF(&decoded);
	if (data && Z_TYPE_P(data) == IS_STRING && Z_STRLEN_P(data) > 2
		&& php_json_decode_ex(&decoded, Z_STRVAL_P(data), Z_STRLEN_P(data), PHP_JSON_OBJECT_AS_ARRAY, 32) == SUCCESS
		&& Z_TYPE(decoded) == IS_ARRAY) {
		voice = zend_hash_str_find(Z_ARRVAL(decoded), "voice", sizeof("voice") - 1);
		m = zend_hash_str_find(Z_ARRVAL(decoded), "mentions", sizeof("mentions") - 1);
		if (m && Z_TYPE_P(m) == IS_ARRAY) {
			zval *mention;
			ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(m), mention) {
				if (Z_TYPE_P(mention) == IS_ARRAY && (id = zend_hash_str_find(Z_ARRVAL_P(mention), "id", 2)) && Z_TYPE_P(id) == IS_STRING) {
					add_next_index_str(&mentions, zend_string_copy(Z_STR_P(id)));
				}
			} ZEND_HASH_FOREACH_END();
		}
	}
	add_assoc_bool(item, "voice", voice && zend_is_true(voice));
	add_assoc_zval(item, "mentions", &mentions);
	zval_ptr_dtor(&decoded);
}

void ec_add_str_or_null(zval *arr, const char *key, zval *v)
{
	zend_string *s = ec_val_str(v);
	if (s) {
		add_assoc_str(arr, key, s);
	} else {
		add_assoc_null(arr, key);
	}
}

void ec_attachment_item(zval *item, zval *id, zval *name, zval *type, zval *size)
{
	array_init_size(item, 4);
	ec_add_str_or_null(item, "id", id);
	ec_add_str_or_null(item, "name", name);
	ec_add_str_or_null(item, "type", type);
	if (Z_TYPE_P(size) == IS_NULL) {
		add_assoc_null(item, "size");
	} else {
		add_assoc_long(item, "size", ec_val_long(size));
	}
}

/* Attachments of the given notes, as note id => list of {id, name, type, size}. One query. */
static zend_result ec_attachments_of(ec_db *db, zval *note_rows, HashTable *out)
{
	uint32_t n = zend_hash_num_elements(Z_ARRVAL_P(note_rows)), i = 0;
	zval *params, rows, *row;
	zend_result status;

	if (n == 0) {
		return SUCCESS;
	}
	params = safe_emalloc(n, sizeof(zval), 0);
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(note_rows), row) {
		ZVAL_COPY_VALUE(&params[i++], EC_COL(row, EC_N_ID));
	} ZEND_HASH_FOREACH_END();
	/* EspoCRM's `attachments` link: parent Note, field NULL or 'attachments'. */
	status = ec_db_run_in(db, "SELECT parent_id, id, name, `type`, size FROM attachment WHERE parent_type = 'Note' "
		"AND deleted = FALSE AND (field IS NULL OR field = 'attachments') AND parent_id IN (", NULL, 0, params, n,
		") ORDER BY created_at, id", &rows, NULL);
	efree(params);
	if (status == FAILURE) {
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(rows), row) {
		zval *list = zend_hash_find(out, Z_STR_P(EC_COL(row, 0))), item;
		if (!list) {
			zval empty;
			array_init(&empty);
			list = zend_hash_add_new(out, Z_STR_P(EC_COL(row, 0)), &empty);
		}
		ec_attachment_item(&item, EC_COL(row, 1), EC_COL(row, 2), EC_COL(row, 3), EC_COL(row, 4));
		add_next_index_zval(list, &item);
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&rows);
	return SUCCESS;
}

zend_result ec_messages_render(ec_db *db, zval *note_rows, zval *out)
{
	HashTable attachments;
	zval *row;

	zend_hash_init(&attachments, 8, NULL, ZVAL_PTR_DTOR, 0);
	if (ec_attachments_of(db, note_rows, &attachments) == FAILURE) {
		zend_hash_destroy(&attachments);
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(note_rows), row) {
		zval item, *list;
		array_init_size(&item, 12);
		ec_add_str_or_null(&item, "id", EC_COL(row, EC_N_ID));
		add_assoc_long(&item, "number", ec_val_long(EC_COL(row, EC_N_NUMBER)));
		ec_add_str_or_null(&item, "dialogId", EC_COL(row, EC_N_DIALOG));
		ec_add_str_or_null(&item, "authorId", EC_COL(row, EC_N_AUTHOR));
		add_assoc_str(&item, "authorName", ec_display_name(EC_COL(row, EC_N_FIRST), EC_COL(row, EC_N_LAST), EC_COL(row, EC_N_USER_NAME)));
		{
			zend_string *text = ec_val_str(EC_COL(row, EC_N_POST));
			add_assoc_str(&item, "text", text ? text : ZSTR_EMPTY_ALLOC());
		}
		ec_add_str_or_null(&item, "createdAt", EC_COL(row, EC_N_CREATED_AT));
		ec_add_str_or_null(&item, "modifiedAt", EC_COL(row, EC_N_MODIFIED_AT));
		/* EspoCRM sets modified_by_id on updates only, never on create. */
		add_assoc_bool(&item, "edited", Z_TYPE_P(EC_COL(row, EC_N_MODIFIED_BY)) != IS_NULL);
		ec_message_data(EC_COL(row, EC_N_DATA), &item);
		list = zend_hash_find(&attachments, Z_STR_P(EC_COL(row, EC_N_ID)));
		if (list) {
			Z_ADDREF_P(list);
			add_assoc_zval(&item, "attachments", list);
		} else {
			zval empty;
			array_init(&empty);
			add_assoc_zval(&item, "attachments", &empty);
		}
		add_next_index_zval(out, &item);
	} ZEND_HASH_FOREACH_END();
	zend_hash_destroy(&attachments);
	return SUCCESS;
}

zend_result ec_messages_by_ids(ec_db *db, zend_string **ids, uint32_t n, zval *out)
{
	zval rows, list, *item;
	zend_result status;

	status = ec_db_run_in_ids(db, "SELECT " EC_NOTE_COLUMNS " " EC_NOTE_FROM "WHERE n.deleted = FALSE AND n.id IN (",
		NULL, 0, ids, n, ")", &rows, NULL);
	if (status == FAILURE) {
		return FAILURE;
	}
	array_init(&list);
	status = ec_messages_render(db, &rows, &list);
	if (status == SUCCESS) {
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL(list), item) {
			Z_ADDREF_P(item);
			add_assoc_zval_ex(out, Z_STRVAL_P(zend_hash_str_find(Z_ARRVAL_P(item), "id", 2)),
				Z_STRLEN_P(zend_hash_str_find(Z_ARRVAL_P(item), "id", 2)), item);
		} ZEND_HASH_FOREACH_END();
	}
	zval_ptr_dtor(&rows);
	zval_ptr_dtor(&list);
	return status;
}

/* ---------------------------------------------------------------- dialogs */

zend_string *ec_direct_other(zval *dialog_row, const zend_string *actor_id)
{
	zval *key = EC_COL(dialog_row, EC_D_DIRECT_KEY);
	const char *s, *bar, *end;

	if (!key || Z_TYPE_P(key) != IS_STRING) {
		return NULL;
	}
	s = Z_STRVAL_P(key);
	end = s + Z_STRLEN_P(key);
	bar = memchr(s, '|', end - s);
	if (!bar) {
		return NULL;
	}
	{
		const char *second = bar + 1, *second_end = memchr(second, '|', end - second);
		size_t first_len = bar - s, second_len = (second_end ? second_end : end) - second;
		if (first_len == ZSTR_LEN(actor_id) && memcmp(s, ZSTR_VAL(actor_id), first_len) == 0) {
			return zend_string_init(second, second_len, 0);
		}
		return zend_string_init(s, first_len, 0);
	}
}

/* Member ids per dialog (dialog id => list) and display names per user, from rows of
 * (dialog_id, user_id, first_name, last_name, user_name). */
static void ec_member_index(zval *members, HashTable *member_ids, HashTable *member_names)
{
	zval *member;

	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(members), member) {
		zval *list, name;
		zend_string *dialog_id = Z_STR_P(EC_COL(member, 0)), *user_id = ec_val_str(EC_COL(member, 1));
		if (!user_id) {
			continue;
		}
		list = zend_hash_find(member_ids, dialog_id);
		if (!list) {
			zval empty;
			array_init(&empty);
			list = zend_hash_add_new(member_ids, dialog_id, &empty);
		}
		add_next_index_str(list, zend_string_copy(user_id));
		if (!zend_hash_exists(member_names, user_id)) {
			ZVAL_STR(&name, ec_display_name(EC_COL(member, 2), EC_COL(member, 3), EC_COL(member, 4)));
			zend_hash_add_new(member_names, user_id, &name);
		}
		zend_string_release(user_id);
	} ZEND_HASH_FOREACH_END();
}

/* One dialog row as the API row `item`, with its members and last message looked up. */
static void ec_dialog_item(const ec_actor *actor, zval *row, HashTable *member_ids, HashTable *member_names,
	zval *messages, zval *item)
{
	zval *ids, *message;
	zend_string *id = Z_STR_P(EC_COL(row, EC_D_ID)), *name = ec_val_str(EC_COL(row, EC_D_NAME));
	zend_string *type = ec_val_str(EC_COL(row, EC_D_TYPE));
	bool direct = type && zend_string_equals_literal(type, "Direct");
	bool member = Z_TYPE_P(EC_COL(row, EC_DU_ID)) != IS_NULL;
	zend_long unread = member ? ec_val_long(EC_COL(row, EC_D_MESSAGE_COUNT)) - ec_val_long(EC_COL(row, EC_DU_READ_COUNT)) : 0;
	zval *last = EC_COL(row, EC_D_LAST_ID);

	if (type) {
		zend_string_release(type);
	}
	if ((!name || ZSTR_LEN(name) == 0) && direct) {
		/* A direct dialog is called after the other member. */
		zend_string *other = ec_direct_other(row, actor->id);
		zval *other_name = other ? zend_hash_find(member_names, other) : NULL;
		if (name) {
			zend_string_release(name);
		}
		name = other_name ? zend_string_copy(Z_STR_P(other_name)) : NULL;
		if (other) {
			zend_string_release(other);
		}
	}
	array_init_size(item, 13);
	add_assoc_str(item, "id", zend_string_copy(id));
	if (name) {
		add_assoc_str(item, "name", name);
	} else {
		add_assoc_null(item, "name");
	}
	add_assoc_string(item, "type", direct ? "direct" : "group");
	ec_add_str_or_null(item, "parentType", EC_COL(row, EC_D_PARENT_TYPE));
	ec_add_str_or_null(item, "parentId", EC_COL(row, EC_D_PARENT_ID));
	ids = zend_hash_find(member_ids, id);
	if (ids) {
		Z_ADDREF_P(ids);
		add_assoc_zval(item, "memberIds", ids);
	} else {
		zval empty;
		array_init(&empty);
		add_assoc_zval(item, "memberIds", &empty);
	}
	add_assoc_long(item, "unread", unread > 0 ? unread : 0);
	add_assoc_long(item, "mentions", member ? ec_val_long(EC_COL(row, EC_DU_MENTIONS)) : 0);
	add_assoc_bool(item, "muted", member && ec_val_bool(EC_COL(row, EC_DU_MUTED)));
	message = last && Z_TYPE_P(last) == IS_STRING ? zend_hash_find(Z_ARRVAL_P(messages), Z_STR_P(last)) : NULL;
	if (message) {
		Z_ADDREF_P(message);
		add_assoc_zval(item, "lastMessage", message);
	} else {
		add_assoc_null(item, "lastMessage");
	}
	ec_add_str_or_null(item, "lastMessageAt", EC_COL(row, EC_D_LAST_AT));
	ec_add_str_or_null(item, "createdAt", EC_COL(row, EC_D_CREATED_AT));
	ec_add_str_or_null(item, "createdById", EC_COL(row, EC_D_CREATED_BY));
}

int ec_dialogs_by_last_number_desc(Bucket *a, Bucket *b)
{
	zend_long x = ec_val_long(EC_COL(&a->val, EC_D_LAST_NUMBER)), y = ec_val_long(EC_COL(&b->val, EC_D_LAST_NUMBER));
	return x < y ? 1 : (x > y ? -1 : 0);
}

/* The live memberships of the dialogs of `rows` and the last messages they point to. */
static zend_result ec_dialogs_load_extras(ec_db *db, zval *rows, zval *members, zval *messages)
{
	uint32_t n = zend_hash_num_elements(Z_ARRVAL_P(rows)), i = 0, m = 0;
	zval *row, *params = safe_emalloc(n, sizeof(zval), 0);
	zend_string **last_ids = safe_emalloc(n, sizeof(zend_string *), 0);
	char head[256];
	zend_result status;

	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(rows), row) {
		zval *last = EC_COL(row, EC_D_LAST_ID);
		ZVAL_COPY_VALUE(&params[i++], EC_COL(row, EC_D_ID));
		if (last && Z_TYPE_P(last) == IS_STRING) {
			last_ids[m++] = Z_STR_P(last);
		}
	} ZEND_HASH_FOREACH_END();
	/* By the dialog_id index: ordered by id, MySQL/MariaDB may walk every membership instead. */
	snprintf(head, sizeof(head), "SELECT du.dialog_id, du.user_id, u.first_name, u.last_name, u.user_name FROM dialog_user du%s "
		"LEFT JOIN `user` u ON u.id = du.user_id WHERE du.deleted = FALSE AND du.dialog_id IN (", ec_sql_by_dialog_index(db));
	status = ec_db_run_in(db, head, NULL, 0, params, n, ") ORDER BY du.id", members, NULL);
	efree(params);
	array_init(messages);
	if (status == SUCCESS && m && ec_messages_by_ids(db, last_ids, m, messages) == FAILURE) {
		zval_ptr_dtor(members);
		status = FAILURE;
	}
	efree(last_ids);
	return status;
}

zend_result ec_dialogs_render(ec_db *db, const ec_actor *actor, zval *rows, zval *out)
{
	zval *row, members, messages;
	HashTable member_ids, member_names; /* dialog id => list of ids; user id => display name */

	if (zend_hash_num_elements(Z_ARRVAL_P(rows)) == 0) {
		return SUCCESS;
	}
	if (ec_dialogs_load_extras(db, rows, &members, &messages) == FAILURE) {
		zval_ptr_dtor(&messages);
		return FAILURE;
	}
	zend_hash_init(&member_ids, zend_hash_num_elements(Z_ARRVAL_P(rows)), NULL, ZVAL_PTR_DTOR, 0);
	zend_hash_init(&member_names, 16, NULL, ZVAL_PTR_DTOR, 0);
	ec_member_index(&members, &member_ids, &member_names);
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(rows), row) {
		zval item;
		ec_dialog_item(actor, row, &member_ids, &member_names, &messages, &item);
		add_next_index_zval(out, &item);
	} ZEND_HASH_FOREACH_END();
	zend_hash_destroy(&member_ids);
	zend_hash_destroy(&member_names);
	zval_ptr_dtor(&members);
	zval_ptr_dtor(&messages);
	return SUCCESS;
}
