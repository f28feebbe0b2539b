/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: b08a510fb8b6375c4f53d5944e0f02164dffee67 */

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_version, 0, 0, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_ebla_chat_generate_id arginfo_ebla_chat_version

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_schema, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_OBJ_INFO(0, pdo, PDO, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, flags, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_dialog_open, 0, 3, IS_ARRAY, 0)
	ZEND_ARG_OBJ_INFO(0, pdo, PDO, 0)
	ZEND_ARG_TYPE_INFO(0, actorId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, memberIds, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_dialog_get, 0, 3, IS_ARRAY, 0)
	ZEND_ARG_OBJ_INFO(0, pdo, PDO, 0)
	ZEND_ARG_TYPE_INFO(0, actorId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, dialogId, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_dialog_list, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_OBJ_INFO(0, pdo, PDO, 0)
	ZEND_ARG_TYPE_INFO(0, actorId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_dialog_members, 0, 3, IS_ARRAY, 0)
	ZEND_ARG_OBJ_INFO(0, pdo, PDO, 0)
	ZEND_ARG_TYPE_INFO(0, actorId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, dialogId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, add, IS_ARRAY, 0, "[]")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, remove, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_post, 0, 4, IS_ARRAY, 0)
	ZEND_ARG_OBJ_INFO(0, pdo, PDO, 0)
	ZEND_ARG_TYPE_INFO(0, actorId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, dialogId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, text, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, attachmentIds, IS_ARRAY, 0, "[]")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_messages, 0, 3, IS_ARRAY, 0)
	ZEND_ARG_OBJ_INFO(0, pdo, PDO, 0)
	ZEND_ARG_TYPE_INFO(0, actorId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, dialogId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_message_edit, 0, 4, IS_ARRAY, 0)
	ZEND_ARG_OBJ_INFO(0, pdo, PDO, 0)
	ZEND_ARG_TYPE_INFO(0, actorId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, messageId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, text, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_message_delete, 0, 3, IS_VOID, 0)
	ZEND_ARG_OBJ_INFO(0, pdo, PDO, 0)
	ZEND_ARG_TYPE_INFO(0, actorId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, messageId, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_unread, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_OBJ_INFO(0, pdo, PDO, 0)
	ZEND_ARG_TYPE_INFO(0, actorId, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_mark_read, 0, 3, IS_LONG, 0)
	ZEND_ARG_OBJ_INFO(0, pdo, PDO, 0)
	ZEND_ARG_TYPE_INFO(0, actorId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, dialogId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, upToNumber, IS_LONG, 1, "null")
ZEND_END_ARG_INFO()

#define arginfo_ebla_chat_popups arginfo_ebla_chat_dialog_list

#define arginfo_ebla_chat_poll arginfo_ebla_chat_dialog_list

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_dialog_mute, 0, 4, IS_VOID, 0)
	ZEND_ARG_OBJ_INFO(0, pdo, PDO, 0)
	ZEND_ARG_TYPE_INFO(0, actorId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, dialogId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, muted, _IS_BOOL, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_can_chat, 0, 3, _IS_BOOL, 0)
	ZEND_ARG_OBJ_INFO(0, pdo, PDO, 0)
	ZEND_ARG_TYPE_INFO(0, actorId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, otherUserId, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

#define arginfo_ebla_chat_partners arginfo_ebla_chat_dialog_list

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_fanout_status, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_fanout_channel, 0, 0, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, userId, IS_STRING, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, topicId, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_fanout_send, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, message, IS_STRING, 0)
	ZEND_ARG_OBJ_INFO_WITH_DEFAULT_VALUE(0, pdo, PDO, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ebla_chat_subscribe, 0, 2, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, channels, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, onEvent, IS_CALLABLE, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, timeout, IS_DOUBLE, 0, "0.0")
ZEND_END_ARG_INFO()


ZEND_FUNCTION(ebla_chat_version);
ZEND_FUNCTION(ebla_chat_generate_id);
ZEND_FUNCTION(ebla_chat_schema);
ZEND_FUNCTION(ebla_chat_dialog_open);
ZEND_FUNCTION(ebla_chat_dialog_get);
ZEND_FUNCTION(ebla_chat_dialog_list);
ZEND_FUNCTION(ebla_chat_dialog_members);
ZEND_FUNCTION(ebla_chat_post);
ZEND_FUNCTION(ebla_chat_messages);
ZEND_FUNCTION(ebla_chat_message_edit);
ZEND_FUNCTION(ebla_chat_message_delete);
ZEND_FUNCTION(ebla_chat_unread);
ZEND_FUNCTION(ebla_chat_mark_read);
ZEND_FUNCTION(ebla_chat_popups);
ZEND_FUNCTION(ebla_chat_poll);
ZEND_FUNCTION(ebla_chat_dialog_mute);
ZEND_FUNCTION(ebla_chat_can_chat);
ZEND_FUNCTION(ebla_chat_partners);
ZEND_FUNCTION(ebla_chat_fanout_status);
ZEND_FUNCTION(ebla_chat_fanout_channel);
ZEND_FUNCTION(ebla_chat_fanout_send);
ZEND_FUNCTION(ebla_chat_subscribe);


static const zend_function_entry ext_functions[] = {
	ZEND_FE(ebla_chat_version, arginfo_ebla_chat_version)
	ZEND_FE(ebla_chat_generate_id, arginfo_ebla_chat_generate_id)
	ZEND_FE(ebla_chat_schema, arginfo_ebla_chat_schema)
	ZEND_FE(ebla_chat_dialog_open, arginfo_ebla_chat_dialog_open)
	ZEND_FE(ebla_chat_dialog_get, arginfo_ebla_chat_dialog_get)
	ZEND_FE(ebla_chat_dialog_list, arginfo_ebla_chat_dialog_list)
	ZEND_FE(ebla_chat_dialog_members, arginfo_ebla_chat_dialog_members)
	ZEND_FE(ebla_chat_post, arginfo_ebla_chat_post)
	ZEND_FE(ebla_chat_messages, arginfo_ebla_chat_messages)
	ZEND_FE(ebla_chat_message_edit, arginfo_ebla_chat_message_edit)
	ZEND_FE(ebla_chat_message_delete, arginfo_ebla_chat_message_delete)
	ZEND_FE(ebla_chat_unread, arginfo_ebla_chat_unread)
	ZEND_FE(ebla_chat_mark_read, arginfo_ebla_chat_mark_read)
	ZEND_FE(ebla_chat_popups, arginfo_ebla_chat_popups)
	ZEND_FE(ebla_chat_poll, arginfo_ebla_chat_poll)
	ZEND_FE(ebla_chat_dialog_mute, arginfo_ebla_chat_dialog_mute)
	ZEND_FE(ebla_chat_can_chat, arginfo_ebla_chat_can_chat)
	ZEND_FE(ebla_chat_partners, arginfo_ebla_chat_partners)
	ZEND_FE(ebla_chat_fanout_status, arginfo_ebla_chat_fanout_status)
	ZEND_FE(ebla_chat_fanout_channel, arginfo_ebla_chat_fanout_channel)
	ZEND_FE(ebla_chat_fanout_send, arginfo_ebla_chat_fanout_send)
	ZEND_FE(ebla_chat_subscribe, arginfo_ebla_chat_subscribe)
	ZEND_FE_END
};


static const zend_function_entry class_EblaChat_Exception_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_EblaChat_NotFoundException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_EblaChat_ForbiddenException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_EblaChat_BadRequestException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_EblaChat_ConnectionException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_EblaChat_SchemaException_methods[] = {
	ZEND_FE_END
};

static void register_ebla_chat_symbols(int module_number)
{
	REGISTER_LONG_CONSTANT("EBLA_CHAT_SCHEMA_CORE", EC_SCHEMA_CORE, CONST_PERSISTENT);
}

static zend_class_entry *register_class_EblaChat_Exception(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "EblaChat", "Exception", class_EblaChat_Exception_methods);
	class_entry = zend_register_internal_interface(&ce);

	return class_entry;
}

static zend_class_entry *register_class_EblaChat_NotFoundException(zend_class_entry *class_entry_RuntimeException, zend_class_entry *class_entry_EblaChat_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "EblaChat", "NotFoundException", class_EblaChat_NotFoundException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_RuntimeException);
	zend_class_implements(class_entry, 1, class_entry_EblaChat_Exception);

	return class_entry;
}

static zend_class_entry *register_class_EblaChat_ForbiddenException(zend_class_entry *class_entry_RuntimeException, zend_class_entry *class_entry_EblaChat_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "EblaChat", "ForbiddenException", class_EblaChat_ForbiddenException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_RuntimeException);
	zend_class_implements(class_entry, 1, class_entry_EblaChat_Exception);

	return class_entry;
}

static zend_class_entry *register_class_EblaChat_BadRequestException(zend_class_entry *class_entry_InvalidArgumentException, zend_class_entry *class_entry_EblaChat_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "EblaChat", "BadRequestException", class_EblaChat_BadRequestException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_InvalidArgumentException);
	zend_class_implements(class_entry, 1, class_entry_EblaChat_Exception);

	return class_entry;
}

static zend_class_entry *register_class_EblaChat_ConnectionException(zend_class_entry *class_entry_RuntimeException, zend_class_entry *class_entry_EblaChat_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "EblaChat", "ConnectionException", class_EblaChat_ConnectionException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_RuntimeException);
	zend_class_implements(class_entry, 1, class_entry_EblaChat_Exception);

	return class_entry;
}

static zend_class_entry *register_class_EblaChat_SchemaException(zend_class_entry *class_entry_RuntimeException, zend_class_entry *class_entry_EblaChat_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "EblaChat", "SchemaException", class_EblaChat_SchemaException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_RuntimeException);
	zend_class_implements(class_entry, 1, class_entry_EblaChat_Exception);

	return class_entry;
}
