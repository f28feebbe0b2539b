/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* ebla_chat: module lifecycle, INI entries, globals and dependencies. Everything the extension
 * does lives in src/, one file per area (see README "Source map"). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <hiredis/hiredis.h>
#include <uuid/uuid.h>
#include "php.h"
#include "php_ini.h"
#include "ext/standard/info.h"
#include "ext/pdo/php_pdo.h"
#include "zend_exceptions.h"
#include "ext/spl/spl_exceptions.h"
#include "php_ebla_chat.h"
#include "src/errors.h"
#include "src/schema.h"
#include "src/db.h"
#include "src/acl.h"
#include "src/fanout.h"
#include "src/fanout_tx.h"
#include "src/conn.h"
#include "stubs/ebla_chat_arginfo.h"

ZEND_DECLARE_MODULE_GLOBALS(ebla_chat)

PHP_INI_BEGIN()
	STD_PHP_INI_ENTRY("ebla_chat.redis_url", "", PHP_INI_ALL, OnUpdateString, redis_url, zend_ebla_chat_globals, ebla_chat_globals)
	STD_PHP_INI_ENTRY("ebla_chat.redis_prefix", "", PHP_INI_ALL, OnUpdateString, redis_prefix, zend_ebla_chat_globals, ebla_chat_globals)
	STD_PHP_INI_ENTRY("ebla_chat.redis_timeout", "0.5", PHP_INI_ALL, OnUpdateReal, redis_timeout, zend_ebla_chat_globals, ebla_chat_globals)
	STD_PHP_INI_ENTRY("ebla_chat.redis_retry_interval", "5", PHP_INI_ALL, OnUpdateReal, redis_retry_interval, zend_ebla_chat_globals, ebla_chat_globals)
	STD_PHP_INI_BOOLEAN("ebla_chat.redis_sharded", "0", PHP_INI_ALL, OnUpdateBool, redis_sharded, zend_ebla_chat_globals, ebla_chat_globals)
	STD_PHP_INI_ENTRY("ebla_chat.id_type", "id", PHP_INI_ALL, OnUpdateString, id_type, zend_ebla_chat_globals, ebla_chat_globals)
	STD_PHP_INI_ENTRY("ebla_chat.max_message_length", "65535", PHP_INI_ALL, OnUpdateLong, max_message_length, zend_ebla_chat_globals, ebla_chat_globals)
	STD_PHP_INI_ENTRY("ebla_chat.max_attachments", "20", PHP_INI_ALL, OnUpdateLong, max_attachments, zend_ebla_chat_globals, ebla_chat_globals)
	STD_PHP_INI_BOOLEAN("ebla_chat.portal_enabled", "1", PHP_INI_ALL, OnUpdateBool, portal_enabled, zend_ebla_chat_globals, ebla_chat_globals)
	STD_PHP_INI_ENTRY("ebla_chat.baseline_role_id", "", PHP_INI_ALL, OnUpdateString, baseline_role_id, zend_ebla_chat_globals, ebla_chat_globals)
PHP_INI_END()

static PHP_GINIT_FUNCTION(ebla_chat)
{
#if defined(COMPILE_DL_EBLA_CHAT) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	memset(ebla_chat_globals, 0, sizeof(*ebla_chat_globals));
	ec_fanout_ginit(ebla_chat_globals);
}

/* Each thread's Redis connections and slot map (the process's, without threads). */
static PHP_GSHUTDOWN_FUNCTION(ebla_chat)
{
	ec_fanout_gshutdown(ebla_chat_globals);
}

static PHP_MINIT_FUNCTION(ebla_chat)
{
	REGISTER_INI_ENTRIES();
	register_ebla_chat_symbols(module_number);

	ec_exception_ce = register_class_EblaChat_Exception();
	ec_not_found_ce = register_class_EblaChat_NotFoundException(spl_ce_RuntimeException, ec_exception_ce);
	ec_forbidden_ce = register_class_EblaChat_ForbiddenException(spl_ce_RuntimeException, ec_exception_ce);
	ec_bad_request_ce = register_class_EblaChat_BadRequestException(spl_ce_InvalidArgumentException, ec_exception_ce);
	ec_connection_ce = register_class_EblaChat_ConnectionException(spl_ce_RuntimeException, ec_exception_ce);
	ec_schema_ce = register_class_EblaChat_SchemaException(spl_ce_RuntimeException, ec_exception_ce);

	ec_conn_minit();
	ec_fanout_tx_minit();
	return SUCCESS;
}

static PHP_MSHUTDOWN_FUNCTION(ebla_chat)
{
	ec_fanout_tx_mshutdown();
	UNREGISTER_INI_ENTRIES();
	return SUCCESS;
}

static PHP_RSHUTDOWN_FUNCTION(ebla_chat)
{
	ec_fanout_tx_rshutdown();
	ec_db_request_shutdown();
	return SUCCESS;
}

static PHP_MINFO_FUNCTION(ebla_chat)
{
	char hiredis_version[32];

	snprintf(hiredis_version, sizeof(hiredis_version), "%d.%d.%d", HIREDIS_MAJOR, HIREDIS_MINOR, HIREDIS_PATCH);
	php_info_print_table_start();
	php_info_print_table_row(2, "ebla_chat support", "enabled");
	php_info_print_table_row(2, "Version", PHP_EBLA_CHAT_VERSION);
	php_info_print_table_row(2, "hiredis version", hiredis_version);
#ifdef EBLA_CHAT_UUID_VERSION
	php_info_print_table_row(2, "libuuid version", EBLA_CHAT_UUID_VERSION);
#else
	php_info_print_table_row(2, "libuuid version", "unknown (built with --with-uuid=DIR)");
#endif
	php_info_print_table_row(2, "Databases", "mysql, pgsql, sqlite (through PDO)");
	php_info_print_table_end();
	ec_fanout_minfo();
	DISPLAY_INI_ENTRIES();
}

ZEND_FUNCTION(ebla_chat_version)
{
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_STRING(PHP_EBLA_CHAT_VERSION);
}

static const zend_module_dep ebla_chat_deps[] = {
	ZEND_MOD_REQUIRED("pdo")
	ZEND_MOD_REQUIRED("json")
	ZEND_MOD_REQUIRED("spl")
	ZEND_MOD_END
};

zend_module_entry ebla_chat_module_entry = {
	STANDARD_MODULE_HEADER_EX, NULL,
	ebla_chat_deps,
	"ebla_chat",
	ext_functions,
	PHP_MINIT(ebla_chat),
	PHP_MSHUTDOWN(ebla_chat),
	NULL,
	PHP_RSHUTDOWN(ebla_chat),
	PHP_MINFO(ebla_chat),
	PHP_EBLA_CHAT_VERSION,
	PHP_MODULE_GLOBALS(ebla_chat),
	PHP_GINIT(ebla_chat),
	PHP_GSHUTDOWN(ebla_chat),
	NULL,
	STANDARD_MODULE_PROPERTIES_EX
};

#ifdef COMPILE_DL_EBLA_CHAT
#ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
#endif
ZEND_GET_MODULE(ebla_chat)
#endif
