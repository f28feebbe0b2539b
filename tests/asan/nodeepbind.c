/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/*
 * Preloaded before the sanitizer runtime when the phpt suite runs against the ASan/UBSan build
 * (scripts/sanitize.sh). PHP opens extensions with RTLD_DEEPBIND, which AddressSanitizer refuses
 * ("incompatible with sanitizer runtime"): a deep-bound library would call the real malloc/free
 * instead of the sanitizer's. This dlopen() drops that one flag and hands over to the next
 * dlopen in the search order (the sanitizer's interceptor, then libc's).
 */
#define _GNU_SOURCE
#include <dlfcn.h>

void *dlopen(const char *file, int mode)
{
	static void *(*next_dlopen)(const char *, int);

	if (!next_dlopen) {
		next_dlopen = (void *(*)(const char *, int)) dlsym(RTLD_NEXT, "dlopen");
	}
	return next_dlopen(file, mode & ~RTLD_DEEPBIND);
}
