/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* counters: every write of a counter, in one place. Per dialog: message_count (live messages)
 * and the last message (number, id, time). Per membership: read_count (live messages read),
 * last_read_number, mention_count (unread messages that name the member) and notified_number
 * (the popup watermark). unread = message_count - read_count, so a post changes two rows
 * whatever the member count. Every caller holds the dialog's row lock (ec_dialog_load with
 * EC_WRITE) inside its write context, so counters never race. The one counter value written
 * elsewhere is the zero of a new dialog row (its INSERT, dialogs.c). tests/consistency.inc
 * recounts them all. */
#ifndef EC_COUNTERS_H
#define EC_COUNTERS_H

#include "php.h"
#include "db.h"

/* The first write of a post, right after the dialog's row lock: its pending activity stamp
 * (ec_sql_activity_pending), where the dialect needs one. */
zend_result ec_counters_pending(ec_db *db, zend_string *dialog_id);
/* A post: one more live message, and the author (membership_id) has read everything up to it.
 * message_count is the dialog's before the post. The dialog's activity stamp becomes final and
 * the author's unread hint goes. */
zend_result ec_counters_post(ec_db *db, zend_string *dialog_id, zend_long message_count, zend_long membership_id, zend_long number,
	zend_string *note_id, zend_string *now);
/* The same inside a post's script (db.h), right after its INSERT of the note (the statement that
 * takes the number, ec_script_insert_note): the dialog's counters
 * and last message; the activity stamp becomes final, as in ec_counters_post (the pending stamp
 * came with the lock, ec_script_lock_dialog). */
void ec_counters_post_script(ec_script *s, zend_string *dialog_id, zend_string *note_id, zend_string *now);
/* Then, the script's last write: the author's membership marked read up to the new number, its
 * read_count taken from the dialog row as just written (nothing read before the script), its
 * unread hint gone, its list_number the new number (as ec_counters_post); a check that the
 * membership and the dialog are still live. */
void ec_counters_post_author_script(ec_script *s, zend_long membership_id);
/* mention_count + 1 for the given members (user id strings) in a post's script: a check that
 * every one of them is still a member. */
void ec_counters_mentions_script(ec_script *s, zend_string *dialog_id, HashTable *user_ids);
/* New members of a dialog whose counters are known (message_count, last_number), with
 * everything read: the rows of former members (user id => true in `existing`, from a current
 * read) revived, rows inserted for users with none. The users that were not members before are
 * appended to added / *added_count. */
zend_result ec_counters_join(ec_db *db, zend_string *dialog_id, zend_long message_count, zend_long last_number,
	zend_string *now, zend_string **ids, uint32_t n, HashTable *existing, zend_string **added, uint32_t *added_count);
/* mention_count += delta (+1 or -1) for the given members (a list of user id strings) who have
 * not read message `number` yet. One statement. */
zend_result ec_counters_mentions(ec_db *db, zend_string *dialog_id, zend_long number, HashTable *user_ids, int delta);
/* A deleted message `number`: one read message less for those who had read it, its unread
 * mentions gone, one live message less and the newest live one as the dialog's last. */
zend_result ec_counters_delete(ec_db *db, zend_string *dialog_id, zend_long number, HashTable *mentioned);
/* Read up to `up`: read_count and mention_count as recounted by the caller; the popup watermark
 * follows, and the unread hint says whether anything is left unread. Never backwards (a no-op
 * when last_read_number >= up already). */
zend_result ec_counters_read(ec_db *db, zend_long membership_id, zend_long up, zend_long read_count, zend_long mentions,
	bool unread_left);
/* Claims the popups of `candidates` (rows of EC_DIALOG_COLUMNS): advances each watermark still
 * below the dialog's last message number and drops from `candidates` those another tab took. */
zend_result ec_counters_claim_popups(ec_db *db, zval *candidates);

#endif
