/*
 * broker_sync: the sync role wired to the broker: ticks send the bursts, messages from the
 * bridge carry the answers, samples go to chrony and the status topic.
 */
#ifndef IOTNTP_BROKER_SYNC_H
#define IOTNTP_BROKER_SYNC_H

#include <mosquitto_broker.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "options.h"
#include "serve.h"

struct bsy_role;

/* Starts the role and registers its callbacks; returns NULL (after logging why) on failure. */
struct bsy_role *bsy_start(mosquitto_plugin_id_t *id, const struct opt_config *cfg);

/* While synced: the platform's time at the last sample and CLOCK_MONOTONIC_RAW then. */
bool bsy_platform_time(const struct bsy_role *r, struct timespec *at_sample, int64_t *raw_ns);

/* Includes the serve role's counters in the status message from now on. */
void bsy_show_serve_stats(struct bsy_role *r, const struct srv_stats *stats);

/* Unregisters the callbacks and frees the role. */
void bsy_stop(struct bsy_role *r);

#endif
