/* acl: see acl.h. */
#include "php.h"
#include "php_ebla_chat.h"
#include "acl.h"
#include "errors.h"
#include "ids.h"
#include "text.h"

static void ec_actor_free(zval *zv)
{
	ec_actor *a = Z_PTR_P(zv);
	zend_string_release(a->id);
	zend_string_release(a->name);
	if (a->user_name) {
		zend_string_release(a->user_name);
	}
	efree(a);
}

static ec_user_type ec_user_type_of(zend_string *type)
{
	if (!type || zend_string_equals_literal(type, "regular")) return EC_USER_REGULAR;
	if (zend_string_equals_literal(type, "admin")) return EC_USER_ADMIN;
	if (zend_string_equals_literal(type, "super-admin")) return EC_USER_SUPER_ADMIN;
	if (zend_string_equals_literal(type, "portal")) return EC_USER_PORTAL;
	if (zend_string_equals_literal(type, "system")) return EC_USER_SYSTEM;
	if (zend_string_equals_literal(type, "api")) return EC_USER_API;
	return EC_USER_OTHER;
}

const ec_actor *ec_acl_actor(ec_db *db, zend_string *actor_id, HashTable *acl)
{
	zval rows, *row, param;
	ec_actor *a;
	zend_string *type;
	bool active;

	if (ec_id_require(actor_id, "actorId") == FAILURE) {
		return NULL;
	}
	if (EC_G(acl_cache) && (a = zend_hash_find_ptr(EC_G(acl_cache), actor_id))) {
		return a;
	}
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
	type = ec_val_str(EC_COL(row, 0));
	active = ec_val_bool(EC_COL(row, 1));
	a = ecalloc(1, sizeof(*a));
	a->id = zend_string_copy(actor_id);
	a->type = ec_user_type_of(type);
	a->name = ec_display_name(EC_COL(row, 2), EC_COL(row, 3), EC_COL(row, 4));
	a->user_name = ec_val_str(EC_COL(row, 4));
	a->is_admin = a->type == EC_USER_ADMIN || a->type == EC_USER_SUPER_ADMIN;
	a->is_portal = a->type == EC_USER_PORTAL;
	if (type) {
		zend_string_release(type);
	}
	zval_ptr_dtor(&rows);

	if (!active || a->type == EC_USER_SYSTEM || a->type == EC_USER_API || a->type == EC_USER_OTHER
		|| (a->is_portal && !EC_G(portal_enabled))) {
		zval tmp;
		ZVAL_PTR(&tmp, a);
		ec_actor_free(&tmp);
		ec_forbidden("User %s may not use the chat", ZSTR_VAL(actor_id));
		return NULL;
	}
	if (!EC_G(acl_cache)) {
		ALLOC_HASHTABLE(EC_G(acl_cache));
		zend_hash_init(EC_G(acl_cache), 8, NULL, ec_actor_free, 0);
	}
	zend_hash_add_new_ptr(EC_G(acl_cache), actor_id, a);
	return a;
}

zend_result ec_acl_require_partners(ec_db *db, const ec_actor *actor, zend_string **ids, uint32_t n, ec_acl_purpose purpose)
{
	smart_str sql = {0};
	zval rows, *row, *params;
	uint32_t found = 0;
	zend_result status;

	if (n == 0) {
		return SUCCESS;
	}
	if (actor->is_portal && purpose != EC_ACL_POST) {
		return ec_forbidden("Portal users cannot open dialogs or add members");
	}
	smart_str_appends(&sql, "SELECT id, `type`, is_active FROM `user` WHERE deleted = FALSE AND id IN (");
	ec_sql_placeholders(&sql, n);
	smart_str_appendc(&sql, ')');
	params = safe_emalloc(n, sizeof(zval), 0);
	for (uint32_t i = 0; i < n; i++) {
		ZVAL_STR(&params[i], ids[i]);
	}
	status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), params, n, &rows, NULL);
	efree(params);
	smart_str_free(&sql);
	if (status == FAILURE) {
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(rows), row) {
		zend_string *type = ec_val_str(EC_COL(row, 1));
		ec_user_type t = ec_user_type_of(type);
		if (type) {
			zend_string_release(type);
		}
		if (!ec_val_bool(EC_COL(row, 2)) || t == EC_USER_SYSTEM || t == EC_USER_API || t == EC_USER_OTHER) {
			zval_ptr_dtor(&rows);
			return ec_forbidden("You may not chat with this user");
		}
		found++;
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&rows);
	if (found != n) {
		return ec_not_found("User not found");
	}
	return SUCCESS;
}

void ec_acl_rshutdown(void)
{
	if (EC_G(acl_cache)) {
		zend_hash_destroy(EC_G(acl_cache));
		FREE_HASHTABLE(EC_G(acl_cache));
		EC_G(acl_cache) = NULL;
	}
}
