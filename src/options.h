/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* options: the `$options` arrays of the API. Unknown keys and values of the wrong kind are a
 * BadRequest naming the key; numbers may come as numeric strings (HTTP parameters do). */
#ifndef EC_OPTIONS_H
#define EC_OPTIONS_H

#include "php.h"

/* allowed: NULL-terminated list of key names. */
zend_result ec_options_check(HashTable *opts, const char *const *allowed);
zend_result ec_option_long(HashTable *opts, const char *key, zend_long def, zend_long min, zend_long max, zend_long *out);
zend_result ec_option_bool(HashTable *opts, const char *key, bool def, bool *out);
/* *out = borrowed string, or NULL when absent or null. */
zend_result ec_option_string(HashTable *opts, const char *key, zend_string **out);
/* Like ec_option_string, and the value must be a valid id. */
zend_result ec_option_id(HashTable *opts, const char *key, zend_string **out);
/* *out = borrowed array, or NULL when absent. */
zend_result ec_option_array(HashTable *opts, const char *key, HashTable **out);

/* Copies a PHP list of ids into a fresh array of zend_string* (validated, duplicates dropped in
 * linear time). A list of more than `max` elements (counted as given, duplicates included) is a
 * BadRequest before anything else is done. *out is emalloc'ed (free with ec_ids_free). */
zend_result ec_id_list(HashTable *list, const char *what, uint32_t max, zend_string ***out, uint32_t *count);

/* The most user ids one call takes (memberIds of dialog_open, add and remove of
 * dialog_members); the attachments of a post are limited by ebla_chat.max_attachments. */
#define EC_MEMBER_IDS_MAX 1000
/* The most distinct @names of one message looked up as mentions; further ones stay plain text. */
#define EC_MENTIONS_MAX 100
void ec_ids_free(zend_string **ids, uint32_t count);

/* Fast ZPP prologue of the (PDO $pdo, string $actorId, array $options = []) functions; expects
 * locals zpdo, actor_id and opts (needs ext/pdo/php_pdo_driver.h). */
#define EC_PARSE_ACTOR_OPTIONS() \
	ZEND_PARSE_PARAMETERS_START(2, 3) \
		Z_PARAM_OBJECT_OF_CLASS(zpdo, php_pdo_get_dbh_ce()) \
		Z_PARAM_STR(actor_id) \
		Z_PARAM_OPTIONAL \
		Z_PARAM_ARRAY_HT(opts) \
	ZEND_PARSE_PARAMETERS_END()

#endif
