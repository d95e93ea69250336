/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for route: who may publish what, case by case. The topics are Alibaba's unless a
 * test says otherwise; the dialects' own tests (test_dialect.c) check each topic scheme.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "route.h"
#include "runner.h"

#define BRIDGE_ID "iotntp-bridge-5f0c1e2d3a4b"

/* A gateway: the sync role, serving its LAN devices. */
static struct rte_config gateway(void)
{
	struct rte_config c = {
	    .dialect = dlc_find("aliyun"),
	    .sync = true,
	    .serve = true,
	    .guard_devices = true,
	    .request_topic = "/ext/ntp/gwpk/gw-01/request",
	    .response_topic = "/ext/ntp/gwpk/gw-01/response",
	    .status_topic = "iotntp/status",
	    .exchange_topic = "iotntp/exchange",
	    .bridge_client_id = BRIDGE_ID,
	};
	return c;
}

/* A gateway that does not answer its LAN devices. */
static struct rte_config gateway_alone(void)
{
	struct rte_config c = gateway();
	c.serve = false;
	c.guard_devices = false;
	return c;
}

/* The platform emulator: the serve role, authoritative. */
static struct rte_config emulator(void)
{
	struct rte_config c = {.dialect = dlc_find("aliyun"),
	                       .serve = true,
	                       .request_topic = "",
	                       .response_topic = "",
	                       .status_topic = "",
	                       .exchange_topic = "",
	                       .bridge_client_id = ""};
	return c;
}

static void gateway_topics_are_classified(void)
{
	struct rte_config g = gateway();

	CU_ASSERT_EQUAL(rte_classify(&g, "/ext/ntp/gwpk/gw-01/response", NULL, 0, NULL),
	                RTE_T_OWN_RESPONSE);
	CU_ASSERT_EQUAL(rte_classify(&g, "/ext/ntp/gwpk/gw-01/request", NULL, 0, NULL),
	                RTE_T_OWN_REQUEST);
	CU_ASSERT_EQUAL(rte_classify(&g, "iotntp/status", NULL, 0, NULL), RTE_T_OWN);
	CU_ASSERT_EQUAL(rte_classify(&g, "iotntp/exchange", NULL, 0, NULL), RTE_T_OWN);
	CU_ASSERT_EQUAL(rte_classify(&g, "/ext/ntp/lanpk/landev/request", NULL, 0, NULL),
	                RTE_T_DEVICE_REQUEST);
	CU_ASSERT_EQUAL(rte_classify(&g, "/ext/ntp/lanpk/landev/response", NULL, 0, NULL),
	                RTE_T_DEVICE_RESPONSE);
	const char *other[] = {"iotntp/status/",
	                       "iotntp/statu",
	                       "iotntp",
	                       "sensors/t1",
	                       "/ext/ntp/gwpk/gw-01/request/x",
	                       "/ext/ntp/gwpk/gw-01",
	                       "$SYS/broker/uptime",
	                       "/ext/ntp/",
	                       ""};
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		CU_ASSERT_EQUAL(rte_classify(&g, other[i], NULL, 0, NULL), RTE_T_OTHER);
	CU_ASSERT_EQUAL(rte_classify(&g, NULL, NULL, 0, NULL), RTE_T_OTHER);
}

static void custom_gateway_topics_outside_the_scheme_are_the_gateways_own(void)
{
	struct rte_config g = gateway();
	g.request_topic = "site/ntp/req";
	g.response_topic = "site/ntp/resp";
	g.exchange_topic = "";

	CU_ASSERT_EQUAL(rte_classify(&g, "site/ntp/req", NULL, 0, NULL), RTE_T_OWN_REQUEST);
	CU_ASSERT_EQUAL(rte_classify(&g, "site/ntp/resp", NULL, 0, NULL), RTE_T_OWN_RESPONSE);
	/* The scheme's topics for the same ids are then a device's like any other. */
	CU_ASSERT_EQUAL(rte_classify(&g, "/ext/ntp/gwpk/gw-01/response", NULL, 0, NULL),
	                RTE_T_DEVICE_RESPONSE);
	/* An exchange topic that is off is no topic at all. */
	CU_ASSERT_EQUAL(rte_classify(&g, "iotntp/exchange", NULL, 0, NULL), RTE_T_OTHER);
}

static void emulator_has_no_topics_of_its_own(void)
{
	struct rte_config e = emulator();

	CU_ASSERT_EQUAL(rte_classify(&e, "iotntp/status", NULL, 0, NULL), RTE_T_OTHER);
	CU_ASSERT_EQUAL(rte_classify(&e, "/ext/ntp/pk/dn/request", NULL, 0, NULL),
	                RTE_T_DEVICE_REQUEST);
	CU_ASSERT_EQUAL(rte_classify(&e, "/ext/ntp/pk/dn/response", NULL, 0, NULL),
	                RTE_T_DEVICE_RESPONSE);
}

/* A gateway on Huawei's IoTDA, whose events topics carry the platform's other services too. */
static struct rte_config huawei_gateway(void)
{
	struct rte_config c = gateway();
	c.dialect = dlc_find("huawei");
	c.request_topic = "$oc/devices/gw_01/sys/events/up";
	c.response_topic = "$oc/devices/gw_01/sys/events/down";
	return c;
}

static enum rte_topic classify_text(const struct rte_config *c, const char *topic,
                                    const char *payload)
{
	return rte_classify(c, topic, payload, strlen(payload), NULL);
}

/* As classify_text, and whether the payload was unreadable (written whatever it held). */
static enum rte_topic classify_unreadable(const struct rte_config *c, const char *topic,
                                          const char *payload, bool *unreadable)
{
	bool was_false = false, was_true = true;
	enum rte_topic t = rte_classify(c, topic, payload, strlen(payload), &was_false);

	CU_ASSERT_EQUAL(rte_classify(c, topic, payload, strlen(payload), &was_true), t);
	CU_ASSERT_EQUAL(was_false, was_true);
	*unreadable = was_false;
	return t;
}

#define HW_TIME_REQUEST                                                                            \
	"{\"services\":[{\"service_id\":\"$time_sync\",\"event_type\":\"time_sync_request\","      \
	"\"paras\":{\"device_send_time\":1795554000000}}]}"
#define HW_TIME_ANSWER                                                                             \
	"{\"services\":[{\"service_id\":\"$time_sync\",\"event_type\":\"time_sync_response\","     \
	"\"paras\":{\"device_send_time\":1795554000000,\"server_recv_time\":1795554000010,"        \
	"\"server_send_time\":1795554000011}}]}"
#define HW_OTA_EVENT                                                                               \
	"{\"services\":[{\"service_id\":\"$ota\",\"event_type\":\"version_query\",\"paras\":{}}]}"

static void on_a_shared_topic_only_the_time_services_messages_are_the_plugins(void)
{
	struct rte_config g = huawei_gateway();
	const char *other[] = {HW_OTA_EVENT, "{}", "{\"services\":[]}"};
	bool unreadable;

	CU_ASSERT_EQUAL(classify_text(&g, "$oc/devices/gw_01/sys/events/down", HW_TIME_ANSWER),
	                RTE_T_OWN_RESPONSE);
	CU_ASSERT_EQUAL(classify_text(&g, "$oc/devices/gw_01/sys/events/up", HW_TIME_REQUEST),
	                RTE_T_OWN_REQUEST);
	CU_ASSERT_EQUAL(classify_text(&g, "$oc/devices/lan_7/sys/events/up", HW_TIME_REQUEST),
	                RTE_T_DEVICE_REQUEST);
	CU_ASSERT_EQUAL(classify_text(&g, "$oc/devices/lan_7/sys/events/down", HW_TIME_ANSWER),
	                RTE_T_DEVICE_RESPONSE);
	CU_ASSERT_EQUAL(classify_unreadable(&g, "$oc/devices/gw_01/sys/events/down", HW_TIME_ANSWER,
	                                    &unreadable),
	                RTE_T_OWN_RESPONSE);
	CU_ASSERT_FALSE(unreadable);
	/* The platform's other events pass as if the plugin were not there: never denied,
	 * never counted, never answered. */
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		CU_ASSERT_EQUAL(classify_unreadable(&g, "$oc/devices/gw_01/sys/events/down",
		                                    other[i], &unreadable),
		                RTE_T_OTHER);
		CU_ASSERT_FALSE(unreadable);
		CU_ASSERT_EQUAL(classify_text(&g, "$oc/devices/gw_01/sys/events/up", other[i]),
		                RTE_T_OTHER);
		CU_ASSERT_EQUAL(classify_text(&g, "$oc/devices/lan_7/sys/events/up", other[i]),
		                RTE_T_OTHER);
		CU_ASSERT_EQUAL(classify_text(&g, "$oc/devices/lan_7/sys/events/down", other[i]),
		                RTE_T_OTHER);
	}
	/* What cannot be read may still be read as a request or an answer by a laxer reader:
	 * it keeps its topic's class, said unreadable, and who sent it decides (the cases in
	 * unreadable_cases below). */
	const char *unread[] = {"", "not json", "{\"services\":[]} x",
	                        "{\"services\":[],\"services\":[]}"};
	const char *topics[] = {
	    "$oc/devices/gw_01/sys/events/down", "$oc/devices/gw_01/sys/events/up",
	    "$oc/devices/lan_7/sys/events/up", "$oc/devices/lan_7/sys/events/down"};
	const enum rte_topic classes[] = {RTE_T_OWN_RESPONSE, RTE_T_OWN_REQUEST,
	                                  RTE_T_DEVICE_REQUEST, RTE_T_DEVICE_RESPONSE};
	for (size_t i = 0; i < sizeof(unread) / sizeof(unread[0]); i++) {
		for (size_t k = 0; k < sizeof(topics) / sizeof(topics[0]); k++) {
			CU_ASSERT_EQUAL(classify_unreadable(&g, topics[k], unread[i], &unreadable),
			                classes[k]);
			CU_ASSERT_TRUE(unreadable);
		}
	}
	/* A time request on a response topic is not an answer. */
	CU_ASSERT_EQUAL(classify_text(&g, "$oc/devices/lan_7/sys/events/down", HW_TIME_REQUEST),
	                RTE_T_OTHER);
	/* The plugin's own topics are its alone, whatever they carry. */
	CU_ASSERT_EQUAL(classify_text(&g, "iotntp/status", HW_OTA_EVENT), RTE_T_OWN);
	/* Alibaba's topics are nothing to a Huawei gateway. */
	CU_ASSERT_EQUAL(classify_text(&g, "/ext/ntp/pk/dn/request", "{\"deviceSendTime\":\"1\"}"),
	                RTE_T_OTHER);
}

static int payloads_asked;

static enum dlc_owner counting_owner(enum dlc_direction dir, const void *payload, size_t len)
{
	(void)dir;
	(void)payload;
	(void)len;
	payloads_asked++;
	return DLC_OWNER_OTHER;
}

static void the_payload_is_asked_only_on_a_topic_the_platform_shares(void)
{
	struct dlc_dialect d = *dlc_find("aliyun");
	struct rte_config g = gateway();
	g.dialect = &d;
	d.owner = counting_owner;
	const char *topics[] = {"/ext/ntp/gwpk/gw-01/response",
	                        "/ext/ntp/gwpk/gw-01/request",
	                        "/ext/ntp/lanpk/landev/request",
	                        "/ext/ntp/lanpk/landev/response",
	                        "iotntp/status",
	                        "sensors/t1"};

	/* Alibaba's topics are the time service's alone: its payloads are never looked at. */
	payloads_asked = 0;
	for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++)
		rte_classify(&g, topics[i], "x", 1, NULL);
	CU_ASSERT_EQUAL(payloads_asked, 0);
	CU_ASSERT_EQUAL(rte_classify(&g, topics[2], "x", 1, NULL), RTE_T_DEVICE_REQUEST);

	/* Shared, the four time topics are asked about once each; the others never. */
	d.shared_topic[DLC_REQUEST] = d.shared_topic[DLC_RESPONSE] = true;
	for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++)
		CU_ASSERT_EQUAL(rte_classify(&g, topics[i], "x", 1, NULL),
		                i == 4 ? RTE_T_OWN : RTE_T_OTHER);
	CU_ASSERT_EQUAL(payloads_asked, 4);
}

static void each_dialects_own_messages_on_its_topics_are_classified(void)
{
	for (int i = 0; dlc_all[i] != NULL; i++) {
		const struct dlc_dialect *d = dlc_all[i];
		struct rte_config c = emulator();
		struct dlc_identity who = {.product = d->product_max > 0 ? "prod1" : NULL,
		                           .device = "dev-1"};
		char req_topic[DLC_TOPIC_SIZE], resp_topic[DLC_TOPIC_SIZE];
		char req[DLC_BUF_SIZE], resp[DLC_BUF_SIZE];
		struct dlc_id id;
		struct dlc_request r;

		c.dialect = d;
		CU_ASSERT_FATAL(d->topic(&who, DLC_REQUEST, req_topic, sizeof(req_topic)) > 0);
		CU_ASSERT_FATAL(d->topic(&who, DLC_RESPONSE, resp_topic, sizeof(resp_topic)) > 0);
		int n = d->encode_request(INT64_C(1795554000000), 1, &id, req, sizeof(req));
		CU_ASSERT_FATAL(n > 0);
		CU_ASSERT_EQUAL_FATAL(d->decode_request(req, (size_t)n, &r), DLC_OK);
		int m = d->encode_response(&r, INT64_C(1795554000010), INT64_C(1795554000011), resp,
		                           sizeof(resp));
		CU_ASSERT_FATAL(m > 0);
		CU_ASSERT_EQUAL(rte_classify(&c, req_topic, req, (size_t)n, NULL),
		                RTE_T_DEVICE_REQUEST);
		CU_ASSERT_EQUAL(rte_classify(&c, resp_topic, resp, (size_t)m, NULL),
		                RTE_T_DEVICE_RESPONSE);
		/* The gateway's own topics, in that dialect. */
		struct rte_config g = gateway();
		g.dialect = d;
		g.request_topic = req_topic;
		g.response_topic = resp_topic;
		CU_ASSERT_EQUAL(rte_classify(&g, req_topic, req, (size_t)n, NULL),
		                RTE_T_OWN_REQUEST);
		CU_ASSERT_EQUAL(rte_classify(&g, resp_topic, resp, (size_t)m, NULL),
		                RTE_T_OWN_RESPONSE);
	}
}

static void only_the_bridge_id_without_an_address_is_the_bridge(void)
{
	struct rte_config g = gateway();

	CU_ASSERT_EQUAL(rte_sender_of(&g, BRIDGE_ID, false), RTE_BRIDGE);
	CU_ASSERT_EQUAL(rte_sender_of(&g, BRIDGE_ID, true), RTE_IMPOSTOR);
	CU_ASSERT_EQUAL(rte_sender_of(&g, "lan-device", false), RTE_CLIENT);
	CU_ASSERT_EQUAL(rte_sender_of(&g, "lan-device", true), RTE_CLIENT);
	CU_ASSERT_EQUAL(rte_sender_of(&g, NULL, false), RTE_CLIENT);
	/* Near misses of the id are other clients. */
	CU_ASSERT_EQUAL(rte_sender_of(&g, BRIDGE_ID "x", false), RTE_CLIENT);
	CU_ASSERT_EQUAL(rte_sender_of(&g, "iotntp-bridge-5f0c1e2d3a4", false), RTE_CLIENT);
	CU_ASSERT_EQUAL(rte_sender_of(&g, "IOTNTP-BRIDGE-5F0C1E2D3A4B", false), RTE_CLIENT);
	CU_ASSERT_EQUAL(rte_sender_of(&g, "", false), RTE_CLIENT);
}

static void without_the_sync_role_nobody_is_the_bridge(void)
{
	struct rte_config e = emulator();
	struct rte_config g = gateway();
	g.bridge_client_id = "";

	CU_ASSERT_EQUAL(rte_sender_of(&e, "", false), RTE_CLIENT);
	CU_ASSERT_EQUAL(rte_sender_of(&e, BRIDGE_ID, false), RTE_CLIENT);
	CU_ASSERT_EQUAL(rte_sender_of(&g, "", false), RTE_CLIENT);
}

struct route_case {
	const char *name;
	struct rte_config (*cfg)(void);
	enum rte_topic topic;
	enum rte_sender sender;
	int qos;
	enum rte_action action;
	enum rte_count count;
	bool stop_when_answered;
};

static const struct route_case cases[] = {
    /* The status and exchange topics are the plugin's alone, whoever publishes. */
    {"status from a client", gateway, RTE_T_OWN, RTE_CLIENT, 0, RTE_DENY, RTE_COUNT_OWN_TOPIC,
     false},
    {"status from a client, QoS 1", gateway, RTE_T_OWN, RTE_CLIENT, 1, RTE_DENY,
     RTE_COUNT_OWN_TOPIC, false},
    {"status from an impostor", gateway, RTE_T_OWN, RTE_IMPOSTOR, 0, RTE_DENY, RTE_COUNT_OWN_TOPIC,
     false},
    {"status through the bridge", gateway, RTE_T_OWN, RTE_BRIDGE, 0, RTE_DENY, RTE_COUNT_OWN_TOPIC,
     false},
    {"status, gateway alone", gateway_alone, RTE_T_OWN, RTE_CLIENT, 0, RTE_DENY,
     RTE_COUNT_OWN_TOPIC, false},
    /* The platform's answers to the gateway: through the bridge only. */
    {"answer through the bridge", gateway, RTE_T_OWN_RESPONSE, RTE_BRIDGE, 0, RTE_TAKE_ANSWER,
     RTE_COUNT_NONE, false},
    {"answer through the bridge, QoS 1", gateway, RTE_T_OWN_RESPONSE, RTE_BRIDGE, 1,
     RTE_TAKE_ANSWER, RTE_COUNT_NONE, false},
    {"answer from a client", gateway, RTE_T_OWN_RESPONSE, RTE_CLIENT, 0, RTE_DENY,
     RTE_COUNT_LOCAL_CLIENT, false},
    {"answer from an impostor", gateway, RTE_T_OWN_RESPONSE, RTE_IMPOSTOR, 0, RTE_DENY,
     RTE_COUNT_IMPOSTOR, false},
    {"answer from an impostor, QoS 1", gateway, RTE_T_OWN_RESPONSE, RTE_IMPOSTOR, 1, RTE_DENY,
     RTE_COUNT_IMPOSTOR, false},
    {"answer from an impostor, gateway alone", gateway_alone, RTE_T_OWN_RESPONSE, RTE_IMPOSTOR, 0,
     RTE_DENY, RTE_COUNT_IMPOSTOR, false},
    /* The gateway's requests are its own. */
    {"request through the bridge", gateway, RTE_T_OWN_REQUEST, RTE_BRIDGE, 0, RTE_PASS,
     RTE_COUNT_NONE, false},
    {"gateway's request from a client", gateway, RTE_T_OWN_REQUEST, RTE_CLIENT, 0, RTE_DENY,
     RTE_COUNT_OWN_TOPIC, false},
    {"gateway's request from an impostor", gateway, RTE_T_OWN_REQUEST, RTE_IMPOSTOR, 0, RTE_DENY,
     RTE_COUNT_OWN_TOPIC, false},
    /* Devices' requests: answered when serving; QoS 0 ones then go no further. */
    {"device request", gateway, RTE_T_DEVICE_REQUEST, RTE_CLIENT, 0, RTE_ANSWER, RTE_COUNT_NONE,
     true},
    {"device request, QoS 1", gateway, RTE_T_DEVICE_REQUEST, RTE_CLIENT, 1, RTE_ANSWER,
     RTE_COUNT_NONE, false},
    {"device request, QoS 2", gateway, RTE_T_DEVICE_REQUEST, RTE_CLIENT, 2, RTE_ANSWER,
     RTE_COUNT_NONE, false},
    {"device request from an impostor", gateway, RTE_T_DEVICE_REQUEST, RTE_IMPOSTOR, 0, RTE_ANSWER,
     RTE_COUNT_NONE, true},
    {"device request, gateway alone", gateway_alone, RTE_T_DEVICE_REQUEST, RTE_CLIENT, 0, RTE_PASS,
     RTE_COUNT_NONE, false},
    {"device request at the emulator", emulator, RTE_T_DEVICE_REQUEST, RTE_CLIENT, 0, RTE_ANSWER,
     RTE_COUNT_NONE, true},
    {"device request at the emulator, QoS 1", emulator, RTE_T_DEVICE_REQUEST, RTE_CLIENT, 1,
     RTE_ANSWER, RTE_COUNT_NONE, false},
    /* Devices' responses: only the plugin answers a gateway's devices. */
    {"device response from a client", gateway, RTE_T_DEVICE_RESPONSE, RTE_CLIENT, 0, RTE_DENY,
     RTE_COUNT_FORGED_ANSWER, false},
    {"device response from a client, QoS 1", gateway, RTE_T_DEVICE_RESPONSE, RTE_CLIENT, 1,
     RTE_DENY, RTE_COUNT_FORGED_ANSWER, false},
    {"device response from an impostor", gateway, RTE_T_DEVICE_RESPONSE, RTE_IMPOSTOR, 0, RTE_DENY,
     RTE_COUNT_FORGED_ANSWER, false},
    {"device response through the bridge", gateway, RTE_T_DEVICE_RESPONSE, RTE_BRIDGE, 0, RTE_PASS,
     RTE_COUNT_OTHER_DEVICE, false},
    {"device response, gateway alone", gateway_alone, RTE_T_DEVICE_RESPONSE, RTE_CLIENT, 0,
     RTE_PASS, RTE_COUNT_OTHER_DEVICE, false},
    {"device response at the emulator", emulator, RTE_T_DEVICE_RESPONSE, RTE_CLIENT, 0, RTE_PASS,
     RTE_COUNT_NONE, false},
    /* Everything else is routed as the broker would without the plugin. */
    {"other topic", gateway, RTE_T_OTHER, RTE_CLIENT, 0, RTE_PASS, RTE_COUNT_NONE, false},
    {"other topic from an impostor", gateway, RTE_T_OTHER, RTE_IMPOSTOR, 1, RTE_PASS,
     RTE_COUNT_NONE, false},
    {"other topic at the emulator", emulator, RTE_T_OTHER, RTE_CLIENT, 0, RTE_PASS, RTE_COUNT_NONE,
     false},
};

static void each_case_gets_its_decision(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct route_case *c = &cases[i];
		struct rte_config cfg = c->cfg();
		struct rte_decision d = rte_decide(&cfg, c->topic, false, c->sender, c->qos);
		bool ok = d.action == c->action && d.count == c->count &&
		          d.stop_when_answered == c->stop_when_answered;
		if (!ok)
			fprintf(stderr, "\n  %s: action %d count %d stop %d\n", c->name, d.action,
			        d.count, d.stop_when_answered);
		CU_ASSERT_TRUE(ok);
	}
}

/* On a shared topic, a payload the dialect cannot read: who sent it decides. */
static const struct route_case unreadable_cases[] = {
    /* The platform's own: passed, never taken, never counted, whatever it is. */
    {"unreadable answer through the bridge", gateway, RTE_T_OWN_RESPONSE, RTE_BRIDGE, 0, RTE_PASS,
     RTE_COUNT_NONE, false},
    {"unreadable device response through the bridge", gateway, RTE_T_DEVICE_RESPONSE, RTE_BRIDGE, 0,
     RTE_PASS, RTE_COUNT_NONE, false},
    /* Anyone else's on a guarded topic: denied as a readable one would be. */
    {"unreadable answer from a client", gateway, RTE_T_OWN_RESPONSE, RTE_CLIENT, 0, RTE_DENY,
     RTE_COUNT_LOCAL_CLIENT, false},
    {"unreadable answer from an impostor", gateway, RTE_T_OWN_RESPONSE, RTE_IMPOSTOR, 1, RTE_DENY,
     RTE_COUNT_IMPOSTOR, false},
    {"unreadable gateway's request from a client", gateway, RTE_T_OWN_REQUEST, RTE_CLIENT, 0,
     RTE_DENY, RTE_COUNT_OWN_TOPIC, false},
    {"unreadable device response from a client", gateway, RTE_T_DEVICE_RESPONSE, RTE_CLIENT, 0,
     RTE_DENY, RTE_COUNT_FORGED_ANSWER, false},
    /* A device's request that cannot be read cannot be answered: routed as it is. */
    {"unreadable device request", gateway, RTE_T_DEVICE_REQUEST, RTE_CLIENT, 0, RTE_PASS,
     RTE_COUNT_NONE, false},
    {"unreadable device request at the emulator", emulator, RTE_T_DEVICE_REQUEST, RTE_CLIENT, 0,
     RTE_PASS, RTE_COUNT_NONE, false},
    {"unreadable device response, gateway alone", gateway_alone, RTE_T_DEVICE_RESPONSE, RTE_CLIENT,
     0, RTE_PASS, RTE_COUNT_NONE, false},
};

static void an_unreadable_payload_is_judged_by_who_sent_it(void)
{
	for (size_t i = 0; i < sizeof(unreadable_cases) / sizeof(unreadable_cases[0]); i++) {
		const struct route_case *c = &unreadable_cases[i];
		struct rte_config cfg = c->cfg();
		struct rte_decision d = rte_decide(&cfg, c->topic, true, c->sender, c->qos);
		bool ok = d.action == c->action && d.count == c->count &&
		          d.stop_when_answered == c->stop_when_answered;
		if (!ok)
			fprintf(stderr, "\n  %s: action %d count %d stop %d\n", c->name, d.action,
			        d.count, d.stop_when_answered);
		CU_ASSERT_TRUE(ok);
	}
}

static void no_client_can_feed_the_gateway_or_publish_its_topics_whatever_the_config(void)
{
	struct rte_config (*cfgs[])(void) = {gateway, gateway_alone, emulator};
	enum rte_topic topics[] = {RTE_T_OTHER,          RTE_T_OWN,
	                           RTE_T_OWN_REQUEST,    RTE_T_OWN_RESPONSE,
	                           RTE_T_DEVICE_REQUEST, RTE_T_DEVICE_RESPONSE};
	enum rte_sender senders[] = {RTE_BRIDGE, RTE_IMPOSTOR, RTE_CLIENT};
	unsigned combos = 0;

	for (size_t c = 0; c < sizeof(cfgs) / sizeof(cfgs[0]); c++) {
		struct rte_config cfg = cfgs[c]();
		for (size_t t = 0; t < sizeof(topics) / sizeof(topics[0]); t++) {
			for (size_t s = 0; s < sizeof(senders) / sizeof(senders[0]); s++) {
				for (int k = 0; k < 3 * 2; k++) {
					int qos = k % 3;
					bool unreadable = k >= 3;
					struct rte_decision d = rte_decide(
					    &cfg, topics[t], unreadable, senders[s], qos);
					combos++;
					/* Only the bridge's readable answers reach the engine. */
					if (d.action == RTE_TAKE_ANSWER)
						CU_ASSERT(senders[s] == RTE_BRIDGE && !unreadable);
					/* What is dropped is counted. */
					if (d.action == RTE_DENY)
						CU_ASSERT_NOT_EQUAL(d.count, RTE_COUNT_NONE);
					/* The plugin's own topics are never routed. */
					if (cfg.sync && topics[t] == RTE_T_OWN)
						CU_ASSERT_EQUAL(d.action, RTE_DENY);
					/* Nobody but the bridge answers the gateway, readable or
					 * not, nor a guarded device. */
					if (cfg.sync && topics[t] == RTE_T_OWN_RESPONSE &&
					    senders[s] != RTE_BRIDGE)
						CU_ASSERT_EQUAL(d.action, RTE_DENY);
					if (cfg.guard_devices &&
					    topics[t] == RTE_T_DEVICE_RESPONSE &&
					    senders[s] != RTE_BRIDGE)
						CU_ASSERT_EQUAL(d.action, RTE_DENY);
					/* What cannot be read is never answered. */
					if (unreadable)
						CU_ASSERT_NOT_EQUAL(d.action, RTE_ANSWER);
					/* An answer stops a request only at QoS 0. */
					if (d.stop_when_answered)
						CU_ASSERT_EQUAL(qos, 0);
				}
			}
		}
	}
	CU_ASSERT_EQUAL(combos, 3 * 6 * 3 * 3 * 2);
}

static int init_route_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(gateway_topics_are_classified),
	    RUNNER_TEST(custom_gateway_topics_outside_the_scheme_are_the_gateways_own),
	    RUNNER_TEST(emulator_has_no_topics_of_its_own),
	    RUNNER_TEST(on_a_shared_topic_only_the_time_services_messages_are_the_plugins),
	    RUNNER_TEST(the_payload_is_asked_only_on_a_topic_the_platform_shares),
	    RUNNER_TEST(each_dialects_own_messages_on_its_topics_are_classified),
	    RUNNER_TEST(only_the_bridge_id_without_an_address_is_the_bridge),
	    RUNNER_TEST(without_the_sync_role_nobody_is_the_bridge),
	    RUNNER_TEST(each_case_gets_its_decision),
	    RUNNER_TEST(an_unreadable_payload_is_judged_by_who_sent_it),
	    RUNNER_TEST(no_client_can_feed_the_gateway_or_publish_its_topics_whatever_the_config),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("route", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_route_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
