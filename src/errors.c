/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* errors: see errors.h. The class entries are registered by MINIT from the stub. */
#include "errors.h"
#include "zend_exceptions.h"

zend_class_entry *ec_exception_ce;
zend_class_entry *ec_not_found_ce;
zend_class_entry *ec_forbidden_ce;
zend_class_entry *ec_bad_request_ce;
zend_class_entry *ec_connection_ce;
zend_class_entry *ec_schema_ce;

zend_result ec_throw(zend_class_entry *ce, const char *fmt, ...)
{
	va_list args;
	char *message;

	va_start(args, fmt);
	zend_vspprintf(&message, 0, fmt, args);
	va_end(args);
	zend_throw_exception(ce, message, 0);
	efree(message);
	return FAILURE;
}
