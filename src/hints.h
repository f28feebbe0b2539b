/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* hints: which of a user's memberships may have unread messages, so that the bell, the popups
 * and the poll read those rows only, not every dialog the user is in. A membership's
 * unread_hint is set when a reader finds its dialog written since it last looked (the dialog's
 * activity stamp is above the reader's watermark, dialog_reader.activity) while it has unread
 * messages; it is cleared only by the member's own writes under the dialog's lock (reading
 * everything, posting). Every membership with unread messages is hinted or in a dialog above the
 * watermark: the hints are a superset, and the counts are still read from the counters. A post
 * writes no row per recipient: the reader catches up, at the cost of what changed since it last
 * looked. The same catch-up keeps each membership's list_number, the dialog's last message
 * number as of the catch-up, for the dialog list's first page (dialogs.c): after a catch-up it is
 * never below the dialog's (only a delete lowers that). docs/design.md ("Unread hints") gives the
 * argument why no post is ever missed. */
#ifndef EC_HINTS_H
#define EC_HINTS_H

#include "php.h"
#include "db.h"
#include "acl.h"

/* Brings the actor's hints up to date. *complete is true when a query may then read only the
 * hinted memberships (EC_HINTED); false when it must read them all (inside the caller's
 * transaction, whose snapshot may be older, or when a lock conflict or deadlock with a post made
 * the catch-up give up this time; nothing is lost, the next call catches up). */
zend_result ec_hints_refresh(ec_db *db, const ec_actor *actor, bool *complete);

/* The condition on `du` (dialog_user) for a complete refresh. */
#define EC_HINTED " AND du.unread_hint = TRUE"

#endif
