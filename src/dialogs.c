/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* dialogs: see dialogs.h. */
#include "php.h"
#include "zend_smart_str.h"
#include "ext/pdo/php_pdo_driver.h"
#include "php_ebla_chat.h"
#include "dialogs.h"
#include "render.h"
#include "errors.h"
#include "ids.h"
#include "options.h"
#include "text.h"
#include "schema.h"
#include "counters.h"
#include "events.h"
#include "write.h"
#include "hints.h"
#include "listing.h"

#define EC_LIST_LIMIT_DEFAULT 50
#define EC_LIST_LIMIT_MAX 200

/* ---- loading ---- */

#define EC_DIALOG_LOAD_SQL "SELECT " EC_DIALOG_COLUMNS " FROM dialog d LEFT JOIN dialog_user du " \
	"ON du.dialog_id = d.id AND du.user_id = ? AND du.deleted = FALSE WHERE d.id = ? AND d.deleted = FALSE"

/* Every live membership of the dialog (with its user id in the column after EC_DIALOG_COLUMNS):
 * what a post needs to address its events, read under the same lock. */
#define EC_DIALOG_LOAD_ALL_HEAD "SELECT " EC_DIALOG_COLUMNS ", du.user_id FROM dialog d LEFT JOIN dialog_user du"
#define EC_DIALOG_LOAD_ALL_TAIL " ON du.dialog_id = d.id AND du.deleted = FALSE WHERE d.id = ? AND d.deleted = FALSE"
#define EC_DIALOG_LOAD_ALL_SQL EC_DIALOG_LOAD_ALL_HEAD EC_DIALOG_LOAD_ALL_TAIL

/* Reads the dialog (and with `members`, every live membership) into *out; for a write under
 * the dialog's row lock (ec_db_lock_first, ec_sql_lock_joined). */
static zend_result ec_dialog_query(ec_db *db, const ec_actor *actor, zval *params, ec_access access, bool members, zval *out)
{
	const char *sql = members ? EC_DIALOG_LOAD_ALL_SQL : EC_DIALOG_LOAD_SQL;
	char locked[sizeof(EC_DIALOG_LOAD_SQL) + sizeof(EC_DIALOG_LOAD_ALL_SQL) + 64];

	ZVAL_STR(&params[0], actor->id);
	/* Every write that touches counters locks the dialog row first, so they serialize per dialog. */
	if (access != EC_READ && ec_db_lock_first(db, "dialog", &params[1]) == FAILURE) {
		return FAILURE;
	}
	if (access != EC_READ && *ec_sql_lock_joined(db)) {
		/* With the memberships: by the dialog_id index, never by a table scan. */
		snprintf(locked, sizeof(locked), "%s%s%s", members ? EC_DIALOG_LOAD_ALL_HEAD : EC_DIALOG_LOAD_SQL,
			members ? ec_sql_by_dialog_index(db) : "", members ? EC_DIALOG_LOAD_ALL_TAIL : "");
		strlcat(locked, ec_sql_lock_joined(db), sizeof(locked));
		sql = locked;
	}
	return ec_db_query(db, sql, members ? &params[1] : params, members ? 1 : 2, out);
}

/* Keeps the actor's row of the result in d->row (with `members`: one row per member, copied to
 * *members; when the actor has none, another's row without its membership columns). */
static void ec_dialog_keep_row(const ec_actor *actor, ec_dialog *d, zval *members)
{
	zval *row = zend_hash_index_find(Z_ARRVAL(d->row), 0), *mine = NULL, only;

	if (members) {
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL(d->row), row) {
			zval *user = EC_COL(row, EC_DIALOG_COLUMN_COUNT);
			if (Z_TYPE_P(user) == IS_STRING && zend_string_equals(Z_STR_P(user), actor->id)) {
				mine = row;
			}
		} ZEND_HASH_FOREACH_END();
		row = mine ? mine : zend_hash_index_find(Z_ARRVAL(d->row), 0);
		ZVAL_COPY(members, &d->row);
	}
	ZVAL_ARR(&only, zend_array_dup(Z_ARRVAL_P(row)));
	zval_ptr_dtor(&d->row);
	ZVAL_COPY_VALUE(&d->row, &only);
	if (members && !mine) {
		for (int i = EC_DU_ID; i <= EC_DU_NOTIFIED; i++) {
			ZVAL_NULL(zend_hash_index_find(Z_ARRVAL(d->row), i));
		}
	}
}

static void ec_dialog_fields(ec_dialog *d)
{
	zval *row = &d->row;
	zend_string *type = ec_val_str(EC_COL(row, EC_D_TYPE));

	d->id = Z_STR_P(EC_COL(row, EC_D_ID));
	d->direct = type && zend_string_equals_literal(type, "Direct");
	if (type) {
		zend_string_release(type);
	}
	d->message_count = ec_val_long(EC_COL(row, EC_D_MESSAGE_COUNT));
	d->last_message_number = ec_val_long(EC_COL(row, EC_D_LAST_NUMBER));
	d->member = Z_TYPE_P(EC_COL(row, EC_DU_ID)) != IS_NULL;
	d->membership_id = ec_val_long(EC_COL(row, EC_DU_ID));
	d->read_count = ec_val_long(EC_COL(row, EC_DU_READ_COUNT));
	d->last_read_number = ec_val_long(EC_COL(row, EC_DU_LAST_READ));
	d->mention_count = ec_val_long(EC_COL(row, EC_DU_MENTIONS));
}

zend_result ec_dialog_load_ex(ec_db *db, const ec_actor *actor, zend_string *dialog_id, ec_access access, ec_dialog *d,
	zval *members)
{
	zval params[2];

	memset(d, 0, sizeof(*d));
	ZVAL_UNDEF(&d->row);
	if (ec_id_require(dialog_id, "dialogId") == FAILURE) {
		return FAILURE;
	}
	ZVAL_STR(&params[1], dialog_id);
	if (ec_dialog_query(db, actor, params, access, members != NULL, &d->row) == FAILURE) {
		return FAILURE;
	}
	if (zend_hash_num_elements(Z_ARRVAL(d->row)) == 0) {
		ec_dialog_free(d);
		return ec_not_found("Dialog %s not found", ZSTR_VAL(dialog_id));
	}
	ec_dialog_keep_row(actor, d, members);
	ec_dialog_fields(d);
	if (!d->member && (access == EC_WRITE || !actor->is_admin)) {
		ec_dialog_free(d);
		if (members) {
			zval_ptr_dtor(members);
			ZVAL_UNDEF(members);
		}
		return ec_forbidden("You are not a member of dialog %s", ZSTR_VAL(dialog_id));
	}
	return SUCCESS;
}

zend_result ec_dialog_load(ec_db *db, const ec_actor *actor, zend_string *dialog_id, ec_access access, ec_dialog *d)
{
	return ec_dialog_load_ex(db, actor, dialog_id, access, d, NULL);
}

void ec_dialog_free(ec_dialog *d)
{
	zval_ptr_dtor(&d->row);
	ZVAL_UNDEF(&d->row);
	d->id = NULL;
}

/* direct_key = "<lower id>|<higher id>" plus "|<parentType>|<parentId>" when linked to a record. */
static zend_string *ec_direct_key(const zend_string *a, const zend_string *b, const zend_string *parent_type, const zend_string *parent_id)
{
	const zend_string *lo = zend_binary_strcmp(ZSTR_VAL(a), ZSTR_LEN(a), ZSTR_VAL(b), ZSTR_LEN(b)) <= 0 ? a : b;
	const zend_string *hi = lo == a ? b : a;

	if (parent_type) {
		return zend_strpprintf(0, "%s|%s|%s|%s", ZSTR_VAL(lo), ZSTR_VAL(hi), ZSTR_VAL(parent_type), ZSTR_VAL(parent_id));
	}
	return zend_strpprintf(0, "%s|%s", ZSTR_VAL(lo), ZSTR_VAL(hi));
}

/* Renders one loaded dialog into return_value. */
static zend_result ec_dialog_render_one(ec_db *db, const ec_actor *actor, zval *row, zval *return_value)
{
	zval rows, list, *item;

	array_init(&rows);
	Z_ADDREF_P(row);
	add_next_index_zval(&rows, row);
	array_init(&list);
	if (ec_dialogs_render(db, actor, &rows, &list) == FAILURE) {
		zval_ptr_dtor(&rows);
		zval_ptr_dtor(&list);
		return FAILURE;
	}
	item = zend_hash_index_find(Z_ARRVAL(list), 0);
	ZVAL_COPY(return_value, item);
	zval_ptr_dtor(&rows);
	zval_ptr_dtor(&list);
	return SUCCESS;
}

/* Loads (for reading) and renders a dialog: the answer of get, open and members. */
static zend_result ec_dialog_answer(ec_db *db, const ec_actor *actor, zend_string *dialog_id, zval *return_value)
{
	ec_dialog d;
	zend_result status;

	if (ec_dialog_load(db, actor, dialog_id, EC_READ, &d) == FAILURE) {
		return FAILURE;
	}
	status = ec_dialog_render_one(db, actor, &d.row, return_value);
	ec_dialog_free(&d);
	return status;
}

/* The dialog as a former member sees it right after leaving: no membership, no counts. */
static zend_result ec_dialog_answer_outsider(ec_db *db, const ec_actor *actor, zend_string *dialog_id, zval *return_value)
{
	zval params[2], rows, *row;
	zend_result status;

	ZVAL_STR(&params[0], actor->id);
	ZVAL_STR(&params[1], dialog_id);
	status = ec_db_query(db, "SELECT " EC_DIALOG_COLUMNS " FROM dialog d LEFT JOIN dialog_user du "
		"ON du.dialog_id = d.id AND du.user_id = ? AND du.deleted = FALSE WHERE d.id = ?", params, 2, &rows);
	if (status == FAILURE) {
		return FAILURE;
	}
	row = zend_hash_index_find(Z_ARRVAL(rows), 0);
	status = row ? ec_dialog_render_one(db, actor, row, return_value) : ec_not_found("Dialog %s not found", ZSTR_VAL(dialog_id));
	zval_ptr_dtor(&rows);
	return status;
}

/* ---- membership rows ---- */

/* The users of `ids` that have a row in the dialog: user id => bool deleted (a former member).
 * A current read: who is a member decides the writes that follow. */
static zend_result ec_members_existing(ec_db *db, zend_string *dialog_id, zend_string **ids, uint32_t n, HashTable *existing)
{
	zval fixed, rows, *row;
	char head[128], tail[32];
	zend_result status;

	ZVAL_STR(&fixed, dialog_id);
	snprintf(head, sizeof(head), "SELECT user_id, deleted FROM dialog_user%s WHERE dialog_id = ? AND user_id IN (",
		ec_sql_by_dialog_index(db));
	snprintf(tail, sizeof(tail), ")%s", ec_sql_current(db));
	status = ec_db_run_in_ids(db, head, &fixed, 1, ids, n, tail, &rows, NULL);
	if (status == FAILURE) {
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(rows), row) {
		zval deleted;
		ZVAL_BOOL(&deleted, ec_val_bool(EC_COL(row, 1)));
		zend_hash_update(existing, Z_STR_P(EC_COL(row, 0)), &deleted);
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&rows);
	return SUCCESS;
}

/* Adds users to a dialog whose counters are known (the dialog row is locked): new members start
 * with everything read. Rows left behind by earlier members are reused (the unique index
 * forbids a second row). Returns the users that were not members before in *added. */
static zend_result ec_members_add(ec_db *db, zend_string *dialog_id, zend_long message_count, zend_long last_number,
	zend_string **ids, uint32_t n, zend_string **added, uint32_t *added_count)
{
	HashTable existing; /* user id => bool deleted */
	zend_string *now = ec_now_utc();
	zend_result status;

	*added_count = 0;
	zend_hash_init(&existing, n, NULL, NULL, 0);
	status = ec_members_existing(db, dialog_id, ids, n, &existing);
	if (status == SUCCESS) {
		status = ec_counters_join(db, dialog_id, message_count, last_number, now, ids, n, &existing, added, added_count);
	}
	zend_hash_destroy(&existing);
	zend_string_release(now);
	return status;
}

/* ---- PHP functions ---- */

static const char *const ec_open_options[] = {"name", "parentType", "parentId", "type", "acl", NULL};

/* Options parentType + parentId: both or neither; the type an EspoCRM entity type (a capitalised
 * identifier such as Case, Opportunity, CMyEntity), the id a valid id. */
static zend_result ec_parent_options(HashTable *opts, zend_string **type, zend_string **id)
{
	if (ec_option_string(opts, "parentType", type) == FAILURE || ec_option_id(opts, "parentId", id) == FAILURE) {
		return FAILURE;
	}
	if ((*type == NULL) != (*id == NULL)) {
		return ec_bad_request("Options \"parentType\" and \"parentId\" go together");
	}
	if (!*type) {
		return SUCCESS;
	}
	if (ZSTR_LEN(*type) == 0 || ZSTR_LEN(*type) > 100 || !isupper((unsigned char) ZSTR_VAL(*type)[0])) {
		return ec_bad_request("Option \"parentType\" must be an entity type such as \"Case\"");
	}
	for (size_t i = 0; i < ZSTR_LEN(*type); i++) {
		if (!isalnum((unsigned char) ZSTR_VAL(*type)[i])) {
			return ec_bad_request("Option \"parentType\" must be an entity type such as \"Case\"");
		}
	}
	return SUCCESS;
}

/* Runs the INSERT of a direct dialog. When a row went in (a new pair, or a duplicate because
 * the unique index is gone) the index must exist: checked before anything reads or locks the
 * pair, so a missing index fails at once (SchemaException) in every process and nothing is
 * written. MySQL counts a duplicate as 0 rows (1 with MYSQL_ATTR_FOUND_ROWS: then the check
 * runs needlessly, never wrongly). */
static zend_result ec_direct_insert(ec_db *db, const char *insert_sql, zval *params)
{
	zend_long affected = 0;

	if (ec_db_exec(db, insert_sql, params, 9, &affected) == FAILURE) {
		return FAILURE;
	}
	return affected > 0 ? ec_schema_require_direct_key_unique(db) : SUCCESS;
}

/* The live dialog of a direct pair: its key's row, after a deleted one freed the key if need be.
 * *id becomes the winner's id when another process created it first (*created false). */
static zend_result ec_direct_find(ec_db *db, const char *insert_sql, zval *params, zend_string *key, zend_string **id,
	bool *created)
{
	zval rows, *row, param;
	char sql[128];
	zend_result status;

	snprintf(sql, sizeof(sql), "SELECT id, deleted FROM dialog WHERE direct_key = ?%s", ec_sql_for_update(db));
	ZVAL_STR(&param, key);
	if (ec_db_query(db, sql, &param, 1, &rows) == FAILURE) {
		return FAILURE;
	}
	row = zend_hash_index_find(Z_ARRVAL(rows), 0);
	if (row && ec_val_bool(EC_COL(row, 1))) {
		/* The pair's dialog was deleted (EspoCRM's UI soft-deletes records): it keeps its
		 * key in the unique index, so free the key and open a new dialog. */
		zval again;
		ZVAL_COPY(&again, EC_COL(row, 0));
		zval_ptr_dtor(&rows);
		status = ec_db_exec(db, "UPDATE dialog SET direct_key = NULL WHERE id = ? AND deleted = TRUE", &again, 1, NULL);
		zval_ptr_dtor(&again);
		if (status == FAILURE || ec_direct_insert(db, insert_sql, params) == FAILURE
			|| ec_db_query(db, sql, &param, 1, &rows) == FAILURE) {
			return FAILURE;
		}
		row = zend_hash_index_find(Z_ARRVAL(rows), 0);
	}
	status = SUCCESS;
	if (!row) {
		status = ec_not_found("The direct dialog was removed while it was being opened");
	} else if (!zend_string_equals(Z_STR_P(EC_COL(row, 0)), *id)) {
		zend_string_release(*id);
		*id = zend_string_copy(Z_STR_P(EC_COL(row, 0)));
		*created = false;
	}
	zval_ptr_dtor(&rows);
	return status;
}

/* The members of a dialog just created: the actor and the others, each told it was created. */
static zend_result ec_dialog_create_members(ec_db *db, const ec_actor *actor, zend_string *id, zend_string **others,
	uint32_t n_others, ec_events *ev)
{
	zend_string **all = safe_emalloc(n_others + 1, sizeof(zend_string *), 0);
	zend_string **added = safe_emalloc(n_others + 1, sizeof(zend_string *), 0);
	uint32_t added_count;
	zend_result status;

	all[0] = actor->id;
	memcpy(all + 1, others, n_others * sizeof(zend_string *));
	status = ec_members_add(db, id, 0, 0, all, n_others + 1, added, &added_count);
	if (status == SUCCESS && ev) {
		ec_events_dialog_action(ev, id, "created", all, n_others + 1);
	}
	efree(all);
	efree(added);
	return status;
}

/* Creates the dialog row (and its members) or, for a direct dialog, finds the one that exists.
 * Returns the dialog id in *id (new reference). */
static zend_result ec_dialog_create(ec_db *db, const ec_actor *actor, bool direct, zend_string *name,
	zend_string *parent_type, zend_string *parent_id, zend_string **others, uint32_t n_others,
	zend_string **id, ec_events *ev)
{
	zend_string *new_id = ec_id_generate(), *now = ec_now_utc(), *key = NULL;
	zval params[10];
	bool created = true;
	zend_result status;
	char insert_sql[512];

	if (direct) {
		key = ec_direct_key(actor->id, others[0], parent_type, parent_id);
	}
	ZVAL_STR(&params[0], new_id);
	if (name) { ZVAL_STR(&params[1], name); } else { ZVAL_NULL(&params[1]); }
	ZVAL_STRING(&params[2], direct ? "Direct" : "Group");
	if (key) { ZVAL_STR(&params[3], key); } else { ZVAL_NULL(&params[3]); }
	if (parent_id) { ZVAL_STR(&params[4], parent_id); } else { ZVAL_NULL(&params[4]); }
	if (parent_type) { ZVAL_STR(&params[5], parent_type); } else { ZVAL_NULL(&params[5]); }
	ZVAL_STR(&params[6], now);
	ZVAL_STR(&params[7], now);
	ZVAL_STR(&params[8], actor->id);
	/* Two processes may open the same direct dialog at once: the unique direct_key lets exactly
	 * one INSERT win, the other one does nothing and reads the winner's row below. The conflict
	 * has no target, so a missing index is no driver error: ec_direct_insert() finds it. */
	snprintf(insert_sql, sizeof(insert_sql),
		"INSERT INTO dialog (id, name, `type`, direct_key, parent_id, parent_type, created_at, modified_at, "
		"created_by_id, deleted, last_message_number, message_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, 0, 0)%s",
		direct ? ec_sql_insert_or_ignore(db) : "");
	status = direct ? ec_direct_insert(db, insert_sql, params) : ec_db_exec(db, insert_sql, params, 9, NULL);
	if (status == SUCCESS && direct) {
		status = ec_direct_find(db, insert_sql, params, key, &new_id, &created);
	}
	zval_ptr_dtor(&params[2]);
	zend_string_release(now);
	if (key) {
		zend_string_release(key);
	}
	if (status == SUCCESS && created) {
		status = ec_dialog_create_members(db, actor, new_id, others, n_others, ev);
	}
	if (status == FAILURE) {
		zend_string_release(new_id);
		return FAILURE;
	}
	*id = new_id;
	return SUCCESS;
}

typedef struct {
	zend_string *name, *parent_type, *parent_id, *type;
	zend_string **ids, **others;   /* the member list as given; the others: all but the actor */
	uint32_t n_ids, n_others;
	bool direct;
	zend_string *id;               /* the dialog, from the attempt that committed */
} ec_open;

/* The options of ebla_chat_dialog_open(): name, parent, type, acl. */
static zend_result ec_open_options_parse(HashTable *opts, zend_string *actor_id, ec_open *o, HashTable **acl)
{
	if (ec_options_check(opts, ec_open_options) == FAILURE
		|| ec_option_string(opts, "name", &o->name) == FAILURE
		|| ec_parent_options(opts, &o->parent_type, &o->parent_id) == FAILURE
		|| ec_option_string(opts, "type", &o->type) == FAILURE
		|| ec_option_array(opts, "acl", acl) == FAILURE
		|| ec_id_require(actor_id, "actorId") == FAILURE) {
		return FAILURE;
	}
	if (o->name) {
		if (ec_text_require_utf8(o->name, "Option \"name\"") == FAILURE) {
			return FAILURE;
		}
		if (ZSTR_LEN(o->name) > 255) {
			return ec_bad_request("Option \"name\" is longer than 255 bytes");
		}
		if (ZSTR_LEN(o->name) == 0) {
			o->name = NULL;
		}
	}
	if (o->type && !zend_string_equals_literal(o->type, "direct") && !zend_string_equals_literal(o->type, "group")) {
		return ec_bad_request("Option \"type\" must be \"direct\" or \"group\"");
	}
	return SUCCESS;
}

/* The members besides the actor (always a member), and whether the dialog is direct. */
static zend_result ec_open_members(HashTable *member_list, zend_string *actor_id, ec_open *o)
{
	if (ec_id_list(member_list, "memberIds", EC_MEMBER_IDS_MAX, &o->ids, &o->n_ids) == FAILURE) {
		return FAILURE;
	}
	o->others = o->ids;
	for (uint32_t i = 0; i < o->n_ids; i++) {
		if (zend_string_equals(o->ids[i], actor_id)) {
			zend_string_release(o->ids[i]);
			memmove(&o->ids[i], &o->ids[i + 1], (o->n_ids - i - 1) * sizeof(zend_string *));
			o->n_ids--;
			break;
		}
	}
	o->n_others = o->n_ids;
	o->direct = o->type ? zend_string_equals_literal(o->type, "direct") : (o->n_others == 1 && !o->name);
	if (o->n_others == 0) {
		return ec_bad_request("A dialog needs at least one member besides the actor");
	}
	if (o->direct && (o->n_others != 1 || o->name)) {
		return ec_bad_request("A direct dialog has exactly one other member and no name");
	}
	return SUCCESS;
}

/* One attempt of an open. Two processes opening the same pair may deadlock on the unique key
 * (MySQL): the loser's own transaction runs again and finds the winner's dialog. */
static zend_result ec_open_step(ec_write *w, void *state)
{
	ec_open *o = state;

	if (o->id) {
		zend_string_release(o->id);
		o->id = NULL;
	}
	return ec_dialog_create(&w->db, w->actor, o->direct, o->name, o->parent_type, o->parent_id, o->others, o->n_others,
		&o->id, ec_fanout_enabled() ? &w->ev : NULL);
}

ZEND_FUNCTION(ebla_chat_dialog_open)
{
	zval *zpdo;
	zend_string *actor_id;
	HashTable *member_list, *opts = NULL, *acl = NULL;
	ec_open o = {0};
	ec_write w;

	ZEND_PARSE_PARAMETERS_START(3, 4)
		Z_PARAM_OBJECT_OF_CLASS(zpdo, php_pdo_get_dbh_ce())
		Z_PARAM_STR(actor_id)
		Z_PARAM_ARRAY_HT(member_list)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(opts)
	ZEND_PARSE_PARAMETERS_END();

	if (ec_open_options_parse(opts, actor_id, &o, &acl) == SUCCESS
		&& ec_open_members(member_list, actor_id, &o) == SUCCESS
		&& ec_write_open(&w, zpdo, actor_id, acl) == SUCCESS
		&& ec_acl_require_partners(&w.db, w.actor, o.others, o.n_others, EC_ACL_OPEN) == SUCCESS
		&& ec_write_run(&w, ec_open_step, &o) == SUCCESS) {
		ec_dialog_answer(&w.db, w.actor, o.id, return_value);
	}
	ec_ids_free(o.ids, o.n_ids);
	if (o.id) {
		zend_string_release(o.id);
	}
}

ZEND_FUNCTION(ebla_chat_dialog_get)
{
	zval *zpdo;
	zend_string *actor_id, *dialog_id;
	const ec_actor *actor;
	ec_db db;

	ZEND_PARSE_PARAMETERS_START(3, 3)
		Z_PARAM_OBJECT_OF_CLASS(zpdo, php_pdo_get_dbh_ce())
		Z_PARAM_STR(actor_id)
		Z_PARAM_STR(dialog_id)
	ZEND_PARSE_PARAMETERS_END();

	if (ec_db_init(&db, zpdo) == FAILURE || !(actor = ec_acl_actor(&db, actor_id, NULL))
		|| ec_dialog_answer(&db, actor, dialog_id, return_value) == FAILURE) {
		RETURN_THROWS();
	}
}

static const char *const ec_list_options[] = {"limit", "offset", "parentType", "parentId", "unreadOnly", "acl", NULL};

/* The number of dialogs of the whole list, given its page `rows`. */
static zend_result ec_list_total(ec_db *db, zend_string *where, zval *params, uint32_t n, zend_long limit, zend_long offset,
	zval *rows, zend_long *total)
{
	zend_long got = zend_hash_num_elements(Z_ARRVAL_P(rows));
	smart_str sql = {0};
	zval count;
	zend_result status;

	if (got < limit && (got > 0 || offset == 0)) {
		/* A page that is not full ends the list: its total needs no count (most users). */
		*total = offset + got;
		return SUCCESS;
	}
	/* A separate count beats a window count here: the page query keeps its LIMIT shortcut. */
	smart_str_appends(&sql, "SELECT COUNT(*) ");
	smart_str_append(&sql, where);
	status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), params, n, &count, NULL);
	smart_str_free(&sql);
	if (status == SUCCESS) {
		*total = ec_val_long(EC_COL(zend_hash_index_find(Z_ARRVAL(count), 0), 0));
		zval_ptr_dtor(&count);
	}
	return status;
}

/* The list the general way: every membership of the actor that passes the filters, sorted. */
static zend_result ec_list_sorted(ec_db *db, const ec_actor *actor, zend_string *parent_type, zend_string *parent_id,
	bool unread_only, zend_long limit, zend_long offset, zval *rows, zend_long *total)
{
	zval params[3];
	smart_str where = {0}, sql = {0};
	uint32_t n = 1;
	zend_result status;

	ZVAL_STR(&params[0], actor->id);
	smart_str_appends(&where, "FROM dialog_user du JOIN dialog d ON d.id = du.dialog_id "
		"WHERE du.user_id = ? AND du.deleted = FALSE AND d.deleted = FALSE");
	if (parent_type) {
		smart_str_appends(&where, " AND d.parent_id = ? AND d.parent_type = ?");
		ZVAL_STR(&params[n++], parent_id);
		ZVAL_STR(&params[n++], parent_type);
	}
	if (unread_only) {
		smart_str_appends(&where, " AND d.message_count > du.read_count");
	}
	smart_str_0(&where);

	/* Activity order is the number of the last message (AUTO_INCREMENT, so it never ties and
	 * never depends on clocks); dialogs without messages follow, newest first. */
	smart_str_appends(&sql, "SELECT " EC_DIALOG_COLUMNS " ");
	smart_str_append(&sql, where.s);
	smart_str_append_printf(&sql, " ORDER BY d.last_message_number DESC, d.created_at DESC, d.id DESC LIMIT "
		ZEND_LONG_FMT " OFFSET " ZEND_LONG_FMT, limit, offset);
	status = ec_db_run(db, ZSTR_VAL(sql.s), ZSTR_LEN(sql.s), params, n, rows, NULL);
	smart_str_free(&sql);
	if (status == SUCCESS && ec_list_total(db, where.s, params, n, limit, offset, rows, total) == FAILURE) {
		zval_ptr_dtor(rows);
		status = FAILURE;
	}
	smart_str_free(&where);
	return status;
}

ZEND_FUNCTION(ebla_chat_dialog_list)
{
	zval *zpdo, rows, list;
	zend_string *actor_id, *parent_type = NULL, *parent_id = NULL;
	zend_long total = 0;
	HashTable *opts = NULL, *acl = NULL;
	zend_long limit, offset;
	bool unread_only, hinted = false;
	const ec_actor *actor;
	ec_db db;
	zend_result status;

	EC_PARSE_ACTOR_OPTIONS();

	if (ec_options_check(opts, ec_list_options) == FAILURE
		|| ec_option_long(opts, "limit", EC_LIST_LIMIT_DEFAULT, 1, EC_LIST_LIMIT_MAX, &limit) == FAILURE
		|| ec_option_long(opts, "offset", 0, 0, ZEND_LONG_MAX, &offset) == FAILURE
		|| ec_parent_options(opts, &parent_type, &parent_id) == FAILURE
		|| ec_option_bool(opts, "unreadOnly", false, &unread_only) == FAILURE
		|| ec_option_array(opts, "acl", &acl) == FAILURE) {
		RETURN_THROWS();
	}
	if (ec_db_init(&db, zpdo) == FAILURE || !(actor = ec_acl_actor(&db, actor_id, acl))) {
		RETURN_THROWS();
	}
	/* The first page of the whole list comes from the actor's own ordered memberships once they
	 * are caught up (listing.c); any other page or filter, and a call inside the caller's
	 * transaction, sorts the memberships. */
	if (offset == 0 && !parent_type && !unread_only && ec_hints_refresh(&db, actor, &hinted) == FAILURE) {
		RETURN_THROWS();
	}
	status = hinted ? ec_listing_first_page(&db, actor, limit, &rows, &total)
		: ec_list_sorted(&db, actor, parent_type, parent_id, unread_only, limit, offset, &rows, &total);
	if (status == FAILURE) {
		RETURN_THROWS();
	}
	array_init(&list);
	if (ec_dialogs_render(&db, actor, &rows, &list) == FAILURE) {
		zval_ptr_dtor(&rows);
		zval_ptr_dtor(&list);
		RETURN_THROWS();
	}
	array_init_size(return_value, 2);
	add_assoc_long(return_value, "total", total);
	add_assoc_zval(return_value, "list", &list);
	zval_ptr_dtor(&rows);
}

typedef struct {
	zend_string *dialog_id;
	zend_string **add, **remove;
	uint32_t n_add, n_remove;
	bool leaving;                   /* the actor removes itself */
} ec_membership_change;

/* The lists as given: no user both added and removed, nobody adds themselves. */
static zend_result ec_membership_lists(ec_membership_change *m)
{
	if (m->n_add && m->n_remove) {
		HashTable removing;
		bool both = false;
		zend_hash_init(&removing, m->n_remove, NULL, NULL, 0);
		for (uint32_t j = 0; j < m->n_remove; j++) {
			zend_hash_add_empty_element(&removing, m->remove[j]);
		}
		for (uint32_t i = 0; i < m->n_add && !both; i++) {
			both = zend_hash_exists(&removing, m->add[i]);
		}
		zend_hash_destroy(&removing);
		if (both) {
			return ec_bad_request("A user cannot be added and removed at once");
		}
	}
	return SUCCESS;
}

/* Adding oneself is not a thing (one is a member already, or may not join uninvited). */
static zend_result ec_membership_actor(ec_membership_change *m, const ec_actor *actor)
{
	for (uint32_t i = 0; i < m->n_add; i++) {
		if (zend_string_equals(m->add[i], actor->id)) {
			return ec_bad_request("You cannot add yourself to a dialog");
		}
	}
	for (uint32_t j = 0; j < m->n_remove; j++) {
		m->leaving = m->leaving || zend_string_equals(m->remove[j], actor->id);
	}
	return SUCCESS;
}

/* Group dialogs only; removing others is for the dialog's creator and admins; anyone may leave. */
static zend_result ec_membership_allowed(ec_membership_change *m, const ec_actor *actor, ec_dialog *d)
{
	zend_string *created_by;
	bool creator;

	if (d->direct) {
		return ec_bad_request("Members of a direct dialog cannot change; open a group dialog instead");
	}
	created_by = ec_val_str(EC_COL(&d->row, EC_D_CREATED_BY));
	creator = created_by && zend_string_equals(created_by, actor->id);
	if (created_by) {
		zend_string_release(created_by);
	}
	if (m->n_remove > (m->leaving ? 1u : 0u) && !actor->is_admin && !creator) {
		return ec_forbidden("Only the creator of dialog %s or an admin may remove other members", ZSTR_VAL(m->dialog_id));
	}
	return SUCCESS;
}

static zend_result ec_membership_join(ec_write *w, ec_membership_change *m, ec_dialog *d, uint32_t *n_added)
{
	zend_string **added;
	zend_result status;

	if (!m->n_add) {
		return SUCCESS;
	}
	added = safe_emalloc(m->n_add, sizeof(zend_string *), 0);
	status = ec_members_add(&w->db, d->id, d->message_count, d->last_message_number, m->add, m->n_add, added, n_added);
	if (status == SUCCESS && ec_fanout_enabled()) {
		ec_events_dialog_action(&w->ev, d->id, "added", added, *n_added);
	}
	efree(added);
	return status;
}

static zend_result ec_membership_leave(ec_write *w, ec_membership_change *m, ec_dialog *d, uint32_t *n_removed)
{
	zval fixed;
	zend_long affected = 0;
	char head[256];
	zend_result status;

	if (!m->n_remove) {
		return SUCCESS;
	}
	ZVAL_STR(&fixed, d->id);
	snprintf(head, sizeof(head), "UPDATE dialog_user%s SET deleted = TRUE WHERE dialog_id = ? AND deleted = FALSE AND user_id IN (",
		ec_sql_by_dialog_index(&w->db));
	status = ec_db_run_in_ids(&w->db, head, &fixed, 1, m->remove, m->n_remove, ")", NULL, &affected);
	*n_removed = (uint32_t) affected;
	if (status == SUCCESS && ec_fanout_enabled() && *n_removed) {
		ec_events_dialog_action(&w->ev, d->id, "removed", m->remove, m->n_remove);
	}
	return status;
}

/* The record changed: and every later writer of this dialog inside an older PostgreSQL
 * REPEATABLE READ snapshot now fails to lock it (a serialization failure, to be retried)
 * instead of deciding from a membership list without these changes. */
static zend_result ec_dialog_stamp(ec_db *db, const ec_actor *actor, zend_string *dialog_id)
{
	zval stamp[3];
	zend_result status;

	ZVAL_STR(&stamp[0], ec_now_utc());
	ZVAL_STR(&stamp[1], actor->id);
	ZVAL_STR(&stamp[2], dialog_id);
	status = ec_db_exec(db, "UPDATE dialog SET modified_at = ?, modified_by_id = ? WHERE id = ?", stamp, 3, NULL);
	zval_ptr_dtor(&stamp[0]);
	return status;
}

/* One attempt of a membership change, under the dialog's row lock. */
static zend_result ec_membership_step(ec_write *w, void *state)
{
	ec_membership_change *m = state;
	uint32_t n_added = 0, n_removed = 0;
	ec_dialog d;
	zend_result status = FAILURE;

	ZVAL_UNDEF(&d.row);
	if (ec_dialog_load(&w->db, w->actor, m->dialog_id, EC_WRITE, &d) == SUCCESS
		&& ec_membership_allowed(m, w->actor, &d) == SUCCESS
		&& ec_membership_join(w, m, &d, &n_added) == SUCCESS
		&& ec_membership_leave(w, m, &d, &n_removed) == SUCCESS
		&& (!(n_added || n_removed) || ec_dialog_stamp(&w->db, w->actor, d.id) == SUCCESS)) {
		status = SUCCESS;
	}
	ec_dialog_free(&d);
	return status;
}

ZEND_FUNCTION(ebla_chat_dialog_members)
{
	zval *zpdo;
	zend_string *actor_id;
	HashTable *add_list = NULL, *remove_list = NULL;
	ec_membership_change m = {0};
	ec_write w;

	ZEND_PARSE_PARAMETERS_START(3, 5)
		Z_PARAM_OBJECT_OF_CLASS(zpdo, php_pdo_get_dbh_ce())
		Z_PARAM_STR(actor_id)
		Z_PARAM_STR(m.dialog_id)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(add_list)
		Z_PARAM_ARRAY_HT(remove_list)
	ZEND_PARSE_PARAMETERS_END();

	if ((!add_list || ec_id_list(add_list, "add", EC_MEMBER_IDS_MAX, &m.add, &m.n_add) == SUCCESS)
		&& (!remove_list || ec_id_list(remove_list, "remove", EC_MEMBER_IDS_MAX, &m.remove, &m.n_remove) == SUCCESS)
		&& ec_membership_lists(&m) == SUCCESS
		&& ec_write_open(&w, zpdo, actor_id, NULL) == SUCCESS
		&& ec_id_require(m.dialog_id, "dialogId") == SUCCESS
		&& ec_membership_actor(&m, w.actor) == SUCCESS
		&& ec_acl_require_partners(&w.db, w.actor, m.add, m.n_add, EC_ACL_ADD) == SUCCESS
		&& ec_write_run(&w, ec_membership_step, &m) == SUCCESS) {
		/* After leaving, the actor reads the dialog as an outsider would (admins still can). */
		if (m.leaving && !w.actor->is_admin) {
			ec_dialog_answer_outsider(&w.db, w.actor, m.dialog_id, return_value);
		} else {
			ec_dialog_answer(&w.db, w.actor, m.dialog_id, return_value);
		}
	}
	ec_ids_free(m.add, m.n_add);
	ec_ids_free(m.remove, m.n_remove);
}
