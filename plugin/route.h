/* SPDX-License-Identifier: Apache-2.0 */
/*
 * route: who may publish what on the plugin's topics.
 *
 * Every message the broker receives goes through one MESSAGE callback (broker_route.c), which
 * asks this module what to do with it and only carries the answer out. The decision depends on
 * the topic, on who published (the broker's own bridge, a client that took the bridge's client
 * id, or any other client), on the QoS and on the configuration; nothing else. Which topics
 * are a device's requests and responses, and which messages on them are the time service's,
 * the platform's dialect says (dialect.h): this module knows no platform.
 */
#ifndef IOTNTP_ROUTE_H
#define IOTNTP_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "dialect.h"

/* What the plugin's configuration says about topics and senders. Topics are borrowed. */
struct rte_config {
	const struct dlc_dialect *dialect; /* the platform's: its topics and its messages */
	bool sync;                         /* the gateway's own sync role is on */
	bool serve;                        /* devices' requests are answered */
	bool guard_devices;           /* only the plugin may answer devices (not the emulator) */
	const char *request_topic;    /* sync: the gateway's own; "" when off */
	const char *response_topic;   /* sync: where the platform answers the gateway */
	const char *status_topic;     /* sync: the plugin's retained status */
	const char *exchange_topic;   /* sync: each exchange for analysis; "" when off */
	const char *bridge_client_id; /* sync: the bridge's local client id */
};

/* What a topic is to the plugin. */
enum rte_topic {
	RTE_T_OTHER,           /* none of the plugin's business */
	RTE_T_OWN,             /* the status or exchange topic, which the plugin alone publishes */
	RTE_T_OWN_REQUEST,     /* the gateway's request topic */
	RTE_T_OWN_RESPONSE,    /* the platform's answers to the gateway */
	RTE_T_DEVICE_REQUEST,  /* another device's request */
	RTE_T_DEVICE_RESPONSE, /* another device's response */
};

/* Who published a message, as far as the broker can prove it. */
enum rte_sender {
	RTE_BRIDGE,   /* the connection the broker opened itself to the platform */
	RTE_IMPOSTOR, /* a network client that connected with the bridge's client id */
	RTE_CLIENT,   /* any other client */
};

/* What the MESSAGE callback does with the message. */
enum rte_action {
	RTE_PASS,        /* the broker routes it as any message */
	RTE_DENY,        /* dropped: no subscriber and no bridge sees it */
	RTE_TAKE_ANSWER, /* the sync engine takes it, then the broker routes it */
	RTE_ANSWER,      /* the serve role answers it; see stop_when_answered */
};

/* What a dropped or unusual message is counted as; each maps to one status counter. */
enum rte_count {
	RTE_COUNT_NONE,
	RTE_COUNT_LOCAL_CLIENT,  /* a client's answer to the gateway: dropped_by.local_client */
	RTE_COUNT_IMPOSTOR,      /* an answer from the bridge's id, not the bridge: .impostor */
	RTE_COUNT_OTHER_DEVICE,  /* an answer for another device: dropped_by.other_device */
	RTE_COUNT_FORGED_ANSWER, /* a client's answer to a device: lan.forged_answer */
	RTE_COUNT_OWN_TOPIC,     /* a publish on the plugin's own topics: denied_own_topics */
};

struct rte_decision {
	enum rte_action action;
	enum rte_count count;
	/* RTE_ANSWER: once answered, the request goes no further (deny it); if it could not be
	 * answered, or this is false, it is routed as any message. */
	bool stop_when_answered;
};

/* What the routing denied beyond answers, for the status. */
struct rte_stats {
	unsigned long long own_topic; /* publishes on the plugin's own topics */
};

/*
 * What a message on topic is to the plugin under cfg. On a topic the platform shares with its
 * other services the payload (len bytes, not NUL-terminated) is asked whose it is; elsewhere
 * it is not looked at. Another service's message is RTE_T_OTHER. One its dialect cannot read
 * is classified as the time service's, with *unreadable set (it may be NULL): a laxer reader
 * may still take it for a request or an answer, so rte_decide weighs who sent it.
 */
enum rte_topic rte_classify(const struct rte_config *cfg, const char *topic, const void *payload,
                            size_t len, bool *unreadable);

/* Who sent a message from client_id (NULL: none); has_address tells whether the broker knows
 * a network address for that client. */
enum rte_sender rte_sender_of(const struct rte_config *cfg, const char *client_id,
                              bool has_address);

/* The decision for a message on a topic classified as t (unreadable as rte_classify said),
 * from sender s, at QoS qos. */
struct rte_decision rte_decide(const struct rte_config *cfg, enum rte_topic t, bool unreadable,
                               enum rte_sender s, int qos);

#endif
