/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* text: see text.h. */
#include <time.h>
#include "php.h"
#include <sys/time.h>
#include "text.h"
#include "errors.h"

zend_result ec_text_require_utf8(const zend_string *s, const char *what)
{
	const unsigned char *p = (const unsigned char *) ZSTR_VAL(s), *end = p + ZSTR_LEN(s);

	while (p < end) {
		unsigned char c = *p;
		size_t need;
		uint32_t cp;

		if (c == 0) {
			return ec_bad_request("%s contains a NUL byte at offset %zu", what, (size_t) (p - (const unsigned char *) ZSTR_VAL(s)));
		}
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1; cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2; cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3; cp = c & 0x07;
		} else {
			goto invalid;
		}
		if ((size_t) (end - p) <= need) {
			goto invalid;
		}
		for (size_t i = 1; i <= need; i++) {
			if ((p[i] & 0xC0) != 0x80) {
				goto invalid;
			}
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		/* Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8. */
		if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
			goto invalid;
		}
		p += need + 1;
	}
	return SUCCESS;

invalid:
	return ec_bad_request("%s is not valid UTF-8 (at byte offset %zu)", what, (size_t) (p - (const unsigned char *) ZSTR_VAL(s)));
}

static bool ec_mention_char(unsigned char c)
{
	/* EspoCRM's pattern: @[\w@.-]+ (ASCII word characters). */
	return isalnum(c) || c == '_' || c == '@' || c == '.' || c == '-';
}

void ec_text_mentions(const zend_string *text, HashTable *names)
{
	const char *s = ZSTR_VAL(text);
	size_t len = ZSTR_LEN(text);

	for (size_t i = 0; i < len; i++) {
		size_t start, end;
		if (s[i] != '@' || i + 1 >= len || !ec_mention_char((unsigned char) s[i + 1])) {
			continue;
		}
		start = i + 1;
		end = start;
		while (end < len && ec_mention_char((unsigned char) s[end])) {
			end++;
		}
		i = end - 1;
		/* "Thanks @anna." ends a sentence: the dot is not part of the name. */
		while (end > start && (s[end - 1] == '.' || s[end - 1] == '-')) {
			end--;
		}
		if (end > start) {
			zend_hash_str_add_empty_element(names, s + start, end - start);
		}
	}
}

void ec_json_cstr(smart_str *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	/* As json_encode(JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES): UTF-8 passes through,
	 * quotes, backslashes, control characters and U+2028/U+2029 are escaped. */
	smart_str_alloc(out, len + 2, 0);
	smart_str_appendc(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char) s[i];
		const char *escape = NULL;
		char buf[7];

		if (c == '"') {
			escape = "\\\"";
		} else if (c == '\\') {
			escape = "\\\\";
		} else if (c == '\n') {
			escape = "\\n";
		} else if (c == '\r') {
			escape = "\\r";
		} else if (c == '\t') {
			escape = "\\t";
		} else if (c < 0x20) {
			buf[0] = '\\'; buf[1] = 'u'; buf[2] = '0'; buf[3] = '0';
			buf[4] = hex[c >> 4]; buf[5] = hex[c & 15]; buf[6] = '\0';
			escape = buf;
		} else if (c == 0xE2 && i + 2 < len && (unsigned char) s[i + 1] == 0x80
			&& ((unsigned char) s[i + 2] == 0xA8 || (unsigned char) s[i + 2] == 0xA9)) {
			escape = (unsigned char) s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
			smart_str_appendl(out, s + i - run, run);
			run = 0;
			smart_str_appends(out, escape);
			i += 2;
			continue;
		}
		if (escape) {
			smart_str_appendl(out, s + i - run, run);
			run = 0;
			smart_str_appends(out, escape);
		} else {
			run++;
		}
	}
	smart_str_appendl(out, s + len - run, run);
	smart_str_appendc(out, '"');
}

void ec_json_str(smart_str *out, const zend_string *s)
{
	if (!s) {
		smart_str_appendl(out, "null", 4);
		return;
	}
	ec_json_cstr(out, ZSTR_VAL(s), ZSTR_LEN(s));
}

zend_string *ec_display_name(zval *first, zval *last, zval *user_name)
{
	smart_str name = {0};

	if (first && Z_TYPE_P(first) == IS_STRING && Z_STRLEN_P(first)) {
		smart_str_append(&name, Z_STR_P(first));
	}
	if (last && Z_TYPE_P(last) == IS_STRING && Z_STRLEN_P(last)) {
		if (name.s) {
			smart_str_appendc(&name, ' ');
		}
		smart_str_append(&name, Z_STR_P(last));
	}
	if (!name.s) {
		if (user_name && Z_TYPE_P(user_name) == IS_STRING) {
			return zend_string_copy(Z_STR_P(user_name));
		}
		return ZSTR_EMPTY_ALLOC();
	}
	return smart_str_extract(&name);
}

zend_string *ec_now_utc(void)
{
	/* The precise clock, as PHP's own time functions read it: time() reads the kernel's coarse
	 * clock, up to a tick behind, so a message could be stamped a second before PHP's "now". */
	struct timeval tv;
	time_t now;
	struct tm tm;
	char buf[32];

	gettimeofday(&tv, NULL);
	now = tv.tv_sec;
	gmtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	return zend_string_init(buf, strlen(buf), 0);
}
