/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* fanout: see fanout.h. This file holds the event batch, the publishing round trip and the
 * process-wide state behind ebla_chat_fanout_status() and phpinfo(). Transactions are in
 * fanout_tx.c, the subscriber in subscribe.c, the Redis plumbing in redis.c. */
#include <time.h>
#include "php.h"
#include "ext/standard/info.h"
#include "ext/json/php_json.h"
#include "zend_interfaces.h"
#include "ext/pdo/php_pdo.h"
#include "ext/pdo/php_pdo_driver.h"
#include "php_ebla_chat.h"
#include "fanout.h"
#include "redis.h"
#include "errors.h"
#include "text.h"

/* ---------------------------------------------------------------- event batch */

bool ec_fanout_enabled(void)
{
	return EC_G(redis_url) && EC_G(redis_url)[0];
}

void ec_events_init(ec_events *ev)
{
	memset(ev, 0, sizeof(*ev));
}

static struct ec_event *ec_events_push(ec_events *ev, zend_string *topic, zend_string *user_id, size_t start)
{
	struct ec_event *e;

	if (ev->count == ev->capacity) {
		ev->capacity = ev->capacity ? ev->capacity * 2 : 8;
		ev->items = safe_erealloc(ev->items, ev->capacity, sizeof(*ev->items), 0);
	}
	e = &ev->items[ev->count++];
	e->payload_off = (uint32_t) start;
	e->payload_len = (uint32_t) (ZSTR_LEN(ev->buf.s) - start);
	e->user_id = user_id ? zend_string_copy(user_id) : NULL;
	e->topic = zend_string_copy(topic);
	return e;
}

void ec_events_add(ec_events *ev, zend_string *topic, zend_string *user_id, const char *fields, size_t fields_len)
{
	size_t start = ev->buf.s ? ZSTR_LEN(ev->buf.s) : 0;

	/* Same member order as EspoCRM's Submission: the event's data, then userId, then topicId. */
	smart_str_appendc(&ev->buf, '{');
	if (fields_len) {
		smart_str_appendl(&ev->buf, fields, fields_len);
		smart_str_appendc(&ev->buf, ',');
	}
	if (user_id) {
		smart_str_appends(&ev->buf, "\"userId\":");
		ec_json_str(&ev->buf, user_id);
		smart_str_appendc(&ev->buf, ',');
	}
	smart_str_appends(&ev->buf, "\"topicId\":");
	ec_json_str(&ev->buf, topic);
	smart_str_appendc(&ev->buf, '}');
	ec_events_push(ev, topic, user_id, start);
}

void ec_events_add_raw(ec_events *ev, zend_string *topic, zend_string *user_id, const char *payload, size_t payload_len)
{
	size_t start = ev->buf.s ? ZSTR_LEN(ev->buf.s) : 0;

	smart_str_appendl(&ev->buf, payload, payload_len);
	smart_str_0(&ev->buf);
	ec_events_push(ev, topic, user_id, start);
}

void ec_events_free(ec_events *ev)
{
	for (uint32_t i = 0; i < ev->count; i++) {
		if (ev->items[i].user_id) {
			zend_string_release(ev->items[i].user_id);
		}
		zend_string_release(ev->items[i].topic);
	}
	if (ev->items) {
		efree(ev->items);
	}
	smart_str_free(&ev->buf);
	ec_events_init(ev);
}

/* ---------------------------------------------------------------- process state */

/* Process-wide (per thread in thread-safe builds: module globals, made by GINIT and freed by
 * GSHUTDOWN), never reset by a request: the counters describe the life of this worker, and the
 * backoff must outlive the request that hit the outage. */
typedef struct ec_fanout_state {
	char *url;                    /* the ebla_chat.redis_url the state below was built for */
	bool sharded;
	ec_redis_target target;
	bool target_ok;
	char config_error[EC_REDIS_ERRLEN];
	ec_redis_slots slots;         /* sharded layout: loaded on first use, dropped on MOVED */

	uint64_t attempts;            /* connection attempts */
	uint64_t published;           /* events Redis accepted */
	uint64_t failed;              /* events lost to Redis errors, outages and backoff */
	uint64_t discarded;           /* events of rolled-back caller transactions */
	uint64_t abandoned;           /* events whose caller transaction ended unseen */
	char last_error[EC_REDIS_ERRLEN];
	double last_error_at;         /* wall clock; 0: never */
	double failed_at;             /* monotonic clock of the failure that started the backoff; 0: none */
} ec_fanout_state;

#define ec_fo (*EC_G(fanout))

static double ec_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}
#define ec_mono() ec_clock(CLOCK_MONOTONIC)
#define ec_wall() ec_clock(CLOCK_REALTIME)

static void ec_fanout_error(const char *message, bool backoff)
{
	strlcpy(ec_fo.last_error, message, sizeof(ec_fo.last_error));
	ec_fo.last_error_at = ec_wall();
	if (backoff) {
		/* One failed attempt per interval: an outage must not stall every request by a timeout. */
		ec_fo.failed_at = ec_mono();
	}
}

/* Seconds left before the next attempt (0: go ahead). Computed from the interval in force now,
 * so changing ebla_chat.redis_retry_interval applies at once. */
static double ec_fanout_backoff_left(void)
{
	double interval = EC_G(redis_retry_interval) > 0 ? EC_G(redis_retry_interval) : 0;
	double left;

	if (!ec_fo.failed_at) {
		return 0;
	}
	left = ec_fo.failed_at + interval - ec_mono();
	return left > 0 ? left : 0;
}

/* What was built for one ebla_chat.redis_url, connections aside. */
static void ec_fanout_state_reset(ec_fanout_state *fo)
{
	if (fo->slots.owner) {
		ec_redis_slots_free(&fo->slots);
	}
	if (fo->target_ok) {
		ec_redis_target_free(&fo->target);
		fo->target_ok = false;
	}
	if (fo->url) {
		pefree(fo->url, 1);
		fo->url = NULL;
	}
}

static void ec_fanout_reset_connections(void)
{
	ec_redis_pool_clear();
	ec_fanout_state_reset(&ec_fo);
}

/* The INI entries are PHP_INI_ALL: when the URL or the layout changes, the connections, slot
 * map and backoff made for the old ones no longer apply. */
static bool ec_fanout_configure(void)
{
	const char *url = EC_G(redis_url);

	if (ec_fo.url && strcmp(ec_fo.url, url) == 0 && ec_fo.sharded == EC_G(redis_sharded)) {
		return ec_fo.target_ok;
	}
	ec_fanout_reset_connections();
	ec_fo.url = pestrdup(url, 1);
	ec_fo.sharded = EC_G(redis_sharded);
	ec_fo.failed_at = 0;
	ec_fo.config_error[0] = '\0';
	ec_fo.target_ok = ec_redis_parse_url(url, &ec_fo.target, true, ec_fo.config_error, sizeof(ec_fo.config_error)) == SUCCESS;
	return ec_fo.target_ok;
}

void ec_fanout_count_dropped(uint32_t n, bool abandoned)
{
	if (abandoned) {
		ec_fo.abandoned += n;
	} else {
		ec_fo.discarded += n;
	}
}

/* ---------------------------------------------------------------- channels */

#define EC_CHANNEL_BASE "espo.websocket"

void ec_fanout_channel(smart_str *out, const zend_string *topic, const zend_string *user_id)
{
	const char *prefix = EC_G(redis_prefix) ? EC_G(redis_prefix) : "";

	smart_str_appends(out, prefix);
	smart_str_appends(out, EC_CHANNEL_BASE);
	if (EC_G(redis_sharded)) {
		/* The hash tag keeps each user's (each topic's) channel whole on one cluster node, so the
		 * WebSocket server holding that user's sockets subscribes on that node only. */
		smart_str_appends(out, user_id ? ":user:{" : ":topic:{");
		smart_str_append(out, user_id ? user_id : topic);
		smart_str_appendc(out, '}');
	}
	smart_str_0(out);
}

/* ---------------------------------------------------------------- publishing */

typedef enum { EC_PENDING, EC_SENT, EC_DONE, EC_FAILED, EC_REDIRECTED } ec_ref_state;

/* One event on its way: where it goes and what became of it. */
typedef struct {
	const ec_events *batch;
	uint32_t index;
	ec_ref_state state;
	uint32_t route;
	bool ask;                 /* redirected by ASK: send ASKING first */
	char *redirect_host;      /* MOVED/ASK target (emalloc) */
	int redirect_port;
} ec_ref;

/* A Redis node of this round and the commands pipelined to it. */
typedef struct {
	const char *host;         /* NULL: the configured target itself (also for unix sockets) */
	int port;
	redisContext *c;
	bool broken;
} ec_route;

typedef struct {
	ec_ref *refs;
	uint32_t nrefs;
	ec_route *routes;
	uint32_t nroutes;
	double deadline;          /* monotonic: no new connection after it */
	bool moved;               /* a MOVED was seen: the slot map is stale */
} ec_round;

static uint32_t ec_round_route(ec_round *r, const char *host, int port)
{
	for (uint32_t i = 0; i < r->nroutes; i++) {
		const ec_route *rt = &r->routes[i];
		if ((host == NULL) == (rt->host == NULL) && (!host || (rt->port == port && strcmp(rt->host, host) == 0))) {
			return i;
		}
	}
	r->routes = safe_erealloc(r->routes, r->nroutes + 1, sizeof(*r->routes), 0);
	r->routes[r->nroutes].host = host;
	r->routes[r->nroutes].port = port;
	r->routes[r->nroutes].c = NULL;
	r->routes[r->nroutes].broken = false;
	return r->nroutes++;
}

static void ec_ref_fail(ec_ref *ref)
{
	ref->state = EC_FAILED;
	ec_fo.failed++;
}

/* Sharded layout: the slot map, loaded through the configured node on first use. */
static bool ec_fanout_slots(void)
{
	char err[EC_REDIS_ERRLEN];
	redisContext *c;
	bool connected;

	if (ec_fo.slots.owner) {
		return true;
	}
	c = ec_redis_pool_get(&ec_fo.target, ec_fo.target.host, ec_fo.target.port, EC_G(redis_timeout), &connected, err, sizeof(err));
	ec_fo.attempts += connected;
	if (!c) {
		ec_fanout_error(err, true);
		return false;
	}
	if (ec_redis_slots_load(c, ec_fo.target.host, ec_fo.target.port, &ec_fo.slots, true, err, sizeof(err)) == FAILURE) {
		bool io = c->err != 0;
		if (io) {
			ec_redis_pool_drop(c);
		}
		ec_fanout_error(err, io);
		return false;
	}
	return true;
}

/* Picks each pending event's node: the configured server, or the master owning its slot. */
static void ec_round_route_all(ec_round *r)
{
	bool cluster = ec_fo.sharded && !ec_fo.target.unix_socket;
	int have_slots = -1;          /* loaded lazily: redirected events do not need the map */
	smart_str channel = {0};

	for (uint32_t i = 0; i < r->nrefs; i++) {
		ec_ref *ref = &r->refs[i];
		const struct ec_event *e = &ref->batch->items[ref->index];
		uint16_t node;

		if (ref->state != EC_PENDING) {
			continue;
		}
		if (ref->redirect_host) {
			ref->route = ec_round_route(r, ref->redirect_host, ref->redirect_port);
			continue;
		}
		if (!cluster) {
			ref->route = ec_round_route(r, NULL, 0);
			continue;
		}
		if (have_slots < 0) {
			have_slots = ec_fanout_slots();
		}
		if (!have_slots) {
			ec_ref_fail(ref);
			continue;
		}
		smart_str_free(&channel);
		ec_fanout_channel(&channel, e->topic, e->user_id);
		node = ec_fo.slots.owner[ec_redis_slot(ZSTR_VAL(channel.s), ZSTR_LEN(channel.s))];
		if (node == EC_REDIS_NO_NODE) {
			char err[EC_REDIS_ERRLEN];
			snprintf(err, sizeof(err), "no cluster node serves the slot of channel %s", ZSTR_VAL(channel.s));
			ec_fanout_error(err, false);
			ec_ref_fail(ref);
			continue;
		}
		ref->route = ec_round_route(r, ec_fo.slots.nodes[node].host, ec_fo.slots.nodes[node].port);
	}
	smart_str_free(&channel);
}

/* Opens (or reuses) each node's connection; the events of an unreachable node fail. */
static void ec_round_connect(ec_round *r)
{
	for (uint32_t n = 0; n < r->nroutes; n++) {
		ec_route *rt = &r->routes[n];
		char err[EC_REDIS_ERRLEN];
		bool connected = false;

		if (ec_mono() > r->deadline) {
			snprintf(err, sizeof(err), "publishing took longer than ebla_chat.redis_timeout: gave up on the remaining nodes");
			rt->c = NULL;
		} else {
			rt->c = ec_redis_pool_get(&ec_fo.target, rt->host, rt->port, EC_G(redis_timeout), &connected, err, sizeof(err));
		}
		ec_fo.attempts += connected;
		if (!rt->c) {
			rt->broken = true;
			ec_fanout_error(err, true);
		}
	}
}

/* Appends one RESP bulk string ($len CRLF bytes CRLF). */
static void ec_resp_bulk(smart_str *out, const char *s, size_t len)
{
	smart_str_appendc(out, '$');
	smart_str_append_unsigned(out, len);
	smart_str_appendl(out, "\r\n", 2);
	smart_str_appendl(out, s, len);
	smart_str_appendl(out, "\r\n", 2);
}

static void ec_round_append(ec_round *r)
{
	const char *command = ec_fo.sharded ? "SPUBLISH" : "PUBLISH";
	smart_str channel = {0}, resp = {0};

	for (uint32_t i = 0; i < r->nrefs; i++) {
		ec_ref *ref = &r->refs[i];
		ec_route *rt;
		const struct ec_event *e;

		if (ref->state != EC_PENDING) {
			continue;
		}
		rt = &r->routes[ref->route];
		if (rt->broken) {
			ec_ref_fail(ref);
			continue;
		}
		e = &ref->batch->items[ref->index];
		if (channel.s) {
			ZSTR_LEN(channel.s) = 0;
		}
		ec_fanout_channel(&channel, e->topic, e->user_id);
		if (ref->ask) {
			redisAppendCommand(rt->c, "ASKING");
		}
		/* The command in RESP, written here: hiredis' own formatter (sdscatfmt per argument) cost
		 * a third of a 1,000-member post. */
		if (resp.s) {
			ZSTR_LEN(resp.s) = 0;
		}
		smart_str_appendl(&resp, "*3\r\n", 4);
		ec_resp_bulk(&resp, command, strlen(command));
		ec_resp_bulk(&resp, ZSTR_VAL(channel.s), ZSTR_LEN(channel.s));
		ec_resp_bulk(&resp, ZSTR_VAL(ref->batch->buf.s) + e->payload_off, e->payload_len);
		redisAppendFormattedCommand(rt->c, ZSTR_VAL(resp.s), ZSTR_LEN(resp.s));
		ref->state = EC_SENT;
	}
	smart_str_free(&channel);
	smart_str_free(&resp);
}

/* Writes every node's pipeline before reading any reply, so the nodes work in parallel. */
static void ec_round_flush(ec_round *r)
{
	for (uint32_t n = 0; n < r->nroutes; n++) {
		ec_route *rt = &r->routes[n];
		int done = 0;

		if (rt->broken) {
			continue;
		}
		while (!done) {
			if (redisBufferWrite(rt->c, &done) == REDIS_ERR) {
				rt->broken = true;
				break;
			}
		}
	}
}

static void ec_round_reply(ec_round *r, ec_ref *ref, redisReply *reply)
{
	bool ask;
	char *host;
	int port;

	if (reply->type != REDIS_REPLY_ERROR) {
		ref->state = EC_DONE;
		ec_fo.published++;
		return;
	}
	if (!ref->redirect_host && ec_redis_parse_redirect(reply->str, reply->len, &ask, &host, &port)) {
		const ec_route *rt = &r->routes[ref->route];
		if (!host[0]) {       /* "MOVED 123 :7001": same host, other port */
			efree(host);
			host = estrdup(rt->host ? rt->host : ec_fo.target.host);
		}
		ref->state = EC_REDIRECTED;
		ref->ask = ask;
		ref->redirect_host = host;
		ref->redirect_port = port;
		r->moved |= !ask;
		return;
	}
	{
		char err[EC_REDIS_ERRLEN];
		snprintf(err, sizeof(err), "%s: %.*s", ec_fo.sharded ? "SPUBLISH" : "PUBLISH", (int) reply->len, reply->str);
		ec_fanout_error(err, false);
		ec_ref_fail(ref);
	}
}

/* Reads the replies of one node in the order its commands were appended. */
static void ec_round_read_route(ec_round *r, uint32_t n)
{
	ec_route *rt = &r->routes[n];

	for (uint32_t i = 0; i < r->nrefs; i++) {
		ec_ref *ref = &r->refs[i];
		redisReply *reply = NULL;

		if (ref->state != EC_SENT || ref->route != n) {
			continue;
		}
		if (!rt->broken && ref->ask && redisGetReply(rt->c, (void **) &reply) == REDIS_OK) {
			freeReplyObject(reply);      /* ASKING's +OK */
			reply = NULL;
		}
		if (rt->broken || redisGetReply(rt->c, (void **) &reply) != REDIS_OK || !reply) {
			rt->broken = true;
			ec_ref_fail(ref);
			continue;
		}
		ec_round_reply(r, ref, reply);
		freeReplyObject(reply);
	}
	if (rt->broken && rt->c) {
		char err[EC_REDIS_ERRLEN];
		char where[300];
		if (rt->host) {
			snprintf(where, sizeof(where), "%s:%d", rt->host, rt->port);
		} else {
			ec_redis_target_describe(&ec_fo.target, where, sizeof(where));
		}
		char why[EC_REDIS_ERRLEN];
		snprintf(err, sizeof(err), "Redis at %s: %s", where, ec_redis_error(rt->c, EC_G(redis_timeout), why, sizeof(why)));
		ec_fanout_error(err, true);
		ec_redis_pool_drop(rt->c);
		rt->c = NULL;
	}
}

static void ec_round_run(ec_round *r)
{
	ec_round_route_all(r);
	ec_round_connect(r);
	ec_round_append(r);
	ec_round_flush(r);
	for (uint32_t n = 0; n < r->nroutes; n++) {
		ec_round_read_route(r, n);
	}
	efree(r->routes);
	r->routes = NULL;
	r->nroutes = 0;
}

/* Redirected events get one more round, straight to the node Redis named. A second redirect
 * is a failure: the cluster is resharding faster than we can follow. */
static void ec_round_follow_redirects(ec_round *r)
{
	bool any = false;

	for (uint32_t i = 0; i < r->nrefs; i++) {
		if (r->refs[i].state == EC_REDIRECTED) {
			r->refs[i].state = EC_PENDING;
			any = true;
		}
	}
	if (r->moved && ec_fo.slots.owner) {
		ec_redis_slots_free(&ec_fo.slots);      /* reloaded by the next publish */
	}
	if (any) {
		ec_round_run(r);
	}
	for (uint32_t i = 0; i < r->nrefs; i++) {
		if (r->refs[i].state == EC_REDIRECTED) {
			ec_fanout_error("MOVED again after following a redirect", false);
			ec_ref_fail(&r->refs[i]);
		}
	}
}

/* Events that cannot be sent at all (misconfiguration, backoff). */
static void ec_fanout_fail_all(uint32_t total, const char *why)
{
	ec_fo.failed += total;
	if (why) {
		ec_fanout_error(why, false);
	}
}

void ec_fanout_publish_batches(ec_events *batches, uint32_t n)
{
	uint32_t total = 0;
	ec_round r;

	for (uint32_t b = 0; b < n; b++) {
		total += batches[b].count;
	}
	if (total == 0 || !ec_fanout_enabled()) {
		goto done;
	}
	if (!ec_fanout_configure()) {
		ec_fanout_fail_all(total, ec_fo.config_error);
		goto done;
	}
	if (ec_fanout_backoff_left() > 0) {
		/* Redis failed recently: drop at once instead of waiting for another timeout. */
		ec_fanout_fail_all(total, NULL);
		goto done;
	}
	ec_fo.failed_at = 0;

	memset(&r, 0, sizeof(r));
	r.refs = safe_emalloc(total, sizeof(*r.refs), 0);
	for (uint32_t b = 0; b < n; b++) {
		for (uint32_t i = 0; i < batches[b].count; i++) {
			ec_ref *ref = &r.refs[r.nrefs++];
			memset(ref, 0, sizeof(*ref));
			ref->batch = &batches[b];
			ref->index = i;
		}
	}
	r.deadline = ec_mono() + (EC_G(redis_timeout) > 0 ? EC_G(redis_timeout) : 0.5);
	ec_round_run(&r);
	ec_round_follow_redirects(&r);
	for (uint32_t i = 0; i < r.nrefs; i++) {
		if (r.refs[i].redirect_host) {
			efree(r.refs[i].redirect_host);
		}
	}
	efree(r.refs);
done:
	for (uint32_t b = 0; b < n; b++) {
		ec_events_free(&batches[b]);
	}
}

void ec_fanout_publish(ec_events *ev)
{
	ec_fanout_publish_batches(ev, 1);
}

/* ---------------------------------------------------------------- status */

static const char *ec_fanout_state_name(void)
{
	if (!ec_fanout_enabled()) {
		return "disabled";
	}
	if (ec_fo.url && strcmp(ec_fo.url, EC_G(redis_url)) == 0 && ec_fanout_backoff_left() > 0) {
		return "backoff";
	}
	if (ec_fo.url && strcmp(ec_fo.url, EC_G(redis_url)) == 0 && ec_redis_pool_open() > 0) {
		return "connected";
	}
	return "idle";
}

static double ec_fanout_retry_in(void)
{
	double left = ec_fanout_backoff_left();
	return left > 0 && strcmp(ec_fanout_state_name(), "backoff") == 0 ? left : 0;
}

static void ec_utc(double t, char *out, size_t outlen)
{
	time_t secs = (time_t) t;
	struct tm tm;

	gmtime_r(&secs, &tm);
	strftime(out, outlen, "%Y-%m-%d %H:%M:%S", &tm);
}

static void ec_status_target(char *out, size_t outlen)
{
	ec_redis_target t;
	char err[EC_REDIS_ERRLEN];

	out[0] = '\0';
	if (ec_fanout_enabled() && ec_redis_parse_url(EC_G(redis_url), &t, false, err, sizeof(err)) == SUCCESS) {
		ec_redis_target_describe(&t, out, outlen);
		ec_redis_target_free(&t);
	}
}

static void ec_status_default_channel(smart_str *out)
{
	if (EC_G(redis_sharded)) {
		smart_str_appends(out, EC_G(redis_prefix) ? EC_G(redis_prefix) : "");
		smart_str_appends(out, EC_CHANNEL_BASE ":user:{<userId>} / ");
		smart_str_appends(out, EC_G(redis_prefix) ? EC_G(redis_prefix) : "");
		smart_str_appends(out, EC_CHANNEL_BASE ":topic:{<topicId>}");
		smart_str_0(out);
	} else {
		zend_string *topic = ZSTR_EMPTY_ALLOC();
		ec_fanout_channel(out, topic, NULL);
	}
}

void ec_fanout_status(zval *return_value, uint32_t deferred)
{
	char target[300], when[32];
	double retry_in;
	smart_str channel = {0};

	retry_in = ec_fanout_retry_in();
	array_init(return_value);
	add_assoc_string(return_value, "state", (char *) ec_fanout_state_name());
	add_assoc_string(return_value, "layout", EC_G(redis_sharded) ? "sharded" : "single");
	ec_status_target(target, sizeof(target));
	if (target[0]) {
		add_assoc_string(return_value, "target", target);
	} else {
		add_assoc_null(return_value, "target");
	}
	ec_status_default_channel(&channel);
	add_assoc_str(return_value, "channel", channel.s);
	add_assoc_long(return_value, "attempts", (zend_long) ec_fo.attempts);
	add_assoc_long(return_value, "published", (zend_long) ec_fo.published);
	add_assoc_long(return_value, "failed", (zend_long) ec_fo.failed);
	add_assoc_long(return_value, "discarded", (zend_long) ec_fo.discarded);
	add_assoc_long(return_value, "abandoned", (zend_long) ec_fo.abandoned);
	add_assoc_long(return_value, "deferred", (zend_long) deferred);
	if (ec_fo.last_error_at) {
		add_assoc_string(return_value, "lastError", ec_fo.last_error);
		ec_utc(ec_fo.last_error_at, when, sizeof(when));
		add_assoc_string(return_value, "lastErrorAt", when);
	} else {
		add_assoc_null(return_value, "lastError");
		add_assoc_null(return_value, "lastErrorAt");
	}
	if (retry_in > 0) {
		ec_utc(ec_wall() + retry_in, when, sizeof(when));
		add_assoc_string(return_value, "retryAt", when);
	} else {
		add_assoc_null(return_value, "retryAt");
	}
	add_assoc_double(return_value, "retryIn", retry_in);
}

uint64_t ec_fanout_published(void)
{
	return ec_fo.published;
}

/* ---------------------------------------------------------------- lifecycle */

/* GINIT and GSHUTDOWN run for each thread's globals, possibly from another thread: they work
 * on the globals they are given, never through EC_G(). */
void ec_fanout_ginit(zend_ebla_chat_globals *g)
{
	g->fanout = pecalloc(1, sizeof(ec_fanout_state), 1);
}

void ec_fanout_gshutdown(zend_ebla_chat_globals *g)
{
	ec_redis_pool_free(g);
	if (g->fanout) {
		ec_fanout_state_reset(g->fanout);
		pefree(g->fanout, 1);
		g->fanout = NULL;
	}
}

static void ec_info_count(const char *name, uint64_t n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, n);
	php_info_print_table_row(2, name, buf);
}

void ec_fanout_minfo(void)
{
	char target[300], when[32];
	smart_str channel = {0};
	double retry_in = ec_fanout_retry_in();

	php_info_print_table_start();
	php_info_print_table_header(2, "Real-time fan-out (this process)", "");
	php_info_print_table_row(2, "State", ec_fanout_state_name());
	php_info_print_table_row(2, "Layout", EC_G(redis_sharded) ? "sharded (SPUBLISH, per-user channels)" : "single (PUBLISH, one channel)");
	ec_status_target(target, sizeof(target));
	php_info_print_table_row(2, "Redis", target[0] ? target : "(off)");
	ec_status_default_channel(&channel);
	php_info_print_table_row(2, "Channel", ZSTR_VAL(channel.s));
	smart_str_free(&channel);
	ec_info_count("Connection attempts", ec_fo.attempts);
	ec_info_count("Events published", ec_fo.published);
	ec_info_count("Events failed", ec_fo.failed);
	ec_info_count("Events discarded (rolled back)", ec_fo.discarded);
	ec_info_count("Events abandoned (commit not seen)", ec_fo.abandoned);
	php_info_print_table_row(2, "Last error", ec_fo.last_error_at ? ec_fo.last_error : "none");
	if (ec_fo.last_error_at) {
		ec_utc(ec_fo.last_error_at, when, sizeof(when));
		php_info_print_table_row(2, "Last error at (UTC)", when);
	}
	if (retry_in > 0) {
		ec_utc(ec_wall() + retry_in, when, sizeof(when));
		php_info_print_table_row(2, "Next attempt at (UTC)", when);
	}
	php_info_print_table_end();
}
