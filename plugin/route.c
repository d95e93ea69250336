/* SPDX-License-Identifier: Apache-2.0 */
#include "route.h"

#include <string.h>

#define RTE_PREFIX "/ext/ntp/"

static const char *const direction_name[] = {
    [RTE_REQUEST] = "request",
    [RTE_RESPONSE] = "response",
};

int rte_device_topic(char *out, size_t size, const char *pk, const char *dn, enum rte_direction dir)
{
	size_t plen = sizeof(RTE_PREFIX) - 1;
	size_t klen = strlen(pk), dlen = strlen(dn);
	const char *kind = direction_name[dir];
	size_t nlen = strlen(kind);
	size_t len = plen + klen + 1 + dlen + 1 + nlen;

	if (len >= size)
		return -1;
	char *p = out;
	memcpy(p, RTE_PREFIX, plen);
	p += plen;
	memcpy(p, pk, klen);
	p += klen;
	*p++ = '/';
	memcpy(p, dn, dlen);
	p += dlen;
	*p++ = '/';
	memcpy(p, kind, nlen + 1);
	return (int)len;
}

/* Whether topic is /ext/ntp/{pk}/{dn}/{kind} with both ids non-empty; gives where {pk}/{dn}
 * starts and how long it is. */
static bool split_topic(const char *topic, enum rte_direction dir, const char **ids, size_t *idlen)
{
	const char *kind = direction_name[dir];
	size_t plen = sizeof(RTE_PREFIX) - 1;
	size_t klen = strlen(kind);
	size_t tlen = strlen(topic);

	if (tlen <= plen + klen + 1 || strncmp(topic, RTE_PREFIX, plen) != 0 ||
	    strcmp(topic + tlen - klen, kind) != 0 || topic[tlen - klen - 1] != '/')
		return false;
	*ids = topic + plen;
	*idlen = tlen - plen - klen - 1;
	const char *slash = memchr(*ids, '/', *idlen);
	return slash != NULL && slash != *ids && slash != *ids + *idlen - 1 &&
	       memchr(slash + 1, '/', (size_t)(*ids + *idlen - slash - 1)) == NULL;
}

bool rte_response_topic(const char *topic, char *out, size_t size)
{
	const char *ids;
	size_t idlen;

	if (!split_topic(topic, RTE_REQUEST, &ids, &idlen))
		return false;
	/* Built with memcpy: this runs for every request, and snprintf cost more than the rest. */
	size_t plen = sizeof(RTE_PREFIX) - 1;
	size_t slen = strlen(direction_name[RTE_RESPONSE]);
	if (plen + idlen + 1 + slen >= size)
		return false;
	memcpy(out, RTE_PREFIX, plen);
	memcpy(out + plen, ids, idlen);
	out[plen + idlen] = '/';
	memcpy(out + plen + idlen + 1, direction_name[RTE_RESPONSE], slen + 1);
	return true;
}

bool rte_is_response_topic(const char *topic)
{
	const char *ids;
	size_t idlen;

	return split_topic(topic, RTE_RESPONSE, &ids, &idlen);
}

/* The first byte is compared here, not in strcmp: nearly every message differs there, and
 * this runs for every message the broker receives. */
static bool is(const char *topic, const char *own)
{
	return own != NULL && own[0] != '\0' && own[0] == topic[0] && strcmp(topic, own) == 0;
}

enum rte_topic rte_classify(const struct rte_config *cfg, const char *topic)
{
	const char *ids;
	size_t idlen;

	if (topic == NULL)
		return RTE_T_OTHER;
	/* The gateway's own topics first: they may be configured outside the scheme. */
	if (cfg->sync) {
		if (is(topic, cfg->response_topic))
			return RTE_T_OWN_RESPONSE;
		if (is(topic, cfg->request_topic))
			return RTE_T_OWN_REQUEST;
		if (is(topic, cfg->status_topic) || is(topic, cfg->exchange_topic))
			return RTE_T_OWN;
	}
	/* Every other message fails here, on the first bytes of the prefix. */
	if (topic[0] != RTE_PREFIX[0] || strncmp(topic, RTE_PREFIX, sizeof(RTE_PREFIX) - 1) != 0)
		return RTE_T_OTHER;
	if (split_topic(topic, RTE_REQUEST, &ids, &idlen))
		return RTE_T_DEVICE_REQUEST;
	if (split_topic(topic, RTE_RESPONSE, &ids, &idlen))
		return RTE_T_DEVICE_RESPONSE;
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

struct rte_decision rte_decide(const struct rte_config *cfg, enum rte_topic t, enum rte_sender s,
                               int qos)
{
	switch (t) {
	case RTE_T_OWN:
		/* The plugin publishes these itself, through no MESSAGE callback: any message
		 * that arrives here is someone else's, and an operator must never read it. */
		return decide(RTE_DENY, RTE_COUNT_OWN_TOPIC);
	case RTE_T_OWN_RESPONSE:
		if (s == RTE_BRIDGE)
			return decide(RTE_TAKE_ANSWER, RTE_COUNT_NONE);
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
		if (!cfg->serve)
			return decide(RTE_PASS, RTE_COUNT_NONE);
		{
			struct rte_decision d = decide(RTE_ANSWER, RTE_COUNT_NONE);
			/*
			 * An answered request has reached its time service and goes no further,
			 * as on the platform: no bridge carries it upstream for a second answer,
			 * no other client sees the device's traffic, and the broker skips routing
			 * it. Denying is silent for QoS 0, the protocol's only QoS; a QoS 1 or 2
			 * request is routed, so its publisher is not told "not authorized".
			 */
			d.stop_when_answered = qos == 0;
			return d;
		}
	case RTE_T_DEVICE_RESPONSE:
		/* Only a gateway guards its devices; the emulator stands for the platform and
		 * leaves its topics to the tests that play a broken one. */
		if (cfg->guard_devices && s != RTE_BRIDGE)
			return decide(RTE_DENY, RTE_COUNT_FORGED_ANSWER);
		return decide(RTE_PASS, cfg->sync ? RTE_COUNT_OTHER_DEVICE : RTE_COUNT_NONE);
	case RTE_T_OTHER:
	default:
		return decide(RTE_PASS, RTE_COUNT_NONE);
	}
}
