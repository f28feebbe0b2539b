/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* listing: the first page of a user's dialog list, most recent activity first, read from the
 * user's own memberships by the USER_LIST index instead of sorting all of them. Each membership's
 * list_number is the dialog's last message number as of the user's last catch-up (hints.c),
 * never below the dialog's own; the page reads memberships by list_number downwards until the
 * dialogs' real last message numbers can no longer be beaten, so a delete that lowered a
 * dialog's number costs a few more rows, never a wrong order. The count of the whole list is the
 * user's live memberships minus those in deleted dialogs. */
#ifndef EC_LISTING_H
#define EC_LISTING_H

#include "php.h"
#include "db.h"
#include "acl.h"

/* The first `limit` dialogs of the actor (rows of EC_DIALOG_COLUMNS, then list_number) in the
 * list's order, and the number of all of them. Only after a complete ec_hints_refresh. */
zend_result ec_listing_first_page(ec_db *db, const ec_actor *actor, zend_long limit, zval *rows, zend_long *total);

#endif
