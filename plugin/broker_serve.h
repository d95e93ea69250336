/*
 * broker_serve: the serve role wired to the broker: requests in, answers out.
 */
#ifndef IOTNTP_BROKER_SERVE_H
#define IOTNTP_BROKER_SERVE_H

#include <mosquitto_broker.h>

#include "options.h"

struct bsv_role;

/* Starts the role and registers its callback; returns NULL (after logging why) on failure. */
struct bsv_role *bsv_start(mosquitto_plugin_id_t *id, const struct opt_config *cfg);

/* Unregisters the callback and frees the role. */
void bsv_stop(struct bsv_role *r);

#endif
