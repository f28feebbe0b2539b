/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* redis: the Redis side of the fan-out, on hiredis 0.14 (Debian 12) or 1.x.
 * Parses ebla_chat.redis_url, opens connections with a connect and a command timeout (AUTH and
 * SELECT included), keeps one persistent connection per Redis node for the life of the process,
 * and knows enough of Redis Cluster to route a sharded channel: the CRC16 hash slot and the slot
 * map of CLUSTER SLOTS. No PHP values in here: fanout.c and subscribe.c build on it. */
#ifndef EC_REDIS_H
#define EC_REDIS_H

#include <hiredis/hiredis.h>
#include "php.h"
#include "php_ebla_chat.h"

#define EC_REDIS_SLOTS 16384
#define EC_REDIS_NO_NODE 0xFFFF
#define EC_REDIS_ERRLEN 256

/* Where ebla_chat.redis_url points. Strings are persistent (pemalloc) when parsed with
 * persistent = true, so the parsed form can live across requests. */
typedef struct {
	bool unix_socket;
	char *host;            /* host name or IP (no brackets), or the socket path */
	int port;
	char *user;            /* ACL user (Redis >= 6): AUTH <user> <password>; NULL: AUTH <password> */
	char *password;        /* NULL: no AUTH */
	int db;                /* SELECT <db> when not 0 (never on a cluster node) */
	bool persistent;
} ec_redis_target;

/* Parses a URL of the forms documented in docs/realtime.md. FAILURE writes the reason to err. */
zend_result ec_redis_parse_url(const char *url, ec_redis_target *t, bool persistent, char *err, size_t errlen);
void ec_redis_target_free(ec_redis_target *t);
/* "host:port" or the socket path, with the password hidden: for messages and the status. */
void ec_redis_target_describe(const ec_redis_target *t, char *out, size_t outlen);

/* A new blocking connection to t, or to host:port with t's credentials (cluster nodes: db 0).
 * Connect and command timeouts are `timeout` seconds. NULL on failure, the reason in err. */
redisContext *ec_redis_connect(const ec_redis_target *t, const char *host, int port, double timeout,
	char *err, size_t errlen);

/* The persistent connection of this process to a node (key: "host:port" or socket path),
 * reused when it is still sound, else (re)connected. *connected tells whether a connect was
 * attempted (for the attempt counter). NULL on failure, the reason in err. */
redisContext *ec_redis_pool_get(const ec_redis_target *t, const char *host, int port, double timeout,
	bool *connected, char *err, size_t errlen);
/* Forgets and frees a pooled connection after an error: it is never reused. */
void ec_redis_pool_drop(redisContext *c);
/* Closes every pooled connection (configuration change). */
void ec_redis_pool_clear(void);
/* Closes the pooled connections of the globals g (GSHUTDOWN, which may run on another thread). */
void ec_redis_pool_free(zend_ebla_chat_globals *g);
/* How many pooled connections are open and usable by this process. */
uint32_t ec_redis_pool_open(void);

/* c->errstr, said plainly: a socket timeout reads "no reply within ebla_chat.redis_timeout". */
const char *ec_redis_error(const redisContext *c, double timeout, char *buf, size_t buflen);

/* Redis Cluster. */
uint16_t ec_redis_slot(const char *key, size_t len);

typedef struct {
	char *host;
	int port;
} ec_redis_node;

typedef struct {
	ec_redis_node *nodes;  /* masters, persistent memory */
	uint32_t count;
	uint16_t *owner;       /* [EC_REDIS_SLOTS]: index into nodes, or EC_REDIS_NO_NODE */
	bool persistent;
} ec_redis_slots;

/* Loads the slot map with CLUSTER SLOTS on c (connected to seed_host:seed_port). A server with
 * cluster support disabled becomes a map of one node owning every slot, so the sharded layout
 * also works on a single Redis >= 7. FAILURE: err says why; c may then be broken (check c->err). */
zend_result ec_redis_slots_load(redisContext *c, const char *seed_host, int seed_port, ec_redis_slots *map,
	bool persistent, char *err, size_t errlen);
void ec_redis_slots_free(ec_redis_slots *map);

/* Parses "MOVED 3999 127.0.0.1:6381" / "ASK ..." into host (allocated) and port. */
bool ec_redis_parse_redirect(const char *msg, size_t len, bool *ask, char **host, int *port);

#endif
