/* fanout: see fanout.h. */
#include "php.h"
#include "ext/standard/info.h"
#include "php_ebla_chat.h"
#include "fanout.h"
#include "text.h"

bool ec_fanout_enabled(void)
{
	return EC_G(redis_url) && EC_G(redis_url)[0];
}

void ec_events_init(ec_events *ev)
{
	memset(ev, 0, sizeof(*ev));
}

void ec_events_add(ec_events *ev, zend_string *topic, zend_string *user_id, const char *fields, size_t fields_len)
{
	struct ec_event *e;
	size_t start = ev->buf.s ? ZSTR_LEN(ev->buf.s) : 0;

	if (ev->count == ev->capacity) {
		ev->capacity = ev->capacity ? ev->capacity * 2 : 8;
		ev->items = safe_erealloc(ev->items, ev->capacity, sizeof(*ev->items), 0);
	}
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

	e = &ev->items[ev->count++];
	e->payload_off = (uint32_t) start;
	e->payload_len = (uint32_t) (ZSTR_LEN(ev->buf.s) - start);
	e->user_id = user_id ? zend_string_copy(user_id) : NULL;
	e->topic = zend_string_copy(topic);
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

void ec_fanout_publish(ec_events *ev)
{
	ec_events_free(ev);
}

void ec_fanout_defer(zend_object *pdo, ec_events *ev)
{
	ec_events_free(ev);
}

void ec_fanout_minit(void)
{
}

void ec_fanout_rshutdown(void)
{
}

void ec_fanout_minfo(void)
{
}
