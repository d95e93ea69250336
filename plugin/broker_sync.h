/*
 * broker_sync: the sync role wired to the broker: ticks send the bursts, messages from the
 * bridge carry the answers, samples go to chrony and the status topic.
 */
#ifndef IOTNTP_BROKER_SYNC_H
#define IOTNTP_BROKER_SYNC_H

#include <mosquitto_broker.h>

#include "options.h"

struct bsy_role;

/* Starts the role and registers its callbacks; returns NULL (after logging why) on failure. */
struct bsy_role *bsy_start(mosquitto_plugin_id_t *id, const struct opt_config *cfg);

/* Unregisters the callbacks and frees the role. */
void bsy_stop(struct bsy_role *r);

#endif
