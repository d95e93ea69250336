/* SPDX-License-Identifier: Apache-2.0 */
/*
 * broker_serve: the serve role wired to the broker: requests in, answers out.
 *
 * As the platform emulator it answers from the system clock. On a gateway (next to the sync
 * role) it answers LAN devices only while the gateway knows the time, rate-limited per client.
 * Either way an answer goes to the client that asked, and to no other, as the platform's does.
 */
#ifndef IOTNTP_BROKER_SERVE_H
#define IOTNTP_BROKER_SERVE_H

#include <mosquitto_broker.h>
#include <stdbool.h>

#include "broker_sync.h"
#include "options.h"
#include "serve.h"

struct bsv_role;

/* Starts the role; sync is the gateway's sync role, or NULL when serving alone. With
 * publish_status_too it also publishes its own status (serve_status.h) on cfg's status topic.
 * Returns NULL (after logging why) on failure. */
struct bsv_role *bsv_start(mosquitto_plugin_id_t *id, const struct opt_config *cfg,
                           const struct bsy_role *sync, bool publish_status_too);

/* Answers a device's request (handed over by broker_route.c); false if it was not answered:
 * the gateway does not know the time, the client is over its rate, or the request is bad. */
bool bsv_answer(struct bsv_role *r, const struct mosquitto_evt_message *m);

/* Counts a client's answer on a device's response topic, which was denied. */
void bsv_count_forged(struct bsv_role *r);

/* What the role has done so far. */
const struct srv_stats *bsv_stats(const struct bsv_role *r);

/* Frees the role. */
void bsv_stop(struct bsv_role *r);

#endif
