/* dialogs: direct and group dialogs (SPEC F1, F4, F5): open (create or reuse), get, list,
 * membership changes; and the pieces the other areas share: loading a dialog with the actor's
 * membership (and the row lock every counter write takes first), rendering dialog rows, and
 * addressing events to a dialog's members. */
#ifndef EC_DIALOGS_H
#define EC_DIALOGS_H

#include "php.h"
#include "db.h"
#include "acl.h"
#include "fanout.h"

/* Columns of a dialog row joined with the actor's membership `du` (may be NULL columns). */
#define EC_DIALOG_COLUMNS \
	"d.id, d.name, d.`type`, d.parent_type, d.parent_id, d.created_at, d.created_by_id, d.last_message_at, " \
	"d.last_message_id, d.last_message_number, d.message_count, d.direct_key, " \
	"du.id, du.read_count, du.last_read_number, du.mention_count, du.is_muted, du.notified_number"
enum {
	EC_D_ID, EC_D_NAME, EC_D_TYPE, EC_D_PARENT_TYPE, EC_D_PARENT_ID, EC_D_CREATED_AT, EC_D_CREATED_BY,
	EC_D_LAST_AT, EC_D_LAST_ID, EC_D_LAST_NUMBER, EC_D_MESSAGE_COUNT, EC_D_DIRECT_KEY,
	EC_DU_ID, EC_DU_READ_COUNT, EC_DU_LAST_READ, EC_DU_MENTIONS, EC_DU_MUTED, EC_DU_NOTIFIED,
	EC_DIALOG_COLUMN_COUNT  /* the first column after them */
};

/* READ: members, and admins. WRITE: members, under the dialog's row lock. MODERATE: like WRITE,
 * and admins too (deleting messages). */
typedef enum { EC_READ, EC_WRITE, EC_MODERATE } ec_access;

/* A dialog as the actor sees it. */
typedef struct {
	zval row;               /* EC_DIALOG_COLUMNS */
	zend_string *id;        /* borrowed from row */
	bool direct;
	bool member;
	zend_long message_count, last_message_number;
	zend_long read_count, last_read_number, mention_count, membership_id;
} ec_dialog;

/* Loads dialog_id for the actor. EC_WRITE takes the dialog's row lock first (inside a
 * transaction: every counter write serializes on it) and requires membership; EC_READ requires
 * membership unless the actor is an admin. NotFound / Forbidden with the exception set. */
zend_result ec_dialog_load(ec_db *db, const ec_actor *actor, zend_string *dialog_id, ec_access access, ec_dialog *d);
/* The same, and `members` receives every live membership as rows of EC_DIALOG_COLUMNS plus the
 * member's user id (column EC_DIALOG_COLUMN_COUNT), read under the same lock: for addressing
 * the events of a post without another query. */
zend_result ec_dialog_load_ex(ec_db *db, const ec_actor *actor, zend_string *dialog_id, ec_access access, ec_dialog *d,
	zval *members);
void ec_dialog_free(ec_dialog *d);

/* The other member of a direct dialog, from its direct_key (new reference), or NULL. */
zend_string *ec_direct_other(zval *dialog_row, const zend_string *actor_id);

/* Renders rows of EC_DIALOG_COLUMNS as API dialog rows into the list `out` (array). A fixed
 * number of queries for any number of rows. */
zend_result ec_dialogs_render(ec_db *db, const ec_actor *actor, zval *rows, zval *out);

/* Adds one `topic` event per member of the dialog with the same `fields` (JSON members, no
 * braces). One query. (A post addresses its own events from its locked read, messages.c.) */
zend_result ec_events_to_members(ec_db *db, ec_events *ev, zend_string *dialog_id, const char *topic,
	const char *fields, size_t fields_len);
/* The broadcast EspoCRM's stream panel listens to: streamUpdate.Dialog.<id>. */
void ec_events_stream_update(ec_events *ev, zend_string *dialog_id, zend_string *created_by, zend_string *note_id);

#endif
