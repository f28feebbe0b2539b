/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* subscribe: ebla_chat_subscribe(), the blocking subscriber of a bridge process (EspoCRM's
 * WebSocket daemon, examples/redis-bridge.php) and of the tests.
 *
 * It opens its own connections (never the persistent publishing one: a subscribed connection
 * cannot publish), SUBSCRIBEs in the single layout, or SSUBSCRIBEs each channel on the cluster
 * master owning its slot in the sharded layout, then waits on all of them with poll() and hands
 * every message to the callback. $timeout is a total time limit for the whole call (0: none),
 * which is what a test or a periodic timer on an event loop wants to reason about. */
#include <poll.h>
#include <math.h>
#include "php.h"
#include "zend_exceptions.h"
#include "php_ebla_chat.h"
#include "fanout.h"
#include "redis.h"
#include "errors.h"

typedef struct {
	redisContext **conns;
	uint32_t count;
	ec_redis_target target;
	bool sharded;
} ec_sub;

static void ec_sub_close(ec_sub *s)
{
	for (uint32_t i = 0; i < s->count; i++) {
		redisFree(s->conns[i]);
	}
	if (s->conns) {
		efree(s->conns);
	}
	ec_redis_target_free(&s->target);
	memset(s, 0, sizeof(*s));
}

static redisContext *ec_sub_add(ec_sub *s, const char *host, int port)
{
	char err[EC_REDIS_ERRLEN];
	redisContext *c = ec_redis_connect(&s->target, host, port, EC_G(redis_timeout), err, sizeof(err));

	if (!c) {
		ec_throw(ec_connection_ce, "%s", err);
		return NULL;
	}
	s->conns = safe_erealloc(s->conns, s->count + 1, sizeof(*s->conns), 0);
	s->conns[s->count++] = c;
	return c;
}

static void ec_sub_append(redisContext *c, const char *command, zend_string **channels, uint32_t n)
{
	const char **argv = safe_emalloc(n + 1, sizeof(*argv), 0);
	size_t *lens = safe_emalloc(n + 1, sizeof(*lens), 0);

	argv[0] = command;
	lens[0] = strlen(command);
	for (uint32_t i = 0; i < n; i++) {
		argv[i + 1] = ZSTR_VAL(channels[i]);
		lens[i + 1] = ZSTR_LEN(channels[i]);
	}
	redisAppendCommandArgv(c, (int) n + 1, argv, lens);
	efree(argv);
	efree(lens);
}

/* Sharded layout on a cluster: one connection per master that owns one of the channels. */
static zend_result ec_sub_open_cluster(ec_sub *s, zend_string **channels, uint32_t n)
{
	char err[EC_REDIS_ERRLEN];
	ec_redis_slots map;
	redisContext *seed = ec_redis_connect(&s->target, s->target.host, s->target.port, EC_G(redis_timeout), err, sizeof(err));
	redisContext **by_node;

	if (!seed) {
		return ec_throw(ec_connection_ce, "%s", err);
	}
	if (ec_redis_slots_load(seed, s->target.host, s->target.port, &map, false, err, sizeof(err)) == FAILURE) {
		redisFree(seed);
		return ec_throw(ec_connection_ce, "Redis at %s:%d: %s", s->target.host, s->target.port, err);
	}
	redisFree(seed);
	by_node = ecalloc(map.count, sizeof(*by_node));
	for (uint32_t i = 0; i < n; i++) {
		uint16_t node = map.owner[ec_redis_slot(ZSTR_VAL(channels[i]), ZSTR_LEN(channels[i]))];
		if (node == EC_REDIS_NO_NODE) {
			ec_throw(ec_connection_ce, "No Redis Cluster node serves the slot of channel %s", ZSTR_VAL(channels[i]));
			break;
		}
		if (!by_node[node] && !(by_node[node] = ec_sub_add(s, map.nodes[node].host, map.nodes[node].port))) {
			break;
		}
		/* One SSUBSCRIBE per channel: channels of different slots may not share one. */
		ec_sub_append(by_node[node], "SSUBSCRIBE", &channels[i], 1);
	}
	efree(by_node);
	ec_redis_slots_free(&map);
	return EG(exception) ? FAILURE : SUCCESS;
}

static zend_result ec_sub_open(ec_sub *s, zend_string **channels, uint32_t n)
{
	char err[EC_REDIS_ERRLEN];
	redisContext *c;

	memset(s, 0, sizeof(*s));
	if (!EC_G(redis_url) || !EC_G(redis_url)[0]) {
		return ec_throw(ec_connection_ce, "ebla_chat.redis_url is empty: set it to the Redis the writers publish to");
	}
	if (ec_redis_parse_url(EC_G(redis_url), &s->target, false, err, sizeof(err)) == FAILURE) {
		return ec_throw(ec_connection_ce, "%s", err);
	}
	s->sharded = EC_G(redis_sharded);
	if (s->sharded && !s->target.unix_socket) {
		if (ec_sub_open_cluster(s, channels, n) == FAILURE) {
			return FAILURE;
		}
	} else if (!(c = ec_sub_add(s, NULL, 0))) {
		return FAILURE;
	} else if (s->sharded) {
		for (uint32_t i = 0; i < n; i++) {
			ec_sub_append(c, "SSUBSCRIBE", &channels[i], 1);
		}
	} else {
		ec_sub_append(c, "SUBSCRIBE", channels, n);
	}
	for (uint32_t i = 0; i < s->count; i++) {
		int done = 0;
		while (!done) {
			if (redisBufferWrite(s->conns[i], &done) == REDIS_ERR) {
				return ec_throw(ec_connection_ce, "Cannot subscribe: %s", s->conns[i]->errstr);
			}
		}
	}
	return SUCCESS;
}

/* Calls $onEvent($channel, $payload). Returns false when the loop must stop. */
static bool ec_sub_deliver(zend_fcall_info *fci, zend_fcall_info_cache *fcc, redisReply *channel, redisReply *payload)
{
	zval args[2], retval;
	bool go_on;

	ZVAL_STRINGL(&args[0], channel->str, channel->len);
	ZVAL_STRINGL(&args[1], payload->str, payload->len);
	ZVAL_UNDEF(&retval);
	fci->retval = &retval;
	fci->params = args;
	fci->param_count = 2;
	zend_call_function(fci, fcc);
	go_on = !EG(exception) && Z_TYPE(retval) != IS_FALSE;
	zval_ptr_dtor(&retval);
	zval_ptr_dtor(&args[0]);
	zval_ptr_dtor(&args[1]);
	return go_on;
}

/* One reply of a subscribed connection. Returns false when the loop must stop. */
static bool ec_sub_reply(redisReply *r, zend_fcall_info *fci, zend_fcall_info_cache *fcc, zend_long *count)
{
	const char *kind;

	if (r->type == REDIS_REPLY_ERROR) {
		ec_throw(ec_connection_ce, "Redis refused the subscription: %.*s", (int) r->len, r->str);
		return false;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 3 || r->element[0]->type != REDIS_REPLY_STRING) {
		return true;
	}
	kind = r->element[0]->str;
	if (strcmp(kind, "message") == 0 || strcmp(kind, "smessage") == 0) {
		if (r->element[1]->type != REDIS_REPLY_STRING || r->element[2]->type != REDIS_REPLY_STRING) {
			return true;
		}
		(*count)++;
		return ec_sub_deliver(fci, fcc, r->element[1], r->element[2]);
	}
	if (strcmp(kind, "sunsubscribe") == 0) {
		/* The server dropped a sharded subscription: its slot moved to another node. The caller
		 * must subscribe again (and will find the new owner). */
		ec_throw(ec_connection_ce, "Redis ended the subscription to %.*s (its slot moved): subscribe again",
			(int) r->element[1]->len, r->element[1]->str ? r->element[1]->str : "");
		return false;
	}
	return true;    /* subscribe/ssubscribe confirmations */
}

/* Reads what arrived on c and handles every complete reply. */
static bool ec_sub_read(redisContext *c, zend_fcall_info *fci, zend_fcall_info_cache *fcc, zend_long *count)
{
	void *reply;

	if (redisBufferRead(c) == REDIS_ERR) {
		ec_throw(ec_connection_ce, "Lost the Redis subscription connection: %s", c->errstr[0] ? c->errstr : "closed by the server");
		return false;
	}
	for (;;) {
		bool go_on;
		if (redisGetReplyFromReader(c, &reply) == REDIS_ERR) {
			ec_throw(ec_connection_ce, "Redis protocol error: %s", c->errstr);
			return false;
		}
		if (!reply) {
			return true;
		}
		go_on = ec_sub_reply(reply, fci, fcc, count);
		freeReplyObject(reply);
		if (!go_on) {
			return false;
		}
	}
}

static double ec_sub_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* A signal interrupted poll(): let pcntl_async_signals() handlers run, as the VM would. */
static void ec_sub_interrupted(void)
{
	if (zend_atomic_bool_load_ex(&EG(vm_interrupt))) {
		zend_atomic_bool_store_ex(&EG(vm_interrupt), false);
		if (zend_interrupt_function) {
			zend_interrupt_function(EG(current_execute_data));
		}
	}
}

static void ec_sub_loop(ec_sub *s, double timeout, zend_fcall_info *fci, zend_fcall_info_cache *fcc, zend_long *count)
{
	struct pollfd *pfds = safe_emalloc(s->count, sizeof(*pfds), 0);
	double deadline = timeout > 0 ? ec_sub_now() + timeout : 0;
	bool go_on = true;

	while (go_on && !EG(exception)) {
		int wait_ms = -1, ready;

		if (deadline) {
			double left = deadline - ec_sub_now();
			if (left <= 0) {
				break;
			}
			wait_ms = (int) ceil(left * 1000.0);
		}
		for (uint32_t i = 0; i < s->count; i++) {
			pfds[i].fd = s->conns[i]->fd;
			pfds[i].events = POLLIN;
			pfds[i].revents = 0;
		}
		ready = poll(pfds, s->count, wait_ms);
		if (ready < 0) {
			if (errno == EINTR) {
				ec_sub_interrupted();
				continue;
			}
			ec_throw(ec_connection_ce, "poll() failed while waiting for Redis: %s", strerror(errno));
			break;
		}
		for (uint32_t i = 0; go_on && i < s->count; i++) {
			if (pfds[i].revents) {
				go_on = ec_sub_read(s->conns[i], fci, fcc, count);
			}
		}
	}
	efree(pfds);
}

ZEND_FUNCTION(ebla_chat_subscribe)
{
	HashTable *channels;
	zend_fcall_info fci;
	zend_fcall_info_cache fcc;
	double timeout = 0.0;
	zend_string **names;
	uint32_t n = 0;
	zval *zv;
	zend_long count = 0;
	ec_sub s;

	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_ARRAY_HT(channels)
		Z_PARAM_FUNC(fci, fcc)
		Z_PARAM_OPTIONAL
		Z_PARAM_DOUBLE(timeout)
	ZEND_PARSE_PARAMETERS_END();

	if (zend_hash_num_elements(channels) == 0) {
		zend_argument_value_error(1, "must not be empty");
		RETURN_THROWS();
	}
	if (!(timeout >= 0) || !zend_finite(timeout)) {
		zend_argument_value_error(3, "must be a finite number of seconds >= 0 (0: no limit)");
		RETURN_THROWS();
	}
	ZEND_HASH_FOREACH_VAL(channels, zv) {
		ZVAL_DEREF(zv);
		if (Z_TYPE_P(zv) != IS_STRING || Z_STRLEN_P(zv) == 0) {
			zend_argument_value_error(1, "must contain only non-empty strings (channel names)");
			RETURN_THROWS();
		}
	} ZEND_HASH_FOREACH_END();

	names = safe_emalloc(zend_hash_num_elements(channels), sizeof(*names), 0);
	ZEND_HASH_FOREACH_VAL(channels, zv) {
		ZVAL_DEREF(zv);
		names[n++] = Z_STR_P(zv);
	} ZEND_HASH_FOREACH_END();

	if (ec_sub_open(&s, names, n) == SUCCESS) {
		ec_sub_loop(&s, timeout, &fci, &fcc, &count);
	}
	ec_sub_close(&s);
	efree(names);
	if (EG(exception)) {
		RETURN_THROWS();
	}
	RETURN_LONG(count);
}
