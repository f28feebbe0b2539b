/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* redis: see redis.h. */
#include <poll.h>
#include <unistd.h>
#include <hiredis/hiredis.h>
#include "php.h"
#include "redis.h"

/* ---------------------------------------------------------------- URL */

static char *ec_dup(const char *s, size_t len, bool persistent)
{
	char *out = pemalloc(len + 1, persistent);
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

/* Percent-decodes in place (passwords may hold '@', ':' or '/'). */
static void ec_url_decode(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '%' && isxdigit((unsigned char) s[1]) && isxdigit((unsigned char) s[2])) {
			char hex[3] = {s[1], s[2], '\0'};
			*out++ = (char) strtol(hex, NULL, 16);
			s += 2;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static bool ec_parse_int(const char *s, size_t len, int min, int max, int *out)
{
	long v = 0;

	if (len == 0 || len > 9) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
		v = v * 10 + (s[i] - '0');
	}
	if (v < min || v > max) {
		return false;
	}
	*out = (int) v;
	return true;
}

/* Query parameters: db, password (alias auth), user. Unknown keys are an error so that a typo
 * does not silently connect without a password. */
static zend_result ec_parse_query(const char *q, ec_redis_target *t, char *err, size_t errlen)
{
	while (*q) {
		const char *amp = strchr(q, '&');
		size_t len = amp ? (size_t) (amp - q) : strlen(q);
		const char *eq = memchr(q, '=', len);
		size_t klen = eq ? (size_t) (eq - q) : len;
		const char *v = eq ? eq + 1 : q + len;
		size_t vlen = eq ? len - klen - 1 : 0;

		if (klen == 2 && memcmp(q, "db", 2) == 0) {
			if (!ec_parse_int(v, vlen, 0, 1000000, &t->db)) {
				snprintf(err, errlen, "invalid db \"%.*s\" in ebla_chat.redis_url", (int) vlen, v);
				return FAILURE;
			}
		} else if ((klen == 8 && memcmp(q, "password", 8) == 0) || (klen == 4 && memcmp(q, "auth", 4) == 0)) {
			if (t->password) {
				pefree(t->password, t->persistent);
			}
			t->password = ec_dup(v, vlen, t->persistent);
			ec_url_decode(t->password);
		} else if (klen == 4 && memcmp(q, "user", 4) == 0) {
			if (t->user) {
				pefree(t->user, t->persistent);
			}
			t->user = ec_dup(v, vlen, t->persistent);
			ec_url_decode(t->user);
		} else if (klen) {
			snprintf(err, errlen, "unknown parameter \"%.*s\" in ebla_chat.redis_url (known: db, password, auth, user)", (int) klen, q);
			return FAILURE;
		}
		q += len + (amp ? 1 : 0);
	}
	return SUCCESS;
}

/* [user[:password]@]host[:port][/db] */
static zend_result ec_parse_tcp(const char *s, size_t len, ec_redis_target *t, char *err, size_t errlen)
{
	const char *at = zend_memrchr(s, '@', len), *end = s + len, *host, *host_end, *p;

	if (at) {
		const char *colon = memchr(s, ':', at - s);
		if (colon) {
			if (colon > s) {
				t->user = ec_dup(s, colon - s, t->persistent);
				ec_url_decode(t->user);
			}
			t->password = ec_dup(colon + 1, at - colon - 1, t->persistent);
		} else {
			/* tcp://secret@host: a lone userinfo is the password, as phpredis and Predis read it. */
			t->password = ec_dup(s, at - s, t->persistent);
		}
		ec_url_decode(t->password);
		s = at + 1;
	}
	if (*s == '[') {             /* IPv6: [::1]:6379 */
		host = s + 1;
		host_end = memchr(host, ']', end - host);
		if (!host_end) {
			snprintf(err, errlen, "unterminated IPv6 address in ebla_chat.redis_url");
			return FAILURE;
		}
		p = host_end + 1;
	} else {
		host = s;
		for (p = s; p < end && *p != ':' && *p != '/'; p++);
		host_end = p;
	}
	if (host_end == host) {
		snprintf(err, errlen, "no host in ebla_chat.redis_url");
		return FAILURE;
	}
	t->host = ec_dup(host, host_end - host, t->persistent);
	t->port = 6379;
	if (p < end && *p == ':') {
		const char *port = ++p;
		for (; p < end && *p != '/'; p++);
		if (!ec_parse_int(port, p - port, 1, 65535, &t->port)) {
			snprintf(err, errlen, "invalid port \"%.*s\" in ebla_chat.redis_url", (int) (p - port), port);
			return FAILURE;
		}
	}
	if (p < end && *p == '/') {
		p++;
		if (p < end && !ec_parse_int(p, end - p, 0, 1000000, &t->db)) {
			snprintf(err, errlen, "invalid database number \"%.*s\" in ebla_chat.redis_url", (int) (end - p), p);
			return FAILURE;
		}
	} else if (p < end) {
		snprintf(err, errlen, "unexpected \"%.*s\" in ebla_chat.redis_url", (int) (end - p), p);
		return FAILURE;
	}
	return SUCCESS;
}

zend_result ec_redis_parse_url(const char *url, ec_redis_target *t, bool persistent, char *err, size_t errlen)
{
	const char *query = strchr(url, '?');
	size_t len = query ? (size_t) (query - url) : strlen(url);
	zend_result status;

	memset(t, 0, sizeof(*t));
	t->persistent = persistent;
	if (strncmp(url, "unix://", 7) == 0 || strncmp(url, "unix:", 5) == 0) {
		size_t skip = url[5] == '/' && url[6] == '/' ? 7 : 5;
		if (len <= skip) {
			snprintf(err, errlen, "no socket path in ebla_chat.redis_url");
			return FAILURE;
		}
		t->unix_socket = true;
		t->host = ec_dup(url + skip, len - skip, persistent);
		status = SUCCESS;
	} else if (strncmp(url, "tcp://", 6) == 0 || strncmp(url, "redis://", 8) == 0) {
		size_t skip = url[0] == 't' ? 6 : 8;
		status = ec_parse_tcp(url + skip, len - skip, t, err, errlen);
	} else {
		snprintf(err, errlen, "ebla_chat.redis_url must start with tcp://, redis:// or unix:// (got \"%.40s\")", url);
		status = FAILURE;
	}
	if (status == SUCCESS && query) {
		status = ec_parse_query(query + 1, t, err, errlen);
	}
	if (status == FAILURE) {
		ec_redis_target_free(t);
	}
	return status;
}

void ec_redis_target_free(ec_redis_target *t)
{
	if (t->host) {
		pefree(t->host, t->persistent);
	}
	if (t->user) {
		pefree(t->user, t->persistent);
	}
	if (t->password) {
		pefree(t->password, t->persistent);
	}
	memset(t, 0, sizeof(*t));
}

void ec_redis_target_describe(const ec_redis_target *t, char *out, size_t outlen)
{
	if (t->unix_socket) {
		snprintf(out, outlen, "unix://%s", t->host);
	} else {
		snprintf(out, outlen, strchr(t->host, ':') ? "[%s]:%d" : "%s:%d", t->host, t->port);
	}
}

/* ---------------------------------------------------------------- connections */

static struct timeval ec_timeval(double seconds)
{
	struct timeval tv;

	/* 0 or less would mean "block forever" to the socket layer: never for a write path. */
	if (!(seconds > 0)) {
		seconds = 0.5;
	}
	tv.tv_sec = (time_t) seconds;
	tv.tv_usec = (suseconds_t) ((seconds - (double) tv.tv_sec) * 1e6);
	return tv;
}

/* Runs one command that must not answer with an error (AUTH, SELECT). */
static zend_result ec_redis_expect_ok(redisContext *c, int argc, const char **argv, const char *what,
	char *err, size_t errlen)
{
	redisReply *r = redisCommandArgv(c, argc, argv, NULL);

	if (!r) {
		snprintf(err, errlen, "%s failed: %s", what, c->errstr);
		return FAILURE;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		snprintf(err, errlen, "%s failed: %.*s", what, (int) r->len, r->str);
		freeReplyObject(r);
		return FAILURE;
	}
	freeReplyObject(r);
	return SUCCESS;
}

redisContext *ec_redis_connect(const ec_redis_target *t, const char *host, int port, double timeout,
	char *err, size_t errlen)
{
	struct timeval tv = ec_timeval(timeout);
	bool node = host != NULL;
	redisContext *c;
	char where[300];

	if (node) {
		snprintf(where, sizeof(where), strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
		c = redisConnectWithTimeout(host, port, tv);
	} else {
		ec_redis_target_describe(t, where, sizeof(where));
		c = t->unix_socket ? redisConnectUnixWithTimeout(t->host, tv) : redisConnectWithTimeout(t->host, t->port, tv);
	}
	if (!c) {
		snprintf(err, errlen, "cannot connect to Redis at %s: out of memory", where);
		return NULL;
	}
	/* hiredis 0.14 applies the timeout to connect() only; without redisSetTimeout a read from a
	 * stalled server would block forever. (1.x has redisOptions.command_timeout for this.) */
	if (c->err || redisSetTimeout(c, tv) != REDIS_OK) {
		snprintf(err, errlen, "cannot connect to Redis at %s: %s", where, c->errstr[0] ? c->errstr : "setting the timeout failed");
		redisFree(c);
		return NULL;
	}
	if (t->password) {
		const char *argv[3] = {"AUTH", t->user ? t->user : t->password, t->password};
		char why[EC_REDIS_ERRLEN];
		if (ec_redis_expect_ok(c, t->user ? 3 : 2, argv, "AUTH", why, sizeof(why)) == FAILURE) {
			snprintf(err, errlen, "Redis at %s: %s", where, why);
			redisFree(c);
			return NULL;
		}
	}
	if (t->db && !node) {
		char db[16];
		const char *argv[2] = {"SELECT", db};
		char why[EC_REDIS_ERRLEN];
		snprintf(db, sizeof(db), "%d", t->db);
		if (ec_redis_expect_ok(c, 2, argv, "SELECT", why, sizeof(why)) == FAILURE) {
			snprintf(err, errlen, "Redis at %s: %s", where, why);
			redisFree(c);
			return NULL;
		}
	}
	return c;
}

const char *ec_redis_error(const redisContext *c, double timeout, char *buf, size_t buflen)
{
	/* hiredis reports SO_RCVTIMEO/SO_SNDTIMEO expiry as a bare EAGAIN. */
	if (c->err == REDIS_ERR_IO && (strcmp(c->errstr, strerror(EAGAIN)) == 0 || strcmp(c->errstr, strerror(EWOULDBLOCK)) == 0)) {
		snprintf(buf, buflen, "no reply within ebla_chat.redis_timeout (%g s)", timeout > 0 ? timeout : 0.5);
		return buf;
	}
	return c->errstr[0] ? c->errstr : "connection lost";
}

/* One process-wide pool (per thread in thread-safe builds: a context must never be shared
 * between threads), in the module globals. A handful of entries at most (one per cluster
 * master), so a plain array. */
typedef struct ec_pooled {
	char *key;
	redisContext *c;
	pid_t pid;
} ec_pooled;

#define ec_pool EC_G(redis_pool)
#define ec_pool_count EC_G(redis_pool_count)
#define ec_pool_capacity EC_G(redis_pool_capacity)

/* A pooled context may be reused only when nothing is half-done on it: no unsent command, no
 * unread reply, and nothing waiting on the socket (a reply we did not ask for, or the EOF of a
 * server that restarted or closed an idle connection). A forked child must never write on its
 * parent's socket: both would read each other's replies. */
static bool ec_redis_sound(const ec_pooled *p)
{
	redisContext *c = p->c;
	struct pollfd pfd;

	if (p->pid != getpid() || c->err || !(c->flags & REDIS_CONNECTED)) {
		return false;
	}
	if ((c->obuf && c->obuf[0]) || (c->reader && (c->reader->pos < c->reader->len || c->reader->ridx != -1))) {
		return false;
	}
	pfd.fd = c->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, 0) == 0;
}

static void ec_pool_remove(uint32_t i)
{
	pefree(ec_pool[i].key, 1);
	/* In a forked child this only closes the child's copy of the descriptor: the parent's
	 * connection is untouched (hiredis sends nothing on free). */
	redisFree(ec_pool[i].c);
	ec_pool[i] = ec_pool[--ec_pool_count];
}

redisContext *ec_redis_pool_get(const ec_redis_target *t, const char *host, int port, double timeout,
	bool *connected, char *err, size_t errlen)
{
	char key[300];
	redisContext *c;

	*connected = false;
	if (host) {
		snprintf(key, sizeof(key), "%s:%d", host, port);
	} else {
		ec_redis_target_describe(t, key, sizeof(key));
	}
	for (uint32_t i = 0; i < ec_pool_count; i++) {
		if (strcmp(ec_pool[i].key, key) == 0) {
			if (ec_redis_sound(&ec_pool[i])) {
				return ec_pool[i].c;
			}
			ec_pool_remove(i);
			break;
		}
	}
	*connected = true;
	c = ec_redis_connect(t, host, port, timeout, err, errlen);
	if (!c) {
		return NULL;
	}
	if (ec_pool_count == ec_pool_capacity) {
		ec_pool_capacity = ec_pool_capacity ? ec_pool_capacity * 2 : 4;
		ec_pool = perealloc(ec_pool, ec_pool_capacity * sizeof(*ec_pool), 1);
	}
	ec_pool[ec_pool_count].key = pestrdup(key, 1);
	ec_pool[ec_pool_count].c = c;
	ec_pool[ec_pool_count].pid = getpid();
	ec_pool_count++;
	return c;
}

void ec_redis_pool_drop(redisContext *c)
{
	for (uint32_t i = 0; i < ec_pool_count; i++) {
		if (ec_pool[i].c == c) {
			ec_pool_remove(i);
			return;
		}
	}
}

void ec_redis_pool_clear(void)
{
	while (ec_pool_count) {
		ec_pool_remove(ec_pool_count - 1);
	}
	if (ec_pool) {
		pefree(ec_pool, 1);
		ec_pool = NULL;
	}
	ec_pool_capacity = 0;
}

void ec_redis_pool_free(zend_ebla_chat_globals *g)
{
	for (uint32_t i = 0; i < g->redis_pool_count; i++) {
		pefree(g->redis_pool[i].key, 1);
		redisFree(g->redis_pool[i].c);
	}
	if (g->redis_pool) {
		pefree(g->redis_pool, 1);
	}
	g->redis_pool = NULL;
	g->redis_pool_count = g->redis_pool_capacity = 0;
}

uint32_t ec_redis_pool_open(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < ec_pool_count; i++) {
		if (ec_pool[i].pid == getpid() && !ec_pool[i].c->err) {
			n++;
		}
	}
	return n;
}

/* ---------------------------------------------------------------- cluster */

/* CRC16-CCITT (XModem), the hash of Redis Cluster key slots. Bitwise: channel names are short. */
static uint16_t ec_crc16(const char *buf, size_t len)
{
	uint16_t crc = 0;

	for (size_t i = 0; i < len; i++) {
		crc ^= (uint16_t) ((unsigned char) buf[i] << 8);
		for (int b = 0; b < 8; b++) {
			crc = (crc & 0x8000) ? (uint16_t) ((crc << 1) ^ 0x1021) : (uint16_t) (crc << 1);
		}
	}
	return crc;
}

uint16_t ec_redis_slot(const char *key, size_t len)
{
	/* Only the part between the first '{' and the next '}' counts, when it is not empty: that is
	 * what keeps a user's channel on one node whatever the prefix. */
	const char *open = memchr(key, '{', len);

	if (open) {
		const char *close = memchr(open + 1, '}', len - (open + 1 - key));
		if (close && close > open + 1) {
			return ec_crc16(open + 1, close - open - 1) & (EC_REDIS_SLOTS - 1);
		}
	}
	return ec_crc16(key, len) & (EC_REDIS_SLOTS - 1);
}

static uint16_t ec_slots_node(ec_redis_slots *map, const char *host, size_t host_len, int port)
{
	for (uint32_t i = 0; i < map->count; i++) {
		if (map->nodes[i].port == port && strlen(map->nodes[i].host) == host_len
			&& memcmp(map->nodes[i].host, host, host_len) == 0) {
			return (uint16_t) i;
		}
	}
	map->nodes = perealloc(map->nodes, (map->count + 1) * sizeof(*map->nodes), map->persistent);
	map->nodes[map->count].host = ec_dup(host, host_len, map->persistent);
	map->nodes[map->count].port = port;
	return (uint16_t) map->count++;
}

/* One entry of CLUSTER SLOTS: [start, end, [host, port, id, ...], replicas...]. */
static void ec_slots_add_range(ec_redis_slots *map, redisReply *e, const char *seed_host)
{
	redisReply *master;
	const char *host;
	size_t host_len;
	uint16_t node;

	if (e->type != REDIS_REPLY_ARRAY || e->elements < 3 || e->element[0]->type != REDIS_REPLY_INTEGER
		|| e->element[1]->type != REDIS_REPLY_INTEGER || e->element[2]->type != REDIS_REPLY_ARRAY
		|| e->element[2]->elements < 2 || e->element[2]->element[1]->type != REDIS_REPLY_INTEGER) {
		return;
	}
	master = e->element[2];
	host = master->element[0]->type == REDIS_REPLY_STRING ? master->element[0]->str : "";
	host_len = master->element[0]->type == REDIS_REPLY_STRING ? master->element[0]->len : 0;
	/* An empty or "?" endpoint means "the address you reached me on". */
	if (host_len == 0 || (host_len == 1 && host[0] == '?')) {
		host = seed_host;
		host_len = strlen(seed_host);
	}
	node = ec_slots_node(map, host, host_len, (int) master->element[1]->integer);
	for (long long s = e->element[0]->integer; s <= e->element[1]->integer; s++) {
		if (s >= 0 && s < EC_REDIS_SLOTS) {
			map->owner[s] = node;
		}
	}
}

zend_result ec_redis_slots_load(redisContext *c, const char *seed_host, int seed_port, ec_redis_slots *map,
	bool persistent, char *err, size_t errlen)
{
	redisReply *r = redisCommand(c, "CLUSTER SLOTS");

	memset(map, 0, sizeof(*map));
	map->persistent = persistent;
	if (!r) {
		snprintf(err, errlen, "CLUSTER SLOTS failed: %s", c->errstr);
		return FAILURE;
	}
	if (r->type == REDIS_REPLY_ERROR && !strstr(r->str, "cluster support disabled")) {
		snprintf(err, errlen, "CLUSTER SLOTS failed: %.*s", (int) r->len, r->str);
		freeReplyObject(r);
		return FAILURE;
	}
	map->owner = pemalloc(EC_REDIS_SLOTS * sizeof(uint16_t), persistent);
	memset(map->owner, 0xFF, EC_REDIS_SLOTS * sizeof(uint16_t));
	if (r->type == REDIS_REPLY_ERROR) {
		/* Not a cluster: the one server owns everything. */
		uint16_t node = ec_slots_node(map, seed_host, strlen(seed_host), seed_port);
		for (int s = 0; s < EC_REDIS_SLOTS; s++) {
			map->owner[s] = node;
		}
	} else if (r->type == REDIS_REPLY_ARRAY) {
		for (size_t i = 0; i < r->elements; i++) {
			ec_slots_add_range(map, r->element[i], seed_host);
		}
	}
	freeReplyObject(r);
	if (map->count == 0) {
		snprintf(err, errlen, "CLUSTER SLOTS returned no usable slot range");
		ec_redis_slots_free(map);
		return FAILURE;
	}
	return SUCCESS;
}

void ec_redis_slots_free(ec_redis_slots *map)
{
	for (uint32_t i = 0; i < map->count; i++) {
		pefree(map->nodes[i].host, map->persistent);
	}
	if (map->nodes) {
		pefree(map->nodes, map->persistent);
	}
	if (map->owner) {
		pefree(map->owner, map->persistent);
	}
	memset(map, 0, sizeof(*map));
}

bool ec_redis_parse_redirect(const char *msg, size_t len, bool *ask, char **host, int *port)
{
	const char *end = msg + len, *addr, *colon;

	if (len > 6 && memcmp(msg, "MOVED ", 6) == 0) {
		*ask = false;
	} else if (len > 4 && memcmp(msg, "ASK ", 4) == 0) {
		*ask = true;
	} else {
		return false;
	}
	addr = memchr(msg, ' ', len);                  /* "MOVED|ASK <slot> <host:port>" */
	addr = addr ? memchr(addr + 1, ' ', end - addr - 1) : NULL;
	if (!addr) {
		return false;
	}
	addr++;
	colon = zend_memrchr(addr, ':', end - addr);   /* the last ':' (IPv6 hosts hold some) */
	if (!colon || !ec_parse_int(colon + 1, end - colon - 1, 1, 65535, port)) {
		return false;
	}
	*host = estrndup(addr, colon - addr);
	return true;
}
