/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* text: message text rules and JSON output. UTF-8 validation (invalid sequences and NUL bytes
 * are refused on every database alike), @mention extraction with EspoCRM's pattern, JSON string
 * escaping as EspoCRM writes it (unescaped unicode), and user display names. */
#ifndef EC_TEXT_H
#define EC_TEXT_H

#include "php.h"
#include "zend_smart_str.h"

/* BadRequest naming `what` unless s is valid UTF-8 without NUL bytes. */
zend_result ec_text_require_utf8(const zend_string *s, const char *what);

/* Adds to `names` (a set: key = userName, value = null) every @userName in text. */
void ec_text_mentions(const zend_string *text, HashTable *names);

/* Appends s as a JSON string ("..." with escapes, unicode unescaped). NULL appends null. */
void ec_json_str(smart_str *out, const zend_string *s);
void ec_json_cstr(smart_str *out, const char *s, size_t len);

/* EspoCRM's display name (personNameFormat firstLast): "First Last", else the user name. */
zend_string *ec_display_name(zval *first, zval *last, zval *user_name);

/* UTC now as "Y-m-d H:i:s" (never the database's NOW(): EspoCRM sessions are not UTC). */
zend_string *ec_now_utc(void);

#endif
