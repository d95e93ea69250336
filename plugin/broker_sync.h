/* SPDX-License-Identifier: Apache-2.0 */
/*
 * broker_sync: the sync role wired to the broker: ticks send the bursts, the platform's
 * answers (handed over by broker_route.c) make samples, which go to chrony and the status.
 */
#ifndef IOTNTP_BROKER_SYNC_H
#define IOTNTP_BROKER_SYNC_H

#include <mosquitto_broker.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "options.h"
#include "route.h"
#include "serve.h"
#include "sync.h"

struct bsy_role;

/* Starts the role and registers its tick; returns NULL (after logging why) on failure. */
struct bsy_role *bsy_start(mosquitto_plugin_id_t *id, const struct opt_config *cfg);

/* While synced: the estimate chrony was last fed, whose line gives the platform's time at any
 * CLOCK_MONOTONIC_RAW reading (est_at: ns since 1970, past 2038 even where time_t has 32
 * bits). */
bool bsy_platform_time(const struct bsy_role *r, struct est_estimate *line);

/* Takes a message that came through the bridge on the response topic. */
void bsy_take_answer(struct bsy_role *r, const void *payload, size_t len);

/* Counts an answer dropped before it reached the engine. */
void bsy_count(struct bsy_role *r, enum syn_verdict v);

/* Includes the serve role's (NULL: none) and the router's counters in the status from now
 * on. */
void bsy_show_stats(struct bsy_role *r, const struct srv_stats *serve,
                    const struct rte_stats *route);

/* Unregisters the tick and frees the role. */
void bsy_stop(struct bsy_role *r);

#endif
