/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* ids: EspoCRM record ids. Generates them (17 lowercase hex characters shaped like EspoCRM's
 * uniqid()+4 hex, time-ordered; or UUIDv4 with ebla_chat.id_type = uuid4) and tells whether a
 * string can be an EspoCRM id at all, before it ever reaches SQL. */
#ifndef EC_IDS_H
#define EC_IDS_H

#include "php.h"

#define EC_ID_MAX_LENGTH 36  /* a UUID; 17 hex on new installs */

zend_string *ec_id_generate(void);
bool ec_id_valid(const zend_string *id);
/* BadRequest naming `what` unless id is valid. */
zend_result ec_id_require(const zend_string *id, const char *what);
/* Id length for new id columns: 17, or 36 in uuid4 mode. */
int ec_id_column_length(void);

#endif
