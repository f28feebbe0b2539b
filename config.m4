dnl ebla_chat: chat engine for EspoCRM
dnl Copyright (c) 2026 Ebla Chat team
dnl SPDX-License-Identifier: MIT (see the LICENSE file)
dnl ebla_chat: chat engine for EspoCRM.
dnl Finds hiredis and libuuid with pkg-config (or --with-*=DIR), declares pdo.

PHP_ARG_ENABLE([ebla-chat],
  [whether to enable ebla_chat],
  [AS_HELP_STRING([--enable-ebla-chat], [Enable ebla_chat])], [yes])

PHP_ARG_WITH([hiredis],
  [for hiredis],
  [AS_HELP_STRING([[--with-hiredis[=DIR]]], [ebla_chat: hiredis install prefix (default: pkg-config)])],
  [yes], [no])

PHP_ARG_WITH([uuid],
  [for libuuid],
  [AS_HELP_STRING([[--with-uuid[=DIR]]], [ebla_chat: libuuid install prefix (default: pkg-config)])],
  [yes], [no])

PHP_ARG_ENABLE([ebla-chat-developer],
  [whether to build ebla_chat with developer flags],
  [AS_HELP_STRING([--enable-ebla-chat-developer], [ebla_chat: -Wall -Wextra -Werror and debug info])],
  [no], [no])

if test "$PHP_EBLA_CHAT" != "no"; then
  PKG_PROG_PKG_CONFIG

  dnl hiredis >= 0.14: the Debian 12 version; 1.x features are guarded in the source.
  if test "$PHP_HIREDIS" != "yes" && test "$PHP_HIREDIS" != "no"; then
    if test ! -f "$PHP_HIREDIS/include/hiredis/hiredis.h"; then
      AC_MSG_ERROR([hiredis.h not found under $PHP_HIREDIS/include/hiredis])
    fi
    PHP_ADD_INCLUDE([$PHP_HIREDIS/include])
    PHP_ADD_LIBRARY_WITH_PATH([hiredis], [$PHP_HIREDIS/$PHP_LIBDIR], [EBLA_CHAT_SHARED_LIBADD])
    EBLA_CHAT_HIREDIS_SOURCE="$PHP_HIREDIS"
  else
    PKG_CHECK_MODULES([HIREDIS], [hiredis >= 0.14], [],
      [AC_MSG_ERROR([hiredis >= 0.14 not found: install libhiredis-dev or pass --with-hiredis=DIR])])
    dnl Only the -I flags: hiredis.pc also carries -D_FILE_OFFSET_BITS=64, which must not leak into PHP's ABI.
    for flag in $HIREDIS_CFLAGS; do
      case "$flag" in -I*) PHP_EVAL_INCLINE([$flag]) ;; esac
    done
    PHP_EVAL_LIBLINE([$HIREDIS_LIBS], [EBLA_CHAT_SHARED_LIBADD])
    EBLA_CHAT_HIREDIS_SOURCE="pkg-config $($PKG_CONFIG --modversion hiredis)"
  fi

  if test "$PHP_UUID" != "yes" && test "$PHP_UUID" != "no"; then
    if test ! -f "$PHP_UUID/include/uuid/uuid.h"; then
      AC_MSG_ERROR([uuid/uuid.h not found under $PHP_UUID/include])
    fi
    PHP_ADD_INCLUDE([$PHP_UUID/include])
    PHP_ADD_LIBRARY_WITH_PATH([uuid], [$PHP_UUID/$PHP_LIBDIR], [EBLA_CHAT_SHARED_LIBADD])
    EBLA_CHAT_UUID_SOURCE="$PHP_UUID"
  else
    PKG_CHECK_MODULES([UUID], [uuid >= 2.30], [],
      [AC_MSG_ERROR([libuuid >= 2.30 not found: install uuid-dev or pass --with-uuid=DIR])])
    for flag in $UUID_CFLAGS; do
      case "$flag" in -I*) PHP_EVAL_INCLINE([$flag]) ;; esac
    done
    PHP_EVAL_LIBLINE([$UUID_LIBS], [EBLA_CHAT_SHARED_LIBADD])
    EBLA_CHAT_UUID_SOURCE="pkg-config $($PKG_CONFIG --modversion uuid)"
    AC_DEFINE_UNQUOTED([EBLA_CHAT_UUID_VERSION], ["$($PKG_CONFIG --modversion uuid)"], [libuuid version, for phpinfo()])
  fi

  EBLA_CHAT_CFLAGS="-DZEND_ENABLE_STATIC_TSRMLS_CACHE=1 -I@ext_srcdir@/src"
  if test "$PHP_EBLA_CHAT_DEVELOPER" = "yes"; then
    EBLA_CHAT_CFLAGS="$EBLA_CHAT_CFLAGS -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers"
  else
    EBLA_CHAT_CFLAGS="$EBLA_CHAT_CFLAGS -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers"
  fi

  PHP_NEW_EXTENSION(ebla_chat,
    ebla_chat.c src/errors.c src/db.c src/conn.c src/ids.c src/schema.c src/text.c src/options.c src/acl.c src/dialogs.c src/messages.c src/unread.c src/hints.c src/listing.c src/render.c src/counters.c src/events.c src/write.c src/fanout.c src/fanout_tx.c src/fanout_api.c src/redis.c src/subscribe.c,
    $ext_shared,, $EBLA_CHAT_CFLAGS)
  PHP_ADD_BUILD_DIR([$ext_builddir/src])
  PHP_ADD_EXTENSION_DEP(ebla_chat, pdo)
  PHP_ADD_EXTENSION_DEP(ebla_chat, json)
  PHP_SUBST(EBLA_CHAT_SHARED_LIBADD)

  AC_MSG_NOTICE([])
  AC_MSG_NOTICE([ebla_chat configuration summary])
  AC_MSG_NOTICE([  hiredis:         $EBLA_CHAT_HIREDIS_SOURCE])
  AC_MSG_NOTICE([  libuuid:         $EBLA_CHAT_UUID_SOURCE])
  AC_MSG_NOTICE([  developer flags: $PHP_EBLA_CHAT_DEVELOPER])
  AC_MSG_NOTICE([])
fi
