/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* fanout_api: the PHP functions of the real-time fan-out: ebla_chat_fanout_status() (fanout.c's
 * state and counters, plus what waits for a caller's commit in fanout_tx.c),
 * ebla_chat_fanout_channel() and ebla_chat_fanout_send() (EspoCRM's own WebSocket submissions,
 * published now or after the caller's commit). */
#include "php.h"
#include "zend_interfaces.h"
#include "ext/json/php_json.h"
#include "ext/pdo/php_pdo.h"
#include "ext/pdo/php_pdo_driver.h"
#include "php_ebla_chat.h"
#include "fanout.h"
#include "fanout_tx.h"
#include "errors.h"

ZEND_FUNCTION(ebla_chat_fanout_status)
{
	ZEND_PARSE_PARAMETERS_NONE();
	ec_fanout_status(return_value, ec_fanout_tx_pending());
}

ZEND_FUNCTION(ebla_chat_fanout_channel)
{
	zend_string *user_id = NULL, *topic_id = NULL;
	smart_str out = {0};

	ZEND_PARSE_PARAMETERS_START(0, 2)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(user_id)
		Z_PARAM_STR_OR_NULL(topic_id)
	ZEND_PARSE_PARAMETERS_END();

	if (EC_G(redis_sharded) && !user_id && !topic_id) {
		zend_argument_value_error(1, "or argument #2 ($topicId) must be given in the sharded layout");
		RETURN_THROWS();
	}
	ec_fanout_channel(&out, topic_id ? topic_id : ZSTR_EMPTY_ALLOC(), user_id);
	RETURN_STR(smart_str_extract(&out));
}

/* Reads topicId and userId out of a Submission message: the sharded layout routes by them. */
static zend_result ec_send_parse(zend_string *message, zend_string **topic, zend_string **user_id)
{
	zval decoded, *ztopic, *zuser;

	const char *p = ZSTR_VAL(message);

	*topic = *user_id = NULL;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
		p++;
	}
	ZVAL_UNDEF(&decoded);
	if (*p != '{' || php_json_decode_ex(&decoded, ZSTR_VAL(message), ZSTR_LEN(message), PHP_JSON_OBJECT_AS_ARRAY, 64) == FAILURE
		|| Z_TYPE(decoded) != IS_ARRAY) {
		zval_ptr_dtor(&decoded);
		return ec_bad_request("The message must be a JSON object as EspoCRM's WebSocket Submission builds it");
	}
	ztopic = zend_hash_str_find(Z_ARRVAL(decoded), "topicId", sizeof("topicId") - 1);
	zuser = zend_hash_str_find(Z_ARRVAL(decoded), "userId", sizeof("userId") - 1);
	if (!ztopic || Z_TYPE_P(ztopic) != IS_STRING || Z_STRLEN_P(ztopic) == 0
		|| (zuser && Z_TYPE_P(zuser) != IS_STRING && Z_TYPE_P(zuser) != IS_NULL)) {
		zval_ptr_dtor(&decoded);
		return ec_bad_request("The message needs a string \"topicId\" (and \"userId\", when present, must be a string)");
	}
	*topic = zend_string_copy(Z_STR_P(ztopic));
	*user_id = zuser && Z_TYPE_P(zuser) == IS_STRING ? zend_string_copy(Z_STR_P(zuser)) : NULL;
	zval_ptr_dtor(&decoded);
	return SUCCESS;
}

static bool ec_pdo_in_transaction(zend_object *pdo)
{
	zval result;
	bool in_tx;

	zend_call_method_with_0_params(pdo, pdo->ce, NULL, "intransaction", &result);
	in_tx = Z_TYPE(result) == IS_TRUE;
	zval_ptr_dtor(&result);
	return in_tx;
}

ZEND_FUNCTION(ebla_chat_fanout_send)
{
	zend_string *message, *topic, *user_id;
	zend_object *pdo = NULL;
	ec_events ev;
	uint64_t before;

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_STR(message)
		Z_PARAM_OPTIONAL
		Z_PARAM_OBJ_OF_CLASS_OR_NULL(pdo, php_pdo_get_dbh_ce())
	ZEND_PARSE_PARAMETERS_END();

	if (ec_send_parse(message, &topic, &user_id) == FAILURE) {
		RETURN_THROWS();
	}
	ec_events_init(&ev);
	ec_events_add_raw(&ev, topic, user_id, ZSTR_VAL(message), ZSTR_LEN(message));
	zend_string_release(topic);
	if (user_id) {
		zend_string_release(user_id);
	}
	if (!ec_fanout_enabled()) {
		ec_events_free(&ev);
		RETURN_FALSE;
	}
	if (pdo && ec_pdo_in_transaction(pdo)) {
		if (EG(exception)) {
			ec_events_free(&ev);
			RETURN_THROWS();
		}
		ec_fanout_defer(pdo, &ev);
		RETURN_TRUE;
	}
	if (EG(exception)) {
		ec_events_free(&ev);
		RETURN_THROWS();
	}
	before = ec_fanout_published();
	ec_fanout_publish(&ev);
	RETURN_BOOL(ec_fanout_published() > before);
}

