/* ebla_chat: chat engine for EspoCRM. Version, module globals and the accessor EC_G(). */
#ifndef PHP_EBLA_CHAT_H
#define PHP_EBLA_CHAT_H

#include "php.h"

extern zend_module_entry ebla_chat_module_entry;
#define phpext_ebla_chat_ptr &ebla_chat_module_entry

#define PHP_EBLA_CHAT_VERSION "0.1.0"

ZEND_BEGIN_MODULE_GLOBALS(ebla_chat)
	/* INI */
	char     *redis_url;
	char     *redis_prefix;
	double    redis_timeout;
	double    redis_retry_interval;
	bool      redis_sharded;
	char     *id_type;
	zend_long max_message_length;
	zend_long max_attachments;
	bool      portal_enabled;
	char     *baseline_role_id;
	/* Per request: prepared statements of the PDO in use (db.c), permission cache (acl.c). */
	HashTable *statements;
	zend_object *statements_owner;
	HashTable *acl_cache;
	/* Events held until the caller's own transaction commits: a weak map per PDO (fanout_tx.c). */
	HashTable *deferred_events;
ZEND_END_MODULE_GLOBALS(ebla_chat)

ZEND_EXTERN_MODULE_GLOBALS(ebla_chat)
#define EC_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(ebla_chat, v)

#if defined(ZTS) && defined(COMPILE_DL_EBLA_CHAT)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif
