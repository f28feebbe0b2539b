/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* schema: ebla_chat_schema(). Creates the chat tables (dialog, dialog_user), adds
 * their missing columns to tables an EspoCRM module already made, and with EC_SCHEMA_CORE the
 * EspoCRM-shaped core tables (user, team, roles, note, attachment, ...) for SQLite/standalone use
 * and tests. Column types follow EspoCRM's converters per platform; idempotent. */
#ifndef EC_SCHEMA_H
#define EC_SCHEMA_H

#define EC_SCHEMA_CORE 1

#include "db.h"

/* Throws EblaChat\SchemaException unless dialog.direct_key has a unique index (the one guarantee
 * that a direct dialog exists once per pair). Run by dialog_open when it has just inserted a
 * direct dialog, so once per new pair: a missing index fails loudly instead of duplicating. */
zend_result ec_schema_require_direct_key_unique(ec_db *db);

#endif
