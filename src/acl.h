/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* acl: EspoCRM's rules on who may chat with whom (docs/design.md "Membership and permissions").
 * Loads a user's permission data (type, active flag, teams, merged role levels) with a fixed
 * number of queries and caches it for the rest of the request, so checking 1,000 users does
 * not run 1,000 queries. Membership rules of dialogs live in dialogs.c; this file answers
 * "who is acting" and "may the actor reach these users". */
#ifndef EC_ACL_H
#define EC_ACL_H

#include "php.h"
#include "db.h"

typedef enum {
	EC_USER_REGULAR, EC_USER_ADMIN, EC_USER_SUPER_ADMIN, EC_USER_PORTAL, EC_USER_SYSTEM, EC_USER_API, EC_USER_OTHER
} ec_user_type;

/* EspoCRM's `User` scope read level, ordered from least to most permissive so merging is max(). */
typedef enum { EC_READ_NO, EC_READ_OWN, EC_READ_TEAM, EC_READ_ALL } ec_read_level;

typedef struct {
	zend_string *id;
	zend_string *name;       /* display name */
	zend_string *user_name;
	ec_user_type type;
	bool is_admin;           /* admin or super-admin */
	bool is_portal;
	/* Effective levels: the caller's `acl` option over the role tables; admins all/yes;
	 * meaningless for portal actors (their reach is their dialogs). */
	ec_read_level user_read;
	bool portal_permission;
} ec_actor;

/* Why partners are checked: portal users may post in dialogs they belong to, never open or add. */
typedef enum { EC_ACL_OPEN, EC_ACL_ADD, EC_ACL_POST } ec_acl_purpose;

/* The acting user, cached with the PDO's connection state (conn.c). acl: the caller's `acl`
 * option or NULL (it then takes precedence over the role tables for this actor while cached).
 * NotFound: unknown or deleted; Forbidden: inactive, system, api, or a portal user while
 * ebla_chat.portal_enabled = 0. Returns NULL with the exception set. */
const ec_actor *ec_acl_actor(ec_db *db, zend_string *actor_id, HashTable *acl);

/* Every user in ids must be one the actor may chat with (never the actor itself: callers drop
 * it first). NotFound for unknown or deleted users, Forbidden otherwise (naming the reason, not
 * the user's data). A fixed number of queries whatever n. */
zend_result ec_acl_require_partners(ec_db *db, const ec_actor *actor, zend_string **ids, uint32_t n, ec_acl_purpose purpose);

/* The `acl` option of the functions that take options: BadRequest unless acl (may be NULL) has
 * only the known keys with known values. ec_acl_actor checks it too; this is for callers that
 * want the error before doing anything else. */
zend_result ec_acl_option_check(HashTable *acl);

#endif
