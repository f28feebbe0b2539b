/* messages: chat messages as EspoCRM stream posts (SPEC F2, F3, F10): post, history, edit,
 * delete; and rendering `note` rows as API message rows with their attachments. */
#ifndef EC_MESSAGES_H
#define EC_MESSAGES_H

#include "php.h"
#include "db.h"
#include "acl.h"

/* Columns of a message: a `note` n joined with its author u. */
#define EC_NOTE_COLUMNS \
	"n.id, n.number, n.parent_id, n.created_by_id, n.post, n.data, n.created_at, n.modified_at, " \
	"n.modified_by_id, u.first_name, u.last_name, u.user_name"
#define EC_NOTE_FROM "FROM note n LEFT JOIN `user` u ON u.id = n.created_by_id "

/* Renders note rows (EC_NOTE_COLUMNS) into message rows appended to `out`, attachments loaded in
 * one query. */
zend_result ec_messages_render(ec_db *db, zval *note_rows, zval *out);
/* A page of a dialog's history for the actor (membership checked), newest first: numbers below
 * `before` and above `after` (0 = no bound), at most `limit`. */
zend_result ec_messages_history(ec_db *db, const ec_actor *actor, zend_string *dialog_id, zend_long limit,
	zend_long before, zend_long after, zval *out);
/* Message rows for the given note ids (live ones only), keyed by id, in `out` (array). */
zend_result ec_messages_by_ids(ec_db *db, zend_string **ids, uint32_t n, zval *out);

#endif
