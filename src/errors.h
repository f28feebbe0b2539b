/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* errors: the exception classes and the helpers that raise them.
 * Every failure inside the extension ends up as one of these, or as the caller's
 * own PDOException (see db.h), never as a warning. */
#ifndef EC_ERRORS_H
#define EC_ERRORS_H

#include "php.h"

extern zend_class_entry *ec_exception_ce;      /* EblaChat\Exception (marker interface) */
extern zend_class_entry *ec_not_found_ce;      /* EblaChat\NotFoundException */
extern zend_class_entry *ec_forbidden_ce;      /* EblaChat\ForbiddenException */
extern zend_class_entry *ec_bad_request_ce;    /* EblaChat\BadRequestException */
extern zend_class_entry *ec_connection_ce;     /* EblaChat\ConnectionException */
extern zend_class_entry *ec_schema_ce;         /* EblaChat\SchemaException */

/* Throws ce with a printf-style message; always returns FAILURE so callers can `return ec_throw(...)`. */
zend_result ec_throw(zend_class_entry *ce, const char *fmt, ...) ZEND_ATTRIBUTE_FORMAT(printf, 2, 3);

#define ec_not_found(...)   ec_throw(ec_not_found_ce, __VA_ARGS__)
#define ec_forbidden(...)   ec_throw(ec_forbidden_ce, __VA_ARGS__)
#define ec_bad_request(...) ec_throw(ec_bad_request_ce, __VA_ARGS__)

#endif
