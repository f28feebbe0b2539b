/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* options: see options.h. */
#include "php.h"
#include "zend_smart_str.h"
#include "options.h"
#include "errors.h"
#include "ids.h"

zend_result ec_options_check(HashTable *opts, const char *const *allowed)
{
	zend_string *key;
	zend_ulong index;

	if (!opts) {
		return SUCCESS;
	}
	ZEND_HASH_FOREACH_KEY(opts, index, key) {
		bool known = false;
		if (!key) {
			return ec_bad_request("Unknown option at index " ZEND_ULONG_FMT ": options are named", index);
		}
		for (const char *const *name = allowed; *name; name++) {
			if (zend_string_equals_cstr(key, *name, strlen(*name))) {
				known = true;
				break;
			}
		}
		if (!known) {
			smart_str list = {0};
			for (const char *const *name = allowed; *name; name++) {
				if (list.s) {
					smart_str_appends(&list, ", ");
				}
				smart_str_appends(&list, *name);
			}
			smart_str_0(&list);
			ec_bad_request("Unknown option \"%s\"; known options: %s", ZSTR_VAL(key), list.s ? ZSTR_VAL(list.s) : "none");
			smart_str_free(&list);
			return FAILURE;
		}
	} ZEND_HASH_FOREACH_END();
	return SUCCESS;
}

static zval *ec_option(HashTable *opts, const char *key)
{
	zval *v = opts ? zend_hash_str_find(opts, key, strlen(key)) : NULL;
	if (v) {
		ZVAL_DEREF(v);
	}
	return v;
}

zend_result ec_option_long(HashTable *opts, const char *key, zend_long def, zend_long min, zend_long max, zend_long *out)
{
	zval *v = ec_option(opts, key);
	zend_long value;

	if (!v || Z_TYPE_P(v) == IS_NULL) {
		*out = def;
		return SUCCESS;
	}
	if (Z_TYPE_P(v) == IS_LONG) {
		value = Z_LVAL_P(v);
	} else if (Z_TYPE_P(v) == IS_STRING && is_numeric_string(Z_STRVAL_P(v), Z_STRLEN_P(v), &value, NULL, false) == IS_LONG) {
		/* value set */
	} else {
		return ec_bad_request("Option \"%s\" must be an integer", key);
	}
	if (value < min || value > max) {
		return ec_bad_request("Option \"%s\" must be between " ZEND_LONG_FMT " and " ZEND_LONG_FMT ", " ZEND_LONG_FMT " given",
			key, min, max, value);
	}
	*out = value;
	return SUCCESS;
}

zend_result ec_option_bool(HashTable *opts, const char *key, bool def, bool *out)
{
	zval *v = ec_option(opts, key);

	if (!v || Z_TYPE_P(v) == IS_NULL) {
		*out = def;
		return SUCCESS;
	}
	switch (Z_TYPE_P(v)) {
		case IS_TRUE: *out = true; return SUCCESS;
		case IS_FALSE: *out = false; return SUCCESS;
		case IS_LONG:
			if (Z_LVAL_P(v) == 0 || Z_LVAL_P(v) == 1) {
				*out = Z_LVAL_P(v) == 1;
				return SUCCESS;
			}
			break;
		case IS_STRING:
			if (zend_string_equals_literal(Z_STR_P(v), "1") || zend_string_equals_literal(Z_STR_P(v), "true")) {
				*out = true;
				return SUCCESS;
			}
			if (zend_string_equals_literal(Z_STR_P(v), "0") || zend_string_equals_literal(Z_STR_P(v), "false")
				|| Z_STRLEN_P(v) == 0) {
				*out = false;
				return SUCCESS;
			}
			break;
	}
	return ec_bad_request("Option \"%s\" must be a boolean", key);
}

zend_result ec_option_string(HashTable *opts, const char *key, zend_string **out)
{
	zval *v = ec_option(opts, key);

	*out = NULL;
	if (!v || Z_TYPE_P(v) == IS_NULL) {
		return SUCCESS;
	}
	if (Z_TYPE_P(v) != IS_STRING) {
		return ec_bad_request("Option \"%s\" must be a string", key);
	}
	*out = Z_STR_P(v);
	return SUCCESS;
}

zend_result ec_option_id(HashTable *opts, const char *key, zend_string **out)
{
	if (ec_option_string(opts, key, out) == FAILURE) {
		return FAILURE;
	}
	if (*out && !ec_id_valid(*out)) {
		char what[64];
		snprintf(what, sizeof(what), "Option \"%s\"", key);
		*out = NULL;
		return ec_id_require(ZSTR_EMPTY_ALLOC(), what);
	}
	return SUCCESS;
}

zend_result ec_option_array(HashTable *opts, const char *key, HashTable **out)
{
	zval *v = ec_option(opts, key);

	*out = NULL;
	if (!v || Z_TYPE_P(v) == IS_NULL) {
		return SUCCESS;
	}
	if (Z_TYPE_P(v) != IS_ARRAY) {
		return ec_bad_request("Option \"%s\" must be an array", key);
	}
	*out = Z_ARRVAL_P(v);
	return SUCCESS;
}

zend_result ec_id_list(HashTable *list, const char *what, uint32_t max, zend_string ***out, uint32_t *count)
{
	uint32_t given = zend_hash_num_elements(list), n = 0;
	zend_string **ids;
	HashTable seen;
	zval *v;

	/* The size first: nothing below may grow with a list longer than its limit. */
	if (given > max) {
		return ec_bad_request("%s holds %u ids, more than the limit of %u", what, given, max);
	}
	ids = safe_emalloc(given + 1, sizeof(zend_string *), 0);
	zend_hash_init(&seen, given, NULL, NULL, 0);
	ZEND_HASH_FOREACH_VAL(list, v) {
		ZVAL_DEREF(v);
		if (Z_TYPE_P(v) != IS_STRING || !ec_id_valid(Z_STR_P(v))) {
			zend_hash_destroy(&seen);
			ec_ids_free(ids, n);
			return ec_id_require(ZSTR_EMPTY_ALLOC(), what);
		}
		/* Duplicates are dropped, in linear time. */
		if (zend_hash_add_empty_element(&seen, Z_STR_P(v))) {
			ids[n++] = zend_string_copy(Z_STR_P(v));
		}
	} ZEND_HASH_FOREACH_END();
	zend_hash_destroy(&seen);
	*out = ids;
	*count = n;
	return SUCCESS;
}

void ec_ids_free(zend_string **ids, uint32_t count)
{
	if (!ids) {
		return;
	}
	for (uint32_t i = 0; i < count; i++) {
		zend_string_release(ids[i]);
	}
	efree(ids);
}
