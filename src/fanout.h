/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* fanout: real-time events to Redis pub/sub, the carrier. A write collects its events (built by
 * events.c) in an ec_events batch while its transaction runs, then its write context (write.c)
 * hands the batch over: ec_fanout_publish() right after our own COMMIT, or ec_fanout_defer()
 * (fanout_tx.c) when it joined the caller's transaction. Publishing never throws: failures are
 * counted (ebla_chat_fanout_status(), fanout_api.c). Knows nothing of the files above it. */
#ifndef EC_FANOUT_H
#define EC_FANOUT_H

#include "php.h"
#include "zend_smart_str.h"
#include "php_ebla_chat.h"

struct ec_events {
	smart_str buf;        /* payload JSON texts, back to back */
	uint32_t count;
	uint32_t capacity;
	struct ec_event {
		uint32_t payload_off, payload_len;
		zend_string *user_id; /* recipient, or NULL for a topic broadcast (streamUpdate.*) */
		zend_string *topic;
	} *items;
};
typedef struct ec_events ec_events;

/* True when ebla_chat.redis_url is set: writers skip building events otherwise. */
bool ec_fanout_enabled(void);

void ec_events_init(ec_events *ev);
/* Adds one event: payload = {<fields>, "userId": user_id, "topicId": topic} where `fields` is
 * the JSON text of the event's own members without braces (may be empty). user_id may be NULL. */
void ec_events_add(ec_events *ev, zend_string *topic, zend_string *user_id, const char *fields, size_t fields_len);
void ec_events_free(ec_events *ev);
/* Adds one event whose payload JSON is already complete (ebla_chat_fanout_send: EspoCRM's own
 * Submission messages, passed through as-is). */
void ec_events_add_raw(ec_events *ev, zend_string *topic, zend_string *user_id, const char *payload, size_t payload_len);

/* Takes ownership of ev's contents (ev is left empty). */
void ec_fanout_publish(ec_events *ev);

/* Each thread's (the process's) connections, slot map and counters: made and freed with the
 * module globals g. */
void ec_fanout_ginit(zend_ebla_chat_globals *g);
void ec_fanout_gshutdown(zend_ebla_chat_globals *g);
void ec_fanout_minfo(void);

/* --- for the files above it (fanout_tx.c, fanout_api.c, subscribe.c) --- */

/* Publishes the events of n batches in one round trip per Redis node; frees their contents. */
void ec_fanout_publish_batches(ec_events *batches, uint32_t n);
/* Events that will never be published because their transaction rolled back (`discarded`) or
 * because it ended without a commit we could see (`abandoned`). */
void ec_fanout_count_dropped(uint32_t n, bool abandoned);
/* The channel of an event in the current layout, appended to out. */
void ec_fanout_channel(smart_str *out, const zend_string *topic, const zend_string *user_id);

/* ebla_chat_fanout_status()'s array, with `deferred` events waiting for a caller's commit. */
void ec_fanout_status(zval *return_value, uint32_t deferred);
/* Events published by this process so far. */
uint64_t ec_fanout_published(void);

#endif
