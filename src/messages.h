/* messages: chat messages as EspoCRM stream posts (SPEC F2, F3, F10): post, history, edit,
 * delete. Their rows are rendered by render.c. */
#ifndef EC_MESSAGES_H
#define EC_MESSAGES_H

#include "php.h"
#include "db.h"
#include "acl.h"

/* A page of a dialog's history for the actor (membership checked), newest first: numbers below
 * `before` and above `after` (0 = no bound), at most `limit`. */
zend_result ec_messages_history(ec_db *db, const ec_actor *actor, zend_string *dialog_id, zend_long limit,
	zend_long before, zend_long after, zval *out);
#endif
