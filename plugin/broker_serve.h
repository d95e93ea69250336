/*
 * broker_serve: the serve role wired to the broker: requests in, answers out.
 *
 * As the platform emulator it answers from the system clock. On a gateway (next to the sync
 * role) it answers LAN devices only while the gateway knows the time, rate-limited per client.
 */
#ifndef IOTNTP_BROKER_SERVE_H
#define IOTNTP_BROKER_SERVE_H

#include <mosquitto_broker.h>

#include "broker_sync.h"
#include "options.h"
#include "serve.h"

struct bsv_role;

/* Starts the role and registers its callback; sync is the gateway's sync role, or NULL when
 * serving alone. Returns NULL (after logging why) on failure. */
struct bsv_role *bsv_start(mosquitto_plugin_id_t *id, const struct opt_config *cfg,
                           const struct bsy_role *sync);

/* What the role has done so far. */
const struct srv_stats *bsv_stats(const struct bsv_role *r);

/* Unregisters the callback and frees the role. */
void bsv_stop(struct bsv_role *r);

#endif
