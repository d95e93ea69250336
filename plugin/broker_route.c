/* SPDX-License-Identifier: Apache-2.0 */
#include "broker_route.h"

#include <mosquitto.h>
#include <stdlib.h>
#include <string.h>

struct brt_router {
	mosquitto_plugin_id_t *id;
	struct opt_config cfg; /* rte's topics point into it */
	struct rte_config rte;
	struct bsy_role *sync;
	struct bsv_role *serve;
	struct rte_stats stats;
	bool impostor_logged;
};

/*
 * Whether the broker knows a network address for the client: the one property that tells the
 * broker's own bridge from a client that connected with the bridge's client id. In Mosquitto
 * 2.0 (checked in 2.0.11's source) a bridge's context is made by bridge__new() with
 * context__init(INVALID_SOCKET), which leaves its address NULL, and nothing sets it later:
 * the only assignments of a context's address are context__init() for an accepted socket and
 * the websockets accept path. context__init() refuses an accepted socket whose peer address
 * it cannot read, so every network client has one; a client chooses its id, never its address.
 * Websockets clients are treated as having one even should their lookup have failed.
 */
static bool has_address(const struct mosquitto *client)
{
	return mosquitto_client_address(client) != NULL ||
	       mosquitto_client_protocol(client) == mp_websockets;
}

static void count(struct brt_router *r, enum rte_count c, const struct mosquitto *client)
{
	switch (c) {
	case RTE_COUNT_NONE:
		return;
	case RTE_COUNT_LOCAL_CLIENT:
		bsy_count(r->sync, SYN_REJ_LOCAL_CLIENT);
		return;
	case RTE_COUNT_IMPOSTOR:
		bsy_count(r->sync, SYN_REJ_IMPOSTOR);
		if (!r->impostor_logged) {
			r->impostor_logged = true;
			const char *addr = mosquitto_client_address(client);
			mosquitto_log_printf(
			    MOSQ_LOG_WARNING,
			    "iotntp: impostor: a client at %s connected with the bridge's client "
			    "id "
			    "'%s'; its answers are dropped, only the broker's own bridge "
			    "connection "
			    "is trusted (further ones are only counted as impostor)",
			    addr != NULL ? addr : "an unknown address", r->cfg.bridge_client_id);
		}
		return;
	case RTE_COUNT_OTHER_DEVICE:
		bsy_count(r->sync, SYN_REJ_OTHER_DEVICE);
		return;
	case RTE_COUNT_FORGED_ANSWER:
		bsv_count_forged(r->serve);
		return;
	case RTE_COUNT_OWN_TOPIC:
		r->stats.own_topic++;
		return;
	}
}

static int on_message(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_message *m = event_data;
	struct brt_router *r = userdata;

	(void)event;
	/* Runs for every message the broker receives; most leave at the classification. */
	bool unreadable;
	enum rte_topic t =
	    rte_classify(&r->rte, m->topic, m->payload, (size_t)m->payloadlen, &unreadable);
	if (t == RTE_T_OTHER)
		return MOSQ_ERR_SUCCESS;
	enum rte_sender s =
	    rte_sender_of(&r->rte, mosquitto_client_id(m->client), has_address(m->client));
	struct rte_decision d = rte_decide(&r->rte, t, unreadable, s, m->qos);
	count(r, d.count, m->client);

	/* Only success or a denial: any other code would make the broker drop the connection
	 * that sent the message, and for the bridge that is the whole uplink. */
	switch (d.action) {
	case RTE_DENY:
		return MOSQ_ERR_ACL_DENIED;
	case RTE_TAKE_ANSWER:
		bsy_take_answer(r->sync, m->payload, m->payloadlen);
		return MOSQ_ERR_SUCCESS;
	case RTE_ANSWER:
		if (bsv_answer(r->serve, m) && d.stop_when_answered)
			return MOSQ_ERR_ACL_DENIED;
		return MOSQ_ERR_SUCCESS;
	case RTE_PASS:
	default:
		return MOSQ_ERR_SUCCESS;
	}
}

struct brt_router *brt_start(mosquitto_plugin_id_t *id, const struct opt_config *cfg,
                             struct bsy_role *sync, struct bsv_role *serve)
{
	struct brt_router *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		mosquitto_log_printf(MOSQ_LOG_ERR, "iotntp: out of memory");
		return NULL;
	}
	r->id = id;
	r->cfg = *cfg;
	r->sync = sync;
	r->serve = serve;
	r->rte = (struct rte_config){
	    .dialect = cfg->dialect,
	    .sync = sync != NULL,
	    .serve = serve != NULL,
	    .guard_devices = serve != NULL && !cfg->authoritative,
	    .request_topic = r->cfg.request_topic,
	    .response_topic = r->cfg.response_topic,
	    .status_topic = r->cfg.status_topic,
	    .exchange_topic = r->cfg.exchange_topic,
	    .bridge_client_id = r->cfg.bridge_client_id,
	};
	if (mosquitto_callback_register(id, MOSQ_EVT_MESSAGE, on_message, NULL, r) !=
	    MOSQ_ERR_SUCCESS) {
		mosquitto_log_printf(MOSQ_LOG_ERR, "iotntp: cannot register the message callback");
		free(r);
		return NULL;
	}
	return r;
}

const struct rte_stats *brt_stats(const struct brt_router *r)
{
	return &r->stats;
}

void brt_stop(struct brt_router *r)
{
	if (r == NULL)
		return;
	mosquitto_callback_unregister(r->id, MOSQ_EVT_MESSAGE, on_message, NULL);
	free(r);
}
