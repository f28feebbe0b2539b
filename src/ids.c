/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* ids: see ids.h. */
#include "php.h"
#ifdef PHP_WIN32
#include <rpc.h>            /* UuidCreate: Windows' own random (v4) UUIDs, no libuuid there */
#include "win32/time.h"
#else
#include <sys/time.h>
#include <uuid/uuid.h>
#endif
#include "php_ebla_chat.h"
#include "ids.h"
#include "errors.h"

/* Last (seconds, microseconds) handed out by this process (EC_G(last_id_clock), per thread in
 * thread-safe builds): ids stay strictly increasing even when the clock stands still or steps
 * back, without sleeping as uniqid() does. */
#define ec_last_id_clock EC_G(last_id_clock)

static bool ec_uuid_mode(void)
{
	return EC_G(id_type) && strcmp(EC_G(id_type), "uuid4") == 0;
}

zend_string *ec_id_generate(void)
{
	struct timeval tv;
	uint64_t clock;

	if (ec_uuid_mode()) {
		zend_string *out = zend_string_alloc(36, 0);
#ifdef PHP_WIN32
		UUID uuid;
		RPC_CSTR text = NULL;
		UuidCreate(&uuid);
		UuidToStringA(&uuid, &text);
		memcpy(ZSTR_VAL(out), text, 36);
		RpcStringFreeA(&text);
		zend_str_tolower(ZSTR_VAL(out), 36);
#else
		uuid_t uuid;
		uuid_generate_random(uuid);
		uuid_unparse_lower(uuid, ZSTR_VAL(out));
#endif
		ZSTR_VAL(out)[36] = '\0';
		return out;
	}

	gettimeofday(&tv, NULL);
	clock = (uint64_t) tv.tv_sec * 1000000 + (uint64_t) tv.tv_usec;
	if (clock <= ec_last_id_clock) {
		clock = ec_last_id_clock + 1;
	}
	ec_last_id_clock = clock;
	/* Processes running at once on one host have different pids, so the low 16 bits of the pid
	 * tell them apart where EspoCRM's 4 random hex digits only make a clash unlikely. */
	return zend_strpprintf(17, "%08x%05x%04x", (unsigned) (clock / 1000000), (unsigned) (clock % 1000000),
		(unsigned) (getpid() & 0xffff));
}

bool ec_id_valid(const zend_string *id)
{
	size_t len = ZSTR_LEN(id);

	if (len == 0 || len > EC_ID_MAX_LENGTH) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char) ZSTR_VAL(id)[i];
		if (!(isalnum(c) || c == '-' || c == '_' || c == '.')) {
			return false;
		}
	}
	return true;
}

zend_result ec_id_require(const zend_string *id, const char *what)
{
	if (ec_id_valid(id)) {
		return SUCCESS;
	}
	return ec_bad_request("%s is not a valid id: expected 1 to %d characters of A-Z a-z 0-9 - _ .",
		what, EC_ID_MAX_LENGTH);
}

int ec_id_column_length(void)
{
	return ec_uuid_mode() ? 36 : 17;
}

ZEND_FUNCTION(ebla_chat_generate_id)
{
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_STR(ec_id_generate());
}
