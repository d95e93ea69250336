/* SPDX-License-Identifier: Apache-2.0 */
/*
 * broker_route: the plugin's one MESSAGE callback. It tells the broker's own bridge from any
 * client, asks route.c what to do with each message, and hands it to the role concerned.
 */
#ifndef IOTNTP_BROKER_ROUTE_H
#define IOTNTP_BROKER_ROUTE_H

#include <mosquitto_broker.h>

#include "broker_serve.h"
#include "broker_sync.h"
#include "options.h"
#include "route.h"

struct brt_router;

/* Registers the MESSAGE callback for the roles given (either may be NULL); returns NULL (after
 * logging why) on failure. The roles must outlive the router. */
struct brt_router *brt_start(mosquitto_plugin_id_t *id, const struct opt_config *cfg,
                             struct bsy_role *sync, struct bsv_role *serve);

/* What the router denied beyond answers. */
const struct rte_stats *brt_stats(const struct brt_router *r);

/* Unregisters the callback and frees the router. */
void brt_stop(struct brt_router *r);

#endif
