/* schema: ebla_chat_schema(). Creates the chat tables of SPEC §2 (dialog, dialog_user), adds
 * their missing columns to tables an EspoCRM module already made, and with EC_SCHEMA_CORE the
 * EspoCRM-shaped core tables (user, team, roles, note, attachment, ...) for SQLite/standalone use
 * and tests. Column types follow EspoCRM's converters per platform; idempotent. */
#ifndef EC_SCHEMA_H
#define EC_SCHEMA_H

#define EC_SCHEMA_CORE 1

#endif
