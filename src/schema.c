/* schema: see schema.h. Tables are data: one column list per table, rendered per dialect. */
#include "php.h"
#include "zend_smart_str.h"
#include "ext/pdo/php_pdo_driver.h"
#include "php_ebla_chat.h"
#include "schema.h"
#include "db.h"
#include "ids.h"
#include "errors.h"

typedef enum {
	C_ID,        /* primary key id */
	C_FK,        /* foreign id, nullable */
	C_VARCHAR,   /* varchar(len), nullable, optional default */
	C_TEXT,      /* mediumtext / text */
	C_DATETIME,
	C_DELETED,   /* implicit `deleted`: nullable bool default 0 */
	C_BOOL,      /* bool field: NOT NULL, default `def` ("0"/"1") */
	C_BIGINT,    /* NOT NULL default 0 */
	C_INT,       /* NOT NULL default 0 */
	C_BIGINT_NULL,
	C_AUTO_PK,   /* bigint auto-increment primary key (middle tables) */
	C_NUMBER     /* note.number: auto-increment, unique, not the key */
} ec_col_type;

typedef struct { const char *name; ec_col_type type; int len; const char *def; } ec_col;
typedef struct { const char *name; bool unique; const char *columns; } ec_index;
typedef struct {
	const char *name;
	bool core;
	const ec_col *cols;
	const ec_index *indexes;
} ec_table;

static const ec_col user_cols[] = {
	{"id", C_ID}, {"deleted", C_DELETED}, {"user_name", C_VARCHAR, 50}, {"type", C_VARCHAR, 24, "regular"},
	{"is_active", C_BOOL, 0, "1"}, {"first_name", C_VARCHAR, 100}, {"last_name", C_VARCHAR, 100},
	{"middle_name", C_VARCHAR, 100}, {"delete_id", C_VARCHAR, 17, "0"}, {"contact_id", C_FK},
	{"default_team_id", C_FK}, {"created_at", C_DATETIME}, {"modified_at", C_DATETIME}, {"created_by_id", C_FK}, {NULL}
};
static const ec_index user_idx[] = {
	{"USER_NAME", false, "user_name"}, {"USER_NAME_DELETE_ID", true, "user_name, delete_id"}, {"TYPE", false, "type"}, {NULL}
};
static const ec_col team_cols[] = {
	{"id", C_ID}, {"name", C_VARCHAR, 100}, {"deleted", C_DELETED}, {"created_at", C_DATETIME}, {"modified_at", C_DATETIME}, {NULL}
};
static const ec_col team_user_cols[] = {
	{"id", C_AUTO_PK}, {"team_id", C_FK}, {"user_id", C_FK}, {"role", C_VARCHAR, 100}, {"deleted", C_DELETED}, {NULL}
};
static const ec_index team_user_idx[] = {
	{"TEAM_ID_USER_ID", true, "team_id, user_id"}, {"TEAM_ID", false, "team_id"}, {"USER_ID", false, "user_id"}, {NULL}
};
static const ec_col role_cols[] = {
	{"id", C_ID}, {"name", C_VARCHAR, 150}, {"deleted", C_DELETED}, {"data", C_TEXT}, {"field_data", C_TEXT},
	{"assignment_permission", C_VARCHAR, 255, "not-set"}, {"user_permission", C_VARCHAR, 255, "not-set"},
	{"message_permission", C_VARCHAR, 255, "not-set"}, {"portal_permission", C_VARCHAR, 255, "not-set"},
	{"mention_permission", C_VARCHAR, 255, "not-set"}, {"created_at", C_DATETIME}, {"modified_at", C_DATETIME}, {NULL}
};
static const ec_col role_user_cols[] = {
	{"id", C_AUTO_PK}, {"role_id", C_FK}, {"user_id", C_FK}, {"deleted", C_DELETED}, {NULL}
};
static const ec_index role_user_idx[] = {
	{"USER_ID_ROLE_ID", true, "user_id, role_id"}, {"ROLE_ID", false, "role_id"}, {"USER_ID", false, "user_id"}, {NULL}
};
static const ec_col role_team_cols[] = {
	{"id", C_AUTO_PK}, {"role_id", C_FK}, {"team_id", C_FK}, {"deleted", C_DELETED}, {NULL}
};
static const ec_index role_team_idx[] = {
	{"ROLE_ID_TEAM_ID", true, "role_id, team_id"}, {"ROLE_ID", false, "role_id"}, {"TEAM_ID", false, "team_id"}, {NULL}
};
static const ec_col portal_user_cols[] = {
	{"id", C_AUTO_PK}, {"portal_id", C_FK}, {"user_id", C_FK}, {"deleted", C_DELETED}, {NULL}
};
static const ec_index portal_user_idx[] = {
	{"PORTAL_ID_USER_ID", true, "portal_id, user_id"}, {"PORTAL_ID", false, "portal_id"}, {"USER_ID", false, "user_id"}, {NULL}
};
static const ec_col note_cols[] = {
	{"id", C_ID}, {"deleted", C_DELETED}, {"post", C_TEXT}, {"data", C_TEXT}, {"type", C_VARCHAR, 24, "Post"},
	{"target_type", C_VARCHAR, 7}, {"number", C_NUMBER}, {"is_global", C_BOOL, 0, "0"}, {"is_internal", C_BOOL, 0, "0"},
	{"is_pinned", C_BOOL, 0, "0"}, {"created_at", C_DATETIME}, {"modified_at", C_DATETIME},
	{"parent_id", C_FK}, {"parent_type", C_VARCHAR, 100}, {"related_id", C_FK}, {"related_type", C_VARCHAR, 100},
	{"created_by_id", C_FK}, {"modified_by_id", C_FK}, {"super_parent_id", C_FK}, {"super_parent_type", C_VARCHAR, 100}, {NULL}
};
static const ec_index note_idx[] = {
	{"NUMBER", true, "number"}, {"CREATED_AT", false, "created_at"}, {"CREATED_BY_NUMBER", false, "created_by_id, number"},
	{"TYPE", false, "type"}, {"TARGET_TYPE", false, "target_type"}, {"PARENT_ID", false, "parent_id"},
	{"PARENT_TYPE", false, "parent_type"}, {"RELATED_ID", false, "related_id"}, {"RELATED_TYPE", false, "related_type"},
	{"SUPER_PARENT_TYPE", false, "super_parent_type"}, {"SUPER_PARENT_ID", false, "super_parent_id"},
	{"PARENT", false, "parent_id, parent_type"}, {"RELATED", false, "related_id, related_type"},
	{"SUPER_PARENT", false, "super_parent_id, super_parent_type"}, {"CREATED_BY_ID", false, "created_by_id"},
	{"MODIFIED_BY_ID", false, "modified_by_id"}, {NULL}
};
static const ec_col attachment_cols[] = {
	{"id", C_ID}, {"name", C_VARCHAR, 255}, {"deleted", C_DELETED}, {"type", C_VARCHAR, 100}, {"size", C_BIGINT_NULL},
	{"field", C_VARCHAR, 255}, {"is_being_uploaded", C_BOOL, 0, "0"}, {"created_at", C_DATETIME}, {"modified_at", C_DATETIME},
	{"role", C_VARCHAR, 36}, {"storage", C_VARCHAR, 24}, {"storage_file_path", C_VARCHAR, 260}, {"global", C_BOOL, 0, "0"},
	{"parent_id", C_FK}, {"parent_type", C_VARCHAR, 100}, {"related_id", C_FK}, {"related_type", C_VARCHAR, 100},
	{"source_id", C_FK}, {"created_by_id", C_FK}, {NULL}
};
static const ec_index attachment_idx[] = {
	{"PARENT", false, "parent_type, parent_id"}, {"RELATED", false, "related_id, related_type"},
	{"SOURCE", false, "source_id"}, {"CREATED_BY_ID", false, "created_by_id"}, {NULL}
};
static const ec_col dialog_cols[] = {
	{"id", C_ID}, {"name", C_VARCHAR, 255}, {"deleted", C_DELETED}, {"type", C_VARCHAR, 16, "Direct"},
	{"direct_key", C_VARCHAR, 255}, {"parent_id", C_FK}, {"parent_type", C_VARCHAR, 100},
	{"created_at", C_DATETIME}, {"modified_at", C_DATETIME}, {"created_by_id", C_FK}, {"modified_by_id", C_FK},
	{"last_message_at", C_DATETIME}, {"last_message_id", C_FK}, {"last_message_number", C_BIGINT},
	{"message_count", C_BIGINT}, {NULL}
};
static const ec_index dialog_idx[] = {
	{"DIRECT_KEY", true, "direct_key"}, {"PARENT", false, "parent_id, parent_type"},
	{"CREATED_BY_ID", false, "created_by_id"}, {"MODIFIED_BY_ID", false, "modified_by_id"}, {NULL}
};
static const ec_col dialog_user_cols[] = {
	{"id", C_AUTO_PK}, {"dialog_id", C_FK}, {"user_id", C_FK}, {"deleted", C_DELETED},
	{"read_count", C_BIGINT}, {"last_read_number", C_BIGINT}, {"notified_number", C_BIGINT},
	{"mention_count", C_INT}, {"is_muted", C_BOOL, 0, "0"}, {"joined_at", C_DATETIME}, {NULL}
};
/* USER_UNREAD covers the bell's scan of a user's memberships (no row lookups in dialog_user). */
static const ec_index dialog_user_idx[] = {
	{"USER_ID_DIALOG_ID", true, "user_id, dialog_id"}, {"DIALOG_ID", false, "dialog_id"},
	{"USER_UNREAD", false, "user_id, deleted, dialog_id, read_count, is_muted"}, {NULL}
};

static const ec_table ec_tables[] = {
	{"user", true, user_cols, user_idx},
	{"team", true, team_cols, NULL},
	{"team_user", true, team_user_cols, team_user_idx},
	{"role", true, role_cols, NULL},
	{"role_user", true, role_user_cols, role_user_idx},
	{"role_team", true, role_team_cols, role_team_idx},
	{"portal_user", true, portal_user_cols, portal_user_idx},
	{"note", true, note_cols, note_idx},
	{"attachment", true, attachment_cols, attachment_idx},
	{"dialog", false, dialog_cols, dialog_idx},
	{"dialog_user", false, dialog_user_cols, dialog_user_idx},
	{NULL}
};

static void ec_render_column(smart_str *sql, const ec_db *db, const ec_col *col, bool in_create)
{
	const bool my = db->dialect == EC_MYSQL, pg = db->dialect == EC_PGSQL;
	const char *charset = my ? " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" : "";
	const char *boolean = pg ? "BOOLEAN" : "TINYINT(1)";
	int id_len = ec_id_column_length();

	smart_str_appendc(sql, '"');
	smart_str_appends(sql, col->name);
	smart_str_appends(sql, "\" ");
	switch (col->type) {
		case C_ID:
			smart_str_append_printf(sql, "VARCHAR(%d)%s NOT NULL%s", id_len, charset, in_create ? " PRIMARY KEY" : "");
			break;
		case C_FK:
			smart_str_append_printf(sql, "VARCHAR(%d)%s NULL DEFAULT NULL", id_len, charset);
			break;
		case C_VARCHAR:
			smart_str_append_printf(sql, "VARCHAR(%d)%s ", col->len, charset);
			if (col->def) {
				smart_str_append_printf(sql, "%sDEFAULT '%s'", strcmp(col->name, "delete_id") == 0 ? "NOT NULL " : "NULL ", col->def);
			} else {
				smart_str_appends(sql, "NULL DEFAULT NULL");
			}
			break;
		case C_TEXT:
			smart_str_append_printf(sql, "%s%s NULL", my ? "MEDIUMTEXT" : "TEXT", charset);
			break;
		case C_DATETIME:
			smart_str_appends(sql, pg ? "TIMESTAMP(0) NULL DEFAULT NULL" : "DATETIME NULL DEFAULT NULL");
			break;
		case C_DELETED:
			smart_str_append_printf(sql, "%s NULL DEFAULT %s", boolean, pg ? "FALSE" : "0");
			break;
		case C_BOOL:
			smart_str_append_printf(sql, "%s NOT NULL DEFAULT %s", boolean,
				pg ? (col->def[0] == '1' ? "TRUE" : "FALSE") : col->def);
			break;
		case C_BIGINT:
			smart_str_appends(sql, "BIGINT NOT NULL DEFAULT 0");
			break;
		case C_INT:
			smart_str_appends(sql, "INT NOT NULL DEFAULT 0");
			break;
		case C_BIGINT_NULL:
			smart_str_appends(sql, "BIGINT NULL DEFAULT NULL");
			break;
		case C_AUTO_PK:
			smart_str_appends(sql, my ? "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY"
				: pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
			break;
		case C_NUMBER:
			/* SQLite has no AUTO_INCREMENT outside the key: a trigger copies the rowid (see below). */
			smart_str_appends(sql, my ? "BIGINT UNSIGNED NOT NULL AUTO_INCREMENT" : pg ? "BIGSERIAL NOT NULL" : "INTEGER NULL");
			break;
	}
}

static zend_result ec_run_ddl(ec_db *db, smart_str *sql, zval *ran)
{
	zend_string *text;

	smart_str_0(sql);
	text = smart_str_extract(sql);
	if (db->dialect == EC_MYSQL) {
		/* Rendered with standard quotes; MySQL without ANSI_QUOTES wants backticks. */
		for (size_t i = 0; i < ZSTR_LEN(text); i++) {
			if (ZSTR_VAL(text)[i] == '"') {
				ZSTR_VAL(text)[i] = '`';
			}
		}
	}
	if (ec_db_exec(db, ZSTR_VAL(text), NULL, 0, NULL) == FAILURE) {
		zend_string_release(text);
		return FAILURE;
	}
	add_next_index_str(ran, text);
	return SUCCESS;
}

static void ec_index_name(smart_str *sql, const ec_db *db, const ec_table *t, const ec_index *ix)
{
	/* MySQL index names are per table; PostgreSQL and SQLite share one namespace per schema. */
	smart_str_appends(sql, ix->unique ? "UNIQ_" : "IDX_");
	if (db->dialect != EC_MYSQL) {
		for (const char *p = t->name; *p; p++) {
			smart_str_appendc(sql, (char) toupper((unsigned char) *p));
		}
		smart_str_appendc(sql, '_');
	}
	smart_str_appends(sql, ix->name);
}

static zend_result ec_create_index(ec_db *db, const ec_table *t, const ec_index *ix, zval *ran)
{
	smart_str sql = {0};

	smart_str_appends(&sql, ix->unique ? "CREATE UNIQUE INDEX \"" : "CREATE INDEX \"");
	ec_index_name(&sql, db, t, ix);
	smart_str_append_printf(&sql, "\" ON \"%s\" (", t->name);
	/* Column lists are plain names separated by ", ": quote each. */
	for (const char *p = ix->columns; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t) (end - p) : strlen(p);
		smart_str_appendc(&sql, '"');
		smart_str_appendl(&sql, p, len);
		smart_str_appendc(&sql, '"');
		if (!end) {
			break;
		}
		smart_str_appends(&sql, ", ");
		p = end + 2;
	}
	smart_str_appendc(&sql, ')');
	return ec_run_ddl(db, &sql, ran);
}

/* True when the index covers the column `name`. */
static bool ec_index_has(const ec_index *ix, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = ix->columns; (p = strstr(p, name)); p += len) {
		if ((p == ix->columns || p[-1] == ' ') && (p[len] == '\0' || p[len] == ',')) {
			return true;
		}
	}
	return false;
}

static zend_result ec_create_table(ec_db *db, const ec_table *t, zval *ran)
{
	smart_str sql = {0};

	smart_str_append_printf(&sql, "CREATE TABLE \"%s\" (", t->name);
	for (const ec_col *col = t->cols; col->name; col++) {
		if (col != t->cols) {
			smart_str_appends(&sql, ", ");
		}
		ec_render_column(&sql, db, col, true);
	}
	if (db->dialect == EC_MYSQL) {
		/* The note number is AUTO_INCREMENT without being the key: MySQL wants it indexed inline. */
		for (const ec_col *col = t->cols; col->name; col++) {
			if (col->type == C_NUMBER) {
				smart_str_append_printf(&sql, ", UNIQUE KEY \"UNIQ_NUMBER\" (\"%s\")", col->name);
			}
		}
		smart_str_appends(&sql, ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
	} else {
		smart_str_appendc(&sql, ')');
	}
	if (ec_run_ddl(db, &sql, ran) == FAILURE) {
		return FAILURE;
	}

	for (const ec_index *ix = t->indexes; ix && ix->name; ix++) {
		if (db->dialect == EC_MYSQL && strcmp(ix->name, "NUMBER") == 0) {
			continue;
		}
		if (ec_create_index(db, t, ix, ran) == FAILURE) {
			return FAILURE;
		}
	}

	if (db->dialect == EC_SQLITE && strcmp(t->name, "note") == 0) {
		smart_str_appends(&sql,
			"CREATE TRIGGER \"note_number\" AFTER INSERT ON \"note\" WHEN NEW.\"number\" IS NULL "
			"BEGIN UPDATE \"note\" SET \"number\" = NEW.rowid WHERE rowid = NEW.rowid; END");
		if (ec_run_ddl(db, &sql, ran) == FAILURE) {
			return FAILURE;
		}
	}
	return SUCCESS;
}

/* Names of the existing tables (or of one table's columns) as a set. */
static zend_result ec_existing(ec_db *db, const char *table, HashTable *names)
{
	zval rows, *row, param;
	const char *sql;
	zend_result status;

	if (!table) {
		sql = db->dialect == EC_MYSQL ? "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
			: db->dialect == EC_PGSQL ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
			: "SELECT name FROM sqlite_master WHERE type = 'table'";
	} else {
		sql = db->dialect == EC_MYSQL ? "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?"
			: db->dialect == EC_PGSQL ? "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
			: "SELECT name FROM pragma_table_info(?)";
		ZVAL_STRING(&param, table);
	}
	status = ec_db_query(db, sql, &param, table ? 1 : 0, &rows);
	if (table) {
		zval_ptr_dtor(&param);
	}
	if (status == FAILURE) {
		return FAILURE;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(rows), row) {
		zend_string *name = ec_val_str(EC_COL(row, 0));
		if (name) {
			zend_hash_add_empty_element(names, name);
			zend_string_release(name);
		}
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&rows);
	return SUCCESS;
}

/* Adds the columns of t missing from an existing table (an EspoCRM module may have made
 * `dialog` from entityDefs without the counters). */
static zend_result ec_add_missing_columns(ec_db *db, const ec_table *t, zval *ran)
{
	HashTable columns;
	zend_result status = SUCCESS;

	zend_hash_init(&columns, 16, NULL, NULL, 0);
	if (ec_existing(db, t->name, &columns) == FAILURE) {
		zend_hash_destroy(&columns);
		return FAILURE;
	}
	for (const ec_col *col = t->cols; col->name && status == SUCCESS; col++) {
		smart_str sql = {0};
		if (zend_hash_str_exists(&columns, col->name, strlen(col->name)) || col->type == C_ID || col->type == C_AUTO_PK) {
			continue;
		}
		smart_str_append_printf(&sql, "ALTER TABLE \"%s\" ADD COLUMN ", t->name);
		ec_render_column(&sql, db, col, false);
		status = ec_run_ddl(db, &sql, ran);
	}
	/* Indexes over columns that were just added cannot exist yet (the unique direct_key above
	 * all); indexes over existing columns are EspoCRM's business. */
	for (const ec_index *ix = t->indexes; ix && ix->name && status == SUCCESS; ix++) {
		for (const ec_col *col = t->cols; col->name; col++) {
			if (!zend_hash_str_exists(&columns, col->name, strlen(col->name)) && ec_index_has(ix, col->name)) {
				status = ec_create_index(db, t, ix, ran);
				break;
			}
		}
	}
	zend_hash_destroy(&columns);
	return status;
}

ZEND_FUNCTION(ebla_chat_schema)
{
	zval *zpdo;
	zend_long flags = 0;
	ec_db db;
	HashTable tables;
	zend_result status = SUCCESS;

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_OBJECT_OF_CLASS(zpdo, php_pdo_get_dbh_ce())
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(flags)
	ZEND_PARSE_PARAMETERS_END();

	if (flags & ~(zend_long) EC_SCHEMA_CORE) {
		ec_bad_request("Unknown schema flags " ZEND_LONG_FMT ": use 0 or EBLA_CHAT_SCHEMA_CORE", flags);
		RETURN_THROWS();
	}
	if (ec_db_init(&db, zpdo) == FAILURE) {
		RETURN_THROWS();
	}
	array_init(return_value);
	zend_hash_init(&tables, 16, NULL, NULL, 0);
	if (ec_existing(&db, NULL, &tables) == FAILURE) {
		zend_hash_destroy(&tables);
		RETURN_THROWS();
	}
	/* DDL commits implicitly on MySQL, so no transaction: each statement either ran or not,
	 * and running again picks up where a failure stopped. */
	for (const ec_table *t = ec_tables; t->name && status == SUCCESS; t++) {
		if (t->core && !(flags & EC_SCHEMA_CORE)) {
			continue;
		}
		if (!zend_hash_str_exists(&tables, t->name, strlen(t->name))) {
			status = ec_create_table(&db, t, return_value);
		} else if (!t->core) {
			status = ec_add_missing_columns(&db, t, return_value);
		}
	}
	zend_hash_destroy(&tables);
	if (status == FAILURE) {
		RETURN_THROWS();
	}
}
