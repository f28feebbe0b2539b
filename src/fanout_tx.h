/*
 * ebla_chat: chat engine for EspoCRM
 * Copyright (c) 2026 Ebla Chat team
 * SPDX-License-Identifier: MIT (see the LICENSE file)
 */
/* fanout_tx: events of work done inside the caller's transaction, held per PDO object until
 * the caller's PDO::commit() (published) or rollBack() (dropped); see fanout_tx.c. Sits above
 * fanout.c, which publishes what it releases. */
#ifndef EC_FANOUT_TX_H
#define EC_FANOUT_TX_H

#include "php.h"
#include "fanout.h"

/* Takes ownership of ev's contents (ev is left empty) until pdo's transaction ends. */
void ec_fanout_defer(zend_object *pdo, ec_events *ev);
/* The PDO commit/rollBack hooks that release deferred events. */
void ec_fanout_tx_minit(void);
void ec_fanout_tx_mshutdown(void);
void ec_fanout_tx_rshutdown(void);
/* Events currently waiting for a caller's commit in this request. */
uint32_t ec_fanout_tx_pending(void);

#endif
