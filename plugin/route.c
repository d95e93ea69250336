/* SPDX-License-Identifier: Apache-2.0 */
#include "route.h"

#include <string.h>

/* The first byte is compared here, not in strcmp: nearly every message differs there, and
 * this runs for every message the broker receives. */
static bool is(const char *topic, const char *own)
{
	return own != NULL && own[0] != '\0' && own[0] == topic[0] && strcmp(topic, own) == 0;
}

/*
 * What a message on a topic of direction dir is, t if it is the time service's. A topic the
 * platform shares carries its other services too (Huawei's events topics their OTA events, for
 * one): those are none of the plugin's business, and the broker routes them as if it were not
 * there. What the dialect cannot read is taken for the time service's, and said so: a payload
 * over the size limit or naming a member twice must not carry a forged answer past the guard.
 */
static enum rte_topic time_service(const struct rte_config *cfg, enum dlc_direction dir,
                                   enum rte_topic t, const void *payload, size_t len,
                                   bool *unreadable)
{
	if (!cfg->dialect->shared_topic[dir])
		return t;
	switch (cfg->dialect->owner(dir, payload, len)) {
	case DLC_OWNER_OTHER:
		return RTE_T_OTHER;
	case DLC_OWNER_UNKNOWN:
		*unreadable = true;
		return t;
	case DLC_OWNER_TIME:
	default:
		return t;
	}
}

enum rte_topic rte_classify(const struct rte_config *cfg, const char *topic, const void *payload,
                            size_t len, bool *unreadable)
{
	bool scratch;

	if (unreadable == NULL)
		unreadable = &scratch;
	*unreadable = false;
	if (topic == NULL)
		return RTE_T_OTHER;
	/* The gateway's own topics first: they may be configured outside the scheme. */
	if (cfg->sync) {
		if (is(topic, cfg->response_topic))
			return time_service(cfg, DLC_RESPONSE, RTE_T_OWN_RESPONSE, payload, len,
			                    unreadable);
		if (is(topic, cfg->request_topic))
			return time_service(cfg, DLC_REQUEST, RTE_T_OWN_REQUEST, payload, len,
			                    unreadable);
		if (is(topic, cfg->status_topic) || is(topic, cfg->exchange_topic))
			return RTE_T_OWN;
	}
	/* Every other message fails here, on the first bytes of the dialect's topics. */
	if (cfg->dialect->is_topic(topic, DLC_REQUEST))
		return time_service(cfg, DLC_REQUEST, RTE_T_DEVICE_REQUEST, payload, len,
		                    unreadable);
	if (cfg->dialect->is_topic(topic, DLC_RESPONSE))
		return time_service(cfg, DLC_RESPONSE, RTE_T_DEVICE_RESPONSE, payload, len,
		                    unreadable);
	return RTE_T_OTHER;
}

enum rte_sender rte_sender_of(const struct rte_config *cfg, const char *client_id, bool has_address)
{
	if (!cfg->sync || client_id == NULL || !is(client_id, cfg->bridge_client_id))
		return RTE_CLIENT;
	/* Any client may choose the bridge's id; only the connection the broker opened itself
	 * has no network address (see broker_route.c for why that cannot be faked). */
	return has_address ? RTE_IMPOSTOR : RTE_BRIDGE;
}

static struct rte_decision decide(enum rte_action action, enum rte_count count)
{
	struct rte_decision d = {.action = action, .count = count, .stop_when_answered = false};
	return d;
}

struct rte_decision rte_decide(const struct rte_config *cfg, enum rte_topic t, bool unreadable,
                               enum rte_sender s, int qos)
{
	switch (t) {
	case RTE_T_OWN:
		/* The plugin publishes these itself, through no MESSAGE callback: any message
		 * that arrives here is someone else's, and an operator must never read it. */
		return decide(RTE_DENY, RTE_COUNT_OWN_TOPIC);
	case RTE_T_OWN_RESPONSE:
		/* What the platform sent that its dialect cannot read may be another service's
		 * message: it passes, and the engine has nothing to take from it. */
		if (s == RTE_BRIDGE)
			return decide(unreadable ? RTE_PASS : RTE_TAKE_ANSWER, RTE_COUNT_NONE);
		/* Nobody but the platform answers the gateway; denied, no subscriber sees it. */
		return decide(RTE_DENY,
		              s == RTE_IMPOSTOR ? RTE_COUNT_IMPOSTOR : RTE_COUNT_LOCAL_CLIENT);
	case RTE_T_OWN_REQUEST:
		/* A client's request here would be carried to the platform in the gateway's name,
		 * and its answer would come back among the gateway's own. */
		if (s == RTE_BRIDGE)
			return decide(RTE_PASS, RTE_COUNT_NONE);
		return decide(RTE_DENY, RTE_COUNT_OWN_TOPIC);
	case RTE_T_DEVICE_REQUEST:
		/* A request the dialect cannot read could not be answered: it is routed. */
		if (!cfg->serve || unreadable)
			return decide(RTE_PASS, RTE_COUNT_NONE);
		{
			struct rte_decision d = decide(RTE_ANSWER, RTE_COUNT_NONE);
			/*
			 * An answered request has reached its time service and goes no further,
			 * as on the platform: no bridge carries it upstream for a second answer,
			 * no other client sees the device's traffic, and the broker skips routing
			 * it. Denying is silent for QoS 0 (Alibaba's, Tuya's and Tencent's SDKs
			 * ask at QoS 0); a QoS 1 or 2 request (Huawei's SDK asks at QoS 1) is
			 * routed, so that an MQTT 5 publisher is not told "not authorized".
			 */
			d.stop_when_answered = qos == 0;
			return d;
		}
	case RTE_T_DEVICE_RESPONSE:
		/* Only a gateway guards its devices; the emulator stands for the platform and
		 * leaves its topics to the tests that play a broken one. */
		if (cfg->guard_devices && s != RTE_BRIDGE)
			return decide(RTE_DENY, RTE_COUNT_FORGED_ANSWER);
		return decide(RTE_PASS,
		              cfg->sync && !unreadable ? RTE_COUNT_OTHER_DEVICE : RTE_COUNT_NONE);
	case RTE_T_OTHER:
	default:
		return decide(RTE_PASS, RTE_COUNT_NONE);
	}
}
