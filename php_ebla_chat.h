/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* ebla_chat: chat engine for EspoCRM. Version, module globals and the accessor EC_G(). */
#ifndef PHP_EBLA_CHAT_H
#define PHP_EBLA_CHAT_H

#include "php.h"

extern zend_module_entry ebla_chat_module_entry;
#define phpext_ebla_chat_ptr &ebla_chat_module_entry

#define PHP_EBLA_CHAT_VERSION "0.1.0"

/* Distinct PDO handler tables the destructor hook can wrap (conn.c): PDO and its driver
 * subclasses share one; more would come only from other extensions swapping them too. */
#define EC_PDO_HOOKS_MAX 4

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
	/* Per request: what the engine keeps for each PDO object, a weak map (conn.c); the process
	 * that built it (a forked child must abandon it); the destructor hook on those objects. */
	HashTable *conns;
	zend_long conns_pid;
	uint32_t pdo_hooks;
	zend_object_handlers pdo_handlers[EC_PDO_HOOKS_MAX];
	const zend_object_handlers *pdo_handlers_orig[EC_PDO_HOOKS_MAX];
	/* Events held until the caller's own transaction commits: a weak map per PDO (fanout_tx.c). */
	HashTable *deferred_events;
	/* For the life of the process (of the thread, thread-safe builds), freed by GSHUTDOWN: the
	 * fan-out's state and counters (fanout.c), its pooled Redis connections (redis.c). */
	struct ec_fanout_state *fanout;
	struct ec_pooled *redis_pool;
	uint32_t redis_pool_count;
	uint32_t redis_pool_capacity;
	/* The last id clock handed out (ids.c): ids stay increasing within the process. */
	uint64_t last_id_clock;
ZEND_END_MODULE_GLOBALS(ebla_chat)

ZEND_EXTERN_MODULE_GLOBALS(ebla_chat)
#define EC_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(ebla_chat, v)

#if defined(ZTS) && defined(COMPILE_DL_EBLA_CHAT)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif
