/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* acl: see acl.h. The rules as implemented are written down in docs/acl.md.
 *
 * Two halves: (1) the actor's permission data, loaded once per PDO object with at most two
 * queries (user row; merged roles) and cached; (2) "who may the actor reach", rendered as one
 * SQL condition over `user` u, so checking n users, listing partners or answering can_chat is
 * always one statement whatever n or the size of the user base. Team and dialog sharing are
 * evaluated in that SQL (never cached), so a partner who just left a team is refused at once. */
#include "php.h"
#include "zend_smart_str.h"
#include "ext/json/php_json.h"
#include "ext/pdo/php_pdo_driver.h"
#include "php_ebla_chat.h"
#include "acl.h"
#include "conn.h"
#include "errors.h"
#include "ids.h"
#include "options.h"
#include "text.h"

/* The cached entry: what callers see first, then where the levels came from. */
typedef struct {
	ec_actor pub;
	bool active;                       /* inactive actors are cached too, and refused on every call */
	/* The role tables, merged; loaded only when the caller's option does not give both levels. */
	bool tables_loaded;
	zend_string *tables_baseline;      /* the baseline role id they were merged with ("" = none) */
	ec_read_level tables_read;
	bool tables_portal;
	/* The caller's `acl` option; once given it holds for the rest of the request. */
	int opt_read;                      /* ec_read_level, or -1 when not given */
	int opt_portal;                    /* 0/1, or -1 when not given */
	zend_string *opt_baseline;         /* NULL when not given */
} ec_acl_entry;

/* A parsed `acl` option; strings borrowed from the caller's array. */
typedef struct {
	int read;
	int portal;
	zend_string *baseline;
} ec_acl_option;

#define EC_ACL_MAX_REACH_PARAMS 2

static const char *const ec_read_names[] = {"no", "own", "team", "all"};

/* ---- user types ------------------------------------------------------------------------ */

static ec_user_type ec_user_type_of(zend_string *type)
{
	/* A NULL type is EspoCRM's column default, 'regular' (SQL below says COALESCE likewise). */
	if (!type || zend_string_equals_literal(type, "regular")) return EC_USER_REGULAR;
	if (zend_string_equals_literal(type, "admin")) return EC_USER_ADMIN;
	if (zend_string_equals_literal(type, "super-admin")) return EC_USER_SUPER_ADMIN;
	if (zend_string_equals_literal(type, "portal")) return EC_USER_PORTAL;
	if (zend_string_equals_literal(type, "system")) return EC_USER_SYSTEM;
	if (zend_string_equals_literal(type, "api")) return EC_USER_API;
	return EC_USER_OTHER;
}

/* ---- the acl option -------------------------------------------------------------------- */

static int ec_acl_word(zval *v, const char *const *words, int count)
{
	if (Z_TYPE_P(v) != IS_STRING) {
		return -1;
	}
	for (int i = 0; i < count; i++) {
		if (zend_string_equals_cstr(Z_STR_P(v), words[i], strlen(words[i]))) {
			return i;
		}
	}
	return -1;
}

static zend_result ec_acl_option_parse(HashTable *acl, ec_acl_option *out)
{
	static const char *const portal_words[] = {"no", "yes"};
	zend_string *key;
	zval *v;

	out->read = -1;
	out->portal = -1;
	out->baseline = NULL;
	if (!acl) {
		return SUCCESS;
	}
	ZEND_HASH_FOREACH_STR_KEY_VAL(acl, key, v) {
		ZVAL_DEREF(v);
		if (!key) {
			return ec_bad_request("Option \"acl\" must be an array with the keys userRead, portal, baselineRoleId");
		}
		if (Z_TYPE_P(v) == IS_NULL) {
			continue; /* null = not given, as for every other option */
		}
		if (zend_string_equals_literal(key, "userRead")) {
			if ((out->read = ec_acl_word(v, ec_read_names, 4)) < 0) {
				return ec_bad_request("Option \"acl\": userRead must be one of all, team, own, no");
			}
		} else if (zend_string_equals_literal(key, "portal")) {
			if ((out->portal = ec_acl_word(v, portal_words, 2)) < 0) {
				return ec_bad_request("Option \"acl\": portal must be yes or no");
			}
		} else if (zend_string_equals_literal(key, "baselineRoleId")) {
			/* "" says "no baseline role", overriding the INI entry. */
			if (Z_TYPE_P(v) != IS_STRING || (Z_STRLEN_P(v) && !ec_id_valid(Z_STR_P(v)))) {
				return ec_bad_request("Option \"acl\": baselineRoleId must be a role id or an empty string");
			}
			out->baseline = Z_STR_P(v);
		} else {
			ec_bad_request("Option \"acl\": unknown key \"%s\"; known keys: userRead, portal, baselineRoleId",
				ec_id_valid(key) ? ZSTR_VAL(key) : "?");
			return FAILURE;
		}
	} ZEND_HASH_FOREACH_END();
	return SUCCESS;
}

zend_result ec_acl_option_check(HashTable *acl)
{
	ec_acl_option opt;
	return ec_acl_option_parse(acl, &opt);
}

/* ---- the per-connection cache ---------------------------------------------------------- */

static void ec_acl_entry_free(zval *zv)
{
	ec_acl_entry *e = Z_PTR_P(zv);

	zend_string_release(e->pub.id);
	zend_string_release(e->pub.name);
	if (e->pub.user_name) {
		zend_string_release(e->pub.user_name);
	}
	if (e->tables_baseline) {
		zend_string_release(e->tables_baseline);
	}
	if (e->opt_baseline) {
		zend_string_release(e->opt_baseline);
	}
	efree(e);
}

/* One table of actors per PDO object (per database: the same id in another database is another
 * user), kept with that connection's state (conn.c): it goes when the caller drops the PDO,
 * never during a call, since the call's own argument keeps the PDO alive; so the
 * `const ec_actor *` handed out stays valid until the call returns. */
static HashTable *ec_acl_cache_for(ec_db *db)
{
	return ec_conn_actors(ec_conn_get(db->pdo), ec_acl_entry_free);
}

/* ---- loading the actor ----------------------------------------------------------------- */

/* Query 1: the user row. NULL with NotFound for an unknown or deleted user. */
static ec_acl_entry *ec_acl_load_user(ec_db *db, zend_string *actor_id)
{
	zval rows, *row, param;
	zend_string *type;
	ec_acl_entry *e;

	ZVAL_STR(&param, actor_id);
	if (ec_db_query(db, "SELECT `type`, is_active, first_name, last_name, user_name FROM `user` WHERE id = ? AND deleted = FALSE",
			&param, 1, &rows) == FAILURE) {
		return NULL;
	}
	row = zend_hash_index_find(Z_ARRVAL(rows), 0);
	if (!row) {
		zval_ptr_dtor(&rows);
		ec_not_found("User %s not found", ZSTR_VAL(actor_id));
		return NULL;
	}
	e = ecalloc(1, sizeof(*e));
	type = ec_val_str(EC_COL(row, 0));
	e->pub.id = zend_string_copy(actor_id);
	e->pub.type = ec_user_type_of(type);
	e->pub.name = ec_display_name(EC_COL(row, 2), EC_COL(row, 3), EC_COL(row, 4));
	e->pub.user_name = ec_val_str(EC_COL(row, 4));
	e->pub.is_admin = e->pub.type == EC_USER_ADMIN || e->pub.type == EC_USER_SUPER_ADMIN;
	e->pub.is_portal = e->pub.type == EC_USER_PORTAL;
	e->active = ec_val_bool(EC_COL(row, 1));
	e->opt_read = -1;
	e->opt_portal = -1;
	if (type) {
		zend_string_release(type);
	}
	zval_ptr_dtor(&rows);
	return e;
}

/* The actor is the caller's own user, so the reason may be named in full. */
static zend_result ec_acl_require_usable(const ec_actor *a, bool active)
{
	switch (a->type) {
		case EC_USER_SYSTEM:
			return ec_forbidden("The system user cannot use the chat");
		case EC_USER_API:
			return ec_forbidden("API users cannot use the chat");
		case EC_USER_OTHER:
			return ec_forbidden("User %s has a user type the chat does not know", ZSTR_VAL(a->id));
		default:
			break;
	}
	if (!active) {
		return ec_forbidden("User %s is not active", ZSTR_VAL(a->id));
	}
	if (a->is_portal && !EC_G(portal_enabled)) {
		return ec_forbidden("Portal users cannot use the chat here (ebla_chat.portal_enabled = 0)");
	}
	return SUCCESS;
}

/* One role's `User` read level from its `data` JSON; -1 when the role says nothing about it. */
static int ec_acl_role_read(zval *data)
{
	zval decoded, *scope, *read;
	int level = -1;
	php_json_error_code saved;

	if (!data || Z_TYPE_P(data) != IS_STRING || Z_STRLEN_P(data) == 0) {
		return -1;
	}
	/* A broken role must not change what json_last_error() tells the caller about its own work. */
	saved = JSON_G(error_code);
	if (php_json_decode_ex(&decoded, Z_STRVAL_P(data), Z_STRLEN_P(data), PHP_JSON_OBJECT_AS_ARRAY,
			PHP_JSON_PARSER_DEFAULT_DEPTH) == FAILURE) {
		JSON_G(error_code) = saved;
		return -1;
	}
	if (Z_TYPE(decoded) == IS_ARRAY && (scope = zend_hash_str_find(Z_ARRVAL(decoded), "User", 4))) {
		if (Z_TYPE_P(scope) == IS_FALSE) {
			level = EC_READ_NO; /* "User": false = no access to the scope at all */
		} else if (Z_TYPE_P(scope) == IS_ARRAY && (read = zend_hash_str_find(Z_ARRVAL_P(scope), "read", 4))) {
			level = ec_acl_word(read, ec_read_names, 4); /* "not-set" and the unknown do not count */
		}
	}
	zval_ptr_dtor(&decoded);
	return level;
}

/* Query 2: every role that applies (baseline, the user's own, the user's teams'), merged the
 * EspoCRM way: most permissive wins, a role that says nothing does not count, then defaults
 * (User read: own; portal: no). */
static zend_result ec_acl_load_roles(ec_db *db, ec_acl_entry *e, zend_string *baseline)
{
	zval rows, *row, params[3];
	int read = -1;
	bool portal = false;

	ZVAL_STR(&params[0], baseline);
	ZVAL_STR(&params[1], e->pub.id);
	ZVAL_STR(&params[2], e->pub.id);
	if (ec_db_query(db,
			"SELECT r.data, r.portal_permission FROM `role` r WHERE r.deleted = FALSE AND (r.id = ?"
			" OR r.id IN (SELECT ru.role_id FROM `role_user` ru WHERE ru.user_id = ? AND ru.deleted = FALSE)"
			" OR r.id IN (SELECT rt.role_id FROM `role_team` rt"
			" JOIN `team_user` tu ON tu.team_id = rt.team_id AND tu.deleted = FALSE"
			" JOIN `team` t ON t.id = rt.team_id AND t.deleted = FALSE"
			" WHERE tu.user_id = ? AND rt.deleted = FALSE))",
			params, 3, &rows) == FAILURE) {
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(rows), row) {
		zval *perm = EC_COL(row, 1);
		int level = ec_acl_role_read(EC_COL(row, 0));
		if (level > read) {
			read = level;
		}
		if (perm && Z_TYPE_P(perm) == IS_STRING && zend_string_equals_literal(Z_STR_P(perm), "yes")) {
			portal = true;
		}
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&rows);

	e->tables_read = read < 0 ? EC_READ_OWN : (ec_read_level) read;
	e->tables_portal = portal;
	e->tables_loaded = true;
	if (e->tables_baseline) {
		zend_string_release(e->tables_baseline);
	}
	e->tables_baseline = zend_string_copy(baseline);
	return SUCCESS;
}

static void ec_acl_apply_option(ec_acl_entry *e, const ec_acl_option *opt)
{
	if (opt->read >= 0) {
		e->opt_read = opt->read;
	}
	if (opt->portal >= 0) {
		e->opt_portal = opt->portal;
	}
	if (opt->baseline) {
		if (e->opt_baseline) {
			zend_string_release(e->opt_baseline);
		}
		e->opt_baseline = zend_string_copy(opt->baseline);
	}
}

/* The effective levels: admins all/yes whatever anyone says (EspoCRM gives admins the highest
 * levels, and AclManager would report the same); regular users: the option over the tables. */
static zend_result ec_acl_resolve_levels(ec_db *db, ec_acl_entry *e)
{
	zend_string *baseline;
	zend_result status = SUCCESS;

	if (e->pub.is_admin) {
		e->pub.user_read = EC_READ_ALL;
		e->pub.portal_permission = true;
		return SUCCESS;
	}
	if (e->pub.type != EC_USER_REGULAR) {
		e->pub.user_read = EC_READ_NO;
		e->pub.portal_permission = false;
		return SUCCESS;
	}
	if (e->opt_read < 0 || e->opt_portal < 0) {
		baseline = e->opt_baseline ? zend_string_copy(e->opt_baseline)
			: zend_string_init(EC_G(baseline_role_id) ? EC_G(baseline_role_id) : "",
				EC_G(baseline_role_id) ? strlen(EC_G(baseline_role_id)) : 0, 0);
		if (!e->tables_loaded || !zend_string_equals(e->tables_baseline, baseline)) {
			status = ec_acl_load_roles(db, e, baseline);
		}
		zend_string_release(baseline);
		if (status == FAILURE) {
			return FAILURE;
		}
	}
	e->pub.user_read = e->opt_read >= 0 ? (ec_read_level) e->opt_read : e->tables_read;
	e->pub.portal_permission = e->opt_portal >= 0 ? e->opt_portal == 1 : e->tables_portal;
	return SUCCESS;
}

const ec_actor *ec_acl_actor(ec_db *db, zend_string *actor_id, HashTable *acl)
{
	ec_acl_option opt;
	ec_acl_entry *e;
	HashTable *cache;

	if (ec_id_require(actor_id, "actorId") == FAILURE || ec_acl_option_parse(acl, &opt) == FAILURE) {
		return NULL;
	}
	cache = ec_acl_cache_for(db);
	e = zend_hash_find_ptr(cache, actor_id);
	if (!e) {
		if (!(e = ec_acl_load_user(db, actor_id))) {
			return NULL;
		}
		zend_hash_add_new_ptr(cache, actor_id, e);
	}
	/* portal_enabled is PHP_INI_ALL: checked on every call, not when the entry was made. */
	if (ec_acl_require_usable(&e->pub, e->active) == FAILURE) {
		return NULL;
	}
	ec_acl_apply_option(e, &opt);
	if (ec_acl_resolve_levels(db, e) == FAILURE) {
		return NULL;
	}
	return &e->pub;
}

/* ---- reach: "may the actor chat with user u", as SQL --------------------------------------- */

/* A list of reach parameters (the actor's id, at most twice), bound in the order they appear. */
typedef struct {
	zval v[EC_ACL_MAX_REACH_PARAMS];
	uint32_t n;
} ec_acl_params;

static void ec_acl_param_actor(ec_acl_params *p, const ec_actor *a)
{
	ZEND_ASSERT(p->n < EC_ACL_MAX_REACH_PARAMS);
	ZVAL_STR(&p->v[p->n++], a->id);
}

/* Users of these types can be chat partners at all (system and api never). */
static void ec_acl_sql_types(smart_str *sql, bool regular, bool super_admin, bool portal)
{
	bool first = true;

	smart_str_appends(sql, "COALESCE(u.`type`, 'regular') IN (");
	if (regular) {
		smart_str_appends(sql, "'regular', 'admin'");
		first = false;
	}
	if (super_admin) {
		smart_str_appends(sql, first ? "'super-admin'" : ", 'super-admin'");
		first = false;
	}
	if (portal) {
		smart_str_appends(sql, first ? "'portal'" : ", 'portal'");
	}
	smart_str_appendc(sql, ')');
}

/* The condition on `user` u (aliased u, deleted rows already filtered by the caller). Changes
 * here must be mirrored in docs/acl.md and in the reference of tests/057-acl-random.phpt. */
static void ec_acl_sql_reach(smart_str *sql, const ec_actor *a, ec_acl_params *p)
{
	const bool portal_on = EC_G(portal_enabled);

	p->n = 0;
	smart_str_appends(sql, "(u.id <> ? AND u.is_active = TRUE AND ");
	ec_acl_param_actor(p, a);

	if (a->is_portal) {
		/* Portal actors reach the people of their dialogs (membership is what they were given). */
		ec_acl_sql_types(sql, true, true, true);
		smart_str_appends(sql, " AND EXISTS (SELECT 1 FROM `dialog_user` ma"
			" JOIN `dialog_user` mb ON mb.dialog_id = ma.dialog_id AND mb.deleted = FALSE"
			" JOIN `dialog` d ON d.id = ma.dialog_id AND d.deleted = FALSE"
			" WHERE ma.user_id = ? AND ma.deleted = FALSE AND mb.user_id = u.id))");
		ec_acl_param_actor(p, a);
		return;
	}
	if (a->is_admin) {
		/* Only super-admins see super-admins (EspoCRM's User AccessChecker). */
		ec_acl_sql_types(sql, true, a->type == EC_USER_SUPER_ADMIN, portal_on);
		smart_str_appendc(sql, ')');
		return;
	}

	/* Regular users: the User read level decides for regular/admin users; portal users need
	 * portal permission (EspoCRM shows them at every level that can read users at all). */
	smart_str_appends(sql, "(");
	switch (a->user_read) {
		case EC_READ_ALL:
			ec_acl_sql_types(sql, true, false, false);
			break;
		case EC_READ_TEAM:
			smart_str_appendc(sql, '(');
			ec_acl_sql_types(sql, true, false, false);
			/* IN, not a correlated EXISTS: the databases turn it into a semi-join driven by the
			 * actor's few teams instead of probing the teams of every user row. */
			smart_str_appends(sql, " AND u.id IN (SELECT tb.user_id FROM `team_user` ta"
				" JOIN `team_user` tb ON tb.team_id = ta.team_id AND tb.deleted = FALSE"
				" JOIN `team` t ON t.id = ta.team_id AND t.deleted = FALSE"
				" WHERE ta.user_id = ? AND ta.deleted = FALSE))");
			ec_acl_param_actor(p, a);
			break;
		default:
			smart_str_appends(sql, "1 = 0");
			break;
	}
	if (portal_on && a->portal_permission && a->user_read != EC_READ_NO) {
		smart_str_appends(sql, " OR COALESCE(u.`type`, 'regular') = 'portal'");
	}
	smart_str_appends(sql, "))");
}

/* Runs "SELECT u.id, reachable FROM user u WHERE id IN (ids)" and fills reach: id => bool
 * (only existing, non-deleted users appear). One statement whatever n. */
static zend_result ec_acl_reach_of(ec_db *db, const ec_actor *a, zend_string **ids, uint32_t n, HashTable *reach)
{
	smart_str sql = {0};
	ec_acl_params p;
	zval rows, *row;
	zend_result status;

	smart_str_appends(&sql, "SELECT u.id, CASE WHEN ");
	ec_acl_sql_reach(&sql, a, &p);
	smart_str_appends(&sql, " THEN 1 ELSE 0 END FROM `user` u WHERE u.deleted = FALSE AND u.id IN (");
	smart_str_0(&sql);
	status = ec_db_run_in_ids(db, ZSTR_VAL(sql.s), p.v, p.n, ids, n, ")", &rows, NULL);
	smart_str_free(&sql);
	if (status == FAILURE) {
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(rows), row) {
		zend_string *id = ec_val_str(EC_COL(row, 0));
		if (id) {
			zval flag;
			ZVAL_BOOL(&flag, ec_val_long(EC_COL(row, 1)) == 1);
			zend_hash_update(reach, id, &flag);
			zend_string_release(id);
		}
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&rows);
	return SUCCESS;
}

zend_result ec_acl_require_partners(ec_db *db, const ec_actor *actor, zend_string **ids, uint32_t n, ec_acl_purpose purpose)
{
	HashTable reach;
	zend_result status = SUCCESS;

	if (actor->is_portal && purpose != EC_ACL_POST) {
		return ec_forbidden("Portal users cannot open dialogs or add members");
	}
	if (n == 0) {
		return SUCCESS;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (zend_string_equals(ids[i], actor->id)) {
			return ec_forbidden("You cannot chat with yourself");
		}
	}
	zend_hash_init(&reach, n, NULL, NULL, 0);
	if (ec_acl_reach_of(db, actor, ids, n, &reach) == FAILURE) {
		zend_hash_destroy(&reach);
		return FAILURE;
	}
	/* Unknown ids first (NotFound), then refusals; both name only the id the caller gave us,
	 * never why that user is out of reach (inactive, other team...): that is not the actor's to see. */
	for (uint32_t i = 0; i < n && status == SUCCESS; i++) {
		if (!zend_hash_exists(&reach, ids[i])) {
			status = ec_not_found("User %s not found", ZSTR_VAL(ids[i]));
		}
	}
	for (uint32_t i = 0; i < n && status == SUCCESS; i++) {
		zval *ok = zend_hash_find(&reach, ids[i]);
		if (Z_TYPE_P(ok) != IS_TRUE) {
			status = ec_forbidden("You may not chat with user %s", ZSTR_VAL(ids[i]));
		}
	}
	zend_hash_destroy(&reach);
	return status;
}

/* ---- PHP functions ----------------------------------------------------------------------- */

/* Binds the PDO and checks the option keys and the `acl` option (before any query: a bad
 * request is one whoever asks). *acl: the borrowed `acl` array or NULL. */
static zend_result ec_acl_begin(ec_db *db, zval *zpdo, HashTable *opts, const char *const *allowed, HashTable **acl)
{
	*acl = NULL;
	if (ec_db_init(db, zpdo) == FAILURE) {
		return FAILURE;
	}
	if (!opts) {
		return SUCCESS;
	}
	if (ec_options_check(opts, allowed) == FAILURE || ec_option_array(opts, "acl", acl) == FAILURE) {
		return FAILURE;
	}
	return ec_acl_option_check(*acl);
}

ZEND_FUNCTION(ebla_chat_can_chat)
{
	static const char *const allowed[] = {"acl", NULL};
	zval *zpdo;
	zend_string *actor_id, *other_id;
	HashTable *opts = NULL, *acl, reach;
	const ec_actor *actor;
	zval *ok;
	ec_db db;

	ZEND_PARSE_PARAMETERS_START(3, 4)
		Z_PARAM_OBJECT_OF_CLASS(zpdo, php_pdo_get_dbh_ce())
		Z_PARAM_STR(actor_id)
		Z_PARAM_STR(other_id)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(opts)
	ZEND_PARSE_PARAMETERS_END();

	if (ec_acl_begin(&db, zpdo, opts, allowed, &acl) == FAILURE
		|| ec_id_require(actor_id, "actorId") == FAILURE || ec_id_require(other_id, "otherUserId") == FAILURE
		|| !(actor = ec_acl_actor(&db, actor_id, acl))) {
		RETURN_THROWS();
	}
	if (zend_string_equals(actor->id, other_id)) {
		RETURN_FALSE; /* a chat needs someone else; asking is not an error */
	}
	zend_hash_init(&reach, 1, NULL, NULL, 0);
	if (ec_acl_reach_of(&db, actor, &other_id, 1, &reach) == FAILURE) {
		zend_hash_destroy(&reach);
		RETURN_THROWS();
	}
	ok = zend_hash_find(&reach, other_id);
	if (!ok) {
		zend_hash_destroy(&reach);
		ec_not_found("User %s not found", ZSTR_VAL(other_id));
		RETURN_THROWS();
	}
	RETVAL_BOOL(Z_TYPE_P(ok) == IS_TRUE);
	zend_hash_destroy(&reach);
}

/* EspoCRM's display name (firstLast) in SQL, as ec_display_name builds it in C. */
static void ec_acl_sql_display_name(smart_str *sql, const ec_db *db)
{
	static const char *const parts[] = {"u.first_name", "' '", "u.last_name"};

	smart_str_appends(sql, "(CASE WHEN LENGTH(COALESCE(u.first_name, '')) > 0 AND LENGTH(COALESCE(u.last_name, '')) > 0 THEN ");
	ec_sql_concat(sql, db, parts, 3);
	smart_str_appends(sql, " WHEN LENGTH(COALESCE(u.first_name, '')) > 0 THEN u.first_name"
		" WHEN LENGTH(COALESCE(u.last_name, '')) > 0 THEN u.last_name ELSE COALESCE(u.user_name, '') END)");
}

/* The search filter: a prefix of the first name, last name, user name or whole display name,
 * case-insensitive on every database. `!` escapes LIKE's wildcards in what the user typed. */
static void ec_acl_sql_search(smart_str *sql, const ec_db *db)
{
	static const char *const columns[] = {"u.first_name", "u.last_name", "u.user_name", NULL};

	smart_str_appendc(sql, '(');
	for (const char *const *c = columns; *c; c++) {
		smart_str_append_printf(sql, "LOWER(%s) LIKE LOWER(?) ESCAPE '!' OR ", *c);
	}
	smart_str_appends(sql, "LOWER(");
	ec_acl_sql_display_name(sql, db);
	smart_str_appends(sql, ") LIKE LOWER(?) ESCAPE '!')");
}
#define EC_ACL_SEARCH_PARAMS 4

/* ORDER BY display name (lower-cased, compared byte-wise so all three databases agree; a
 * locale collation would sort "Ann Test" and "Anna Test" differently on PostgreSQL), then id. */
static void ec_acl_sql_order(smart_str *sql, const ec_db *db)
{
	smart_str name = {0};

	smart_str_appends(&name, "LOWER(");
	ec_acl_sql_display_name(&name, db);
	smart_str_appendc(&name, ')');
	smart_str_0(&name);
	smart_str_appends(sql, " ORDER BY ");
	ec_sql_bytewise(sql, db, ZSTR_VAL(name.s));
	smart_str_appends(sql, ", ");
	ec_sql_bytewise(sql, db, "u.id");
	smart_str_free(&name);
}

/* The LIKE pattern for a search: wildcards escaped, then "%". NULL when nothing to search for. */
static zend_string *ec_acl_search_pattern(zend_string *search)
{
	const char *s = ZSTR_VAL(search), *end = s + ZSTR_LEN(search);
	smart_str out = {0};

	while (s < end && isspace((unsigned char) *s)) s++;
	while (end > s && isspace((unsigned char) end[-1])) end--;
	if (s == end) {
		return NULL;
	}
	for (; s < end; s++) {
		if (*s == '%' || *s == '_' || *s == '!') {
			smart_str_appendc(&out, '!');
		}
		smart_str_appendc(&out, *s);
	}
	smart_str_appendc(&out, '%');
	return smart_str_extract(&out);
}

/* Longer than any name EspoCRM stores (first + last name: 2 x 100): refused rather than sent
 * four times to the database. */
#define EC_ACL_SEARCH_MAX 255

static zend_result ec_acl_search_check(zend_string *search)
{
	if (ZSTR_LEN(search) > EC_ACL_SEARCH_MAX) {
		return ec_bad_request("Option \"search\" is too long: at most %d bytes", EC_ACL_SEARCH_MAX);
	}
	return ec_text_require_utf8(search, "Option \"search\"");
}

/* One partner row: id, name, userName, type. */
static void ec_acl_partner_row(zval *row, zval *out)
{
	zend_string *v;

	array_init_size(out, 4);
	v = ec_val_str(EC_COL(row, 0));
	add_assoc_str(out, "id", v ? v : ZSTR_EMPTY_ALLOC());
	add_assoc_str(out, "name", ec_display_name(EC_COL(row, 1), EC_COL(row, 2), EC_COL(row, 3)));
	v = ec_val_str(EC_COL(row, 3));
	if (v) {
		add_assoc_str(out, "userName", v);
	} else {
		add_assoc_null(out, "userName");
	}
	v = ec_val_str(EC_COL(row, 4));
	add_assoc_str(out, "type", v ? v : zend_string_init("regular", 7, 0));
}

/* Runs the COUNT and the page; fills return_value with ['total' => n, 'list' => [...]]. */
static zend_result ec_acl_partners_query(ec_db *db, const ec_actor *actor, zend_string *pattern,
	zend_long limit, zend_long offset, zval *return_value)
{
	smart_str where = {0}, sql = {0};
	ec_acl_params p;
	zval params[EC_ACL_MAX_REACH_PARAMS + EC_ACL_SEARCH_PARAMS], rows, list, *row;
	uint32_t n;
	zend_result status;

	smart_str_appends(&where, " FROM `user` u WHERE u.deleted = FALSE AND ");
	ec_acl_sql_reach(&where, actor, &p);
	memcpy(params, p.v, p.n * sizeof(zval));
	n = p.n;
	if (pattern) {
		smart_str_appends(&where, " AND ");
		ec_acl_sql_search(&where, db);
		for (int i = 0; i < EC_ACL_SEARCH_PARAMS; i++) {
			ZVAL_STR(&params[n++], pattern);
		}
	}
	smart_str_0(&where);

	smart_str_appends(&sql, "SELECT COUNT(*)");
	smart_str_append(&sql, where.s);
	status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), params, n, &rows, NULL);
	smart_str_free(&sql);
	if (status == FAILURE) {
		smart_str_free(&where);
		return FAILURE;
	}
	row = zend_hash_index_find(Z_ARRVAL(rows), 0);
	array_init_size(return_value, 2);
	add_assoc_long(return_value, "total", row ? ec_val_long(EC_COL(row, 0)) : 0);
	zval_ptr_dtor(&rows);

	/* LIMIT/OFFSET are validated integers written into the SQL: emulated prepares (MySQL's
	 * default) would quote bound values, and LIMIT '50' is a syntax error there. */
	smart_str_appends(&sql, "SELECT u.id, u.first_name, u.last_name, u.user_name, COALESCE(u.`type`, 'regular')");
	smart_str_append(&sql, where.s);
	ec_acl_sql_order(&sql, db);
	smart_str_append_printf(&sql, " LIMIT " ZEND_LONG_FMT " OFFSET " ZEND_LONG_FMT, limit, offset);
	smart_str_0(&sql);
	status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), params, n, &rows, NULL);
	smart_str_free(&sql);
	smart_str_free(&where);
	if (status == FAILURE) {
		return FAILURE;
	}
	array_init_size(&list, zend_hash_num_elements(Z_ARRVAL(rows)));
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(rows), row) {
		zval item;
		ec_acl_partner_row(row, &item);
		add_next_index_zval(&list, &item);
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&rows);
	add_assoc_zval(return_value, "list", &list);
	return SUCCESS;
}

ZEND_FUNCTION(ebla_chat_partners)
{
	static const char *const allowed[] = {"search", "limit", "offset", "acl", NULL};
	zval *zpdo;
	zend_string *actor_id, *search = NULL, *pattern = NULL;
	HashTable *opts = NULL, *acl;
	const ec_actor *actor;
	zend_long limit, offset;
	zend_result status;
	ec_db db;

	EC_PARSE_ACTOR_OPTIONS();

	if (ec_acl_begin(&db, zpdo, opts, allowed, &acl) == FAILURE
		|| ec_option_long(opts, "limit", 50, 1, 200, &limit) == FAILURE
		|| ec_option_long(opts, "offset", 0, 0, INT32_MAX, &offset) == FAILURE
		|| ec_option_string(opts, "search", &search) == FAILURE
		|| (search && ec_acl_search_check(search) == FAILURE)
		|| !(actor = ec_acl_actor(&db, actor_id, acl))) {
		RETURN_THROWS();
	}
	if (search) {
		pattern = ec_acl_search_pattern(search);
	}
	status = ec_acl_partners_query(&db, actor, pattern, limit, offset, return_value);
	if (pattern) {
		zend_string_release(pattern);
	}
	if (status == FAILURE) {
		zval_ptr_dtor(return_value);
		ZVAL_NULL(return_value);
		RETURN_THROWS();
	}
}
