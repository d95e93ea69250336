/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for route: the topic scheme, and who may publish what, case by case.
 */
#include <stdio.h>
#include <string.h>

#include "route.h"
#include "runner.h"

#define BRIDGE_ID "iotntp-bridge-5f0c1e2d3a4b"

/* A gateway: the sync role, serving its LAN devices. */
static struct rte_config gateway(void)
{
	struct rte_config c = {
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
	struct rte_config c = {.serve = true,
	                       .request_topic = "",
	                       .response_topic = "",
	                       .status_topic = "",
	                       .exchange_topic = "",
	                       .bridge_client_id = ""};
	return c;
}

static void request_topic_maps_to_response_topic(void)
{
	char out[RTE_TOPIC_SIZE];

	CU_ASSERT_TRUE_FATAL(rte_response_topic("/ext/ntp/pk/dn/request", out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/pk/dn/response");
	CU_ASSERT_TRUE_FATAL(
	    rte_response_topic("/ext/ntp/a1B2c3D4e5F/gateway-01/request", out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/a1B2c3D4e5F/gateway-01/response");
	/* One-character levels are levels. */
	CU_ASSERT_TRUE_FATAL(rte_response_topic("/ext/ntp/p/d/request", out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/p/d/response");
}

static void other_topics_are_not_requests(void)
{
	const char *bad[] = {
	    "",
	    "/",
	    "/ext/ntp/",
	    "/ext/ntp/request",
	    "/ext/ntp//request",
	    /* Wrong prefix. */
	    "ext/ntp/pk/dn/request",
	    "/ext/ntpx/pk/dn/request",
	    "/ext/NTP/pk/dn/request",
	    "/ext/rrpc/pk/dn/request",
	    "//ext/ntp/pk/dn/request",
	    "x/ext/ntp/pk/dn/request",
	    /* Missing levels. */
	    "/ext/ntp/pk/request",
	    "/ext/ntp/pkdn/request",
	    /* Extra levels. */
	    "/ext/ntp/pk/dn/x/request",
	    "/ext/ntp/pk/dn/request/request",
	    "/ext/ntp/a/b/c/d/request",
	    /* Empty product key or device name. */
	    "/ext/ntp//dn/request",
	    "/ext/ntp/pk//request",
	    "/ext/ntp///request",
	    /* Not the request. */
	    "/ext/ntp/pk/dn/response",
	    "/ext/ntp/pk/dn/requests",
	    "/ext/ntp/pk/dn/xrequest",
	    "/ext/ntp/pk/dn/request/",
	    "/ext/ntp/pk/dn/Request",
	};
	char out[RTE_TOPIC_SIZE];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool accepted = rte_response_topic(bad[i], out, sizeof(out));
		if (accepted)
			fprintf(stderr, "\n  accepted as a request topic: \"%s\"\n", bad[i]);
		CU_ASSERT_FALSE(accepted);
	}
}

static void response_topic_that_does_not_fit_is_refused(void)
{
	const char *topic = "/ext/ntp/pk/dn/request";
	const size_t need = strlen("/ext/ntp/pk/dn/response") + 1;
	char out[RTE_TOPIC_SIZE];

	CU_ASSERT_FALSE(rte_response_topic(topic, out, need - 1));
	CU_ASSERT_TRUE(rte_response_topic(topic, out, need));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/pk/dn/response");
}

static void longest_names_fit_rte_topic_size(void)
{
	/* Product key and device name of up to 64 characters each, as options allows. */
	char topic[RTE_TOPIC_SIZE], out[RTE_TOPIC_SIZE], name[65];

	memset(name, 'n', 64);
	name[64] = '\0';
	CU_ASSERT_TRUE_FATAL(rte_device_topic(topic, sizeof(topic), name, name, RTE_REQUEST) > 0);
	CU_ASSERT_TRUE_FATAL(rte_response_topic(topic, out, sizeof(out)));
	CU_ASSERT_EQUAL(strlen(out), strlen(topic) + 1);
	CU_ASSERT_STRING_EQUAL(out + strlen(out) - 9, "/response");
}

static void response_topics_are_recognised(void)
{
	CU_ASSERT_TRUE(rte_is_response_topic("/ext/ntp/pk/dn/response"));
	CU_ASSERT_TRUE(rte_is_response_topic("/ext/ntp/a1B2c3D4e5F/gateway-01/response"));
	CU_ASSERT_TRUE(rte_is_response_topic("/ext/ntp/p/d/response"));
	CU_ASSERT_TRUE(rte_is_response_topic("/ext/ntp/lanpk/landev/response"));
}

static void other_topics_are_not_response_topics(void)
{
	const char *bad[] = {
	    "",
	    "/",
	    "/ext/ntp/",
	    "/ext/ntp/response",
	    "/ext/ntp//response",
	    "/ext/ntp///response",
	    /* Requests. */
	    "/ext/ntp/pk/dn/request",
	    "/ext/ntp/lanpk/landev/request",
	    /* Wrong prefix. */
	    "ext/ntp/pk/dn/response",
	    "/ext/ntpx/pk/dn/response",
	    "/ext/NTP/pk/dn/response",
	    "//ext/ntp/pk/dn/response",
	    /* Missing levels. */
	    "/ext/ntp/pk/response",
	    "/ext/ntp/pkdn/response",
	    /* Extra levels. */
	    "/ext/ntp/pk/dn/x/response",
	    "/ext/ntp/pk/dn/response/response",
	    "/ext/ntp/a/b/c/d/response",
	    /* Empty product key or device name. */
	    "/ext/ntp//dn/response",
	    "/ext/ntp/pk//response",
	    /* Not the response. */
	    "/ext/ntp/pk/dn/responses",
	    "/ext/ntp/pk/dn/xresponse",
	    "/ext/ntp/pk/dn/response/",
	    "/ext/ntp/pk/dn/Response",
	    "/ext/ntp/pk/dn/",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool accepted = rte_is_response_topic(bad[i]);
		if (accepted)
			fprintf(stderr, "\n  accepted as a response topic: \"%s\"\n", bad[i]);
		CU_ASSERT_FALSE(accepted);
	}
}

static void device_topics_are_built_from_the_ids(void)
{
	char out[RTE_TOPIC_SIZE];

	CU_ASSERT_EQUAL(rte_device_topic(out, sizeof(out), "a1B2", "gw-01", RTE_REQUEST),
	                (int)strlen("/ext/ntp/a1B2/gw-01/request"));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/a1B2/gw-01/request");
	CU_ASSERT_EQUAL(rte_device_topic(out, sizeof(out), "a1B2", "gw-01", RTE_RESPONSE),
	                (int)strlen("/ext/ntp/a1B2/gw-01/response"));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/a1B2/gw-01/response");
	/* What is built is what is recognised. */
	CU_ASSERT_TRUE(rte_is_response_topic(out));
}

static void device_topic_that_does_not_fit_is_refused_at_every_size(void)
{
	const char *want = "/ext/ntp/pk/dn/response";
	char out[RTE_TOPIC_SIZE];

	for (size_t size = 0; size <= strlen(want); size++) {
		memset(out, 'x', sizeof(out));
		CU_ASSERT_EQUAL(rte_device_topic(out, size, "pk", "dn", RTE_RESPONSE), -1);
		/* Nothing is written past what was given. */
		CU_ASSERT_EQUAL(out[size], 'x');
	}
	CU_ASSERT_EQUAL(rte_device_topic(out, strlen(want) + 1, "pk", "dn", RTE_RESPONSE),
	                (int)strlen(want));
	CU_ASSERT_STRING_EQUAL(out, want);
}

static void gateway_topics_are_classified(void)
{
	struct rte_config g = gateway();

	CU_ASSERT_EQUAL(rte_classify(&g, "/ext/ntp/gwpk/gw-01/response"), RTE_T_OWN_RESPONSE);
	CU_ASSERT_EQUAL(rte_classify(&g, "/ext/ntp/gwpk/gw-01/request"), RTE_T_OWN_REQUEST);
	CU_ASSERT_EQUAL(rte_classify(&g, "iotntp/status"), RTE_T_OWN);
	CU_ASSERT_EQUAL(rte_classify(&g, "iotntp/exchange"), RTE_T_OWN);
	CU_ASSERT_EQUAL(rte_classify(&g, "/ext/ntp/lanpk/landev/request"), RTE_T_DEVICE_REQUEST);
	CU_ASSERT_EQUAL(rte_classify(&g, "/ext/ntp/lanpk/landev/response"), RTE_T_DEVICE_RESPONSE);
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
		CU_ASSERT_EQUAL(rte_classify(&g, other[i]), RTE_T_OTHER);
	CU_ASSERT_EQUAL(rte_classify(&g, NULL), RTE_T_OTHER);
}

static void custom_gateway_topics_outside_the_scheme_are_the_gateways_own(void)
{
	struct rte_config g = gateway();
	g.request_topic = "site/ntp/req";
	g.response_topic = "site/ntp/resp";
	g.exchange_topic = "";

	CU_ASSERT_EQUAL(rte_classify(&g, "site/ntp/req"), RTE_T_OWN_REQUEST);
	CU_ASSERT_EQUAL(rte_classify(&g, "site/ntp/resp"), RTE_T_OWN_RESPONSE);
	/* The scheme's topics for the same ids are then a device's like any other. */
	CU_ASSERT_EQUAL(rte_classify(&g, "/ext/ntp/gwpk/gw-01/response"), RTE_T_DEVICE_RESPONSE);
	/* An exchange topic that is off is no topic at all. */
	CU_ASSERT_EQUAL(rte_classify(&g, "iotntp/exchange"), RTE_T_OTHER);
}

static void emulator_has_no_topics_of_its_own(void)
{
	struct rte_config e = emulator();

	CU_ASSERT_EQUAL(rte_classify(&e, "iotntp/status"), RTE_T_OTHER);
	CU_ASSERT_EQUAL(rte_classify(&e, "/ext/ntp/pk/dn/request"), RTE_T_DEVICE_REQUEST);
	CU_ASSERT_EQUAL(rte_classify(&e, "/ext/ntp/pk/dn/response"), RTE_T_DEVICE_RESPONSE);
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
		struct rte_decision d = rte_decide(&cfg, c->topic, c->sender, c->qos);
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
				for (int qos = 0; qos <= 2; qos++) {
					struct rte_decision d =
					    rte_decide(&cfg, topics[t], senders[s], qos);
					combos++;
					/* Only the bridge's answers reach the engine. */
					if (d.action == RTE_TAKE_ANSWER)
						CU_ASSERT_EQUAL(senders[s], RTE_BRIDGE);
					/* What is dropped is counted. */
					if (d.action == RTE_DENY)
						CU_ASSERT_NOT_EQUAL(d.count, RTE_COUNT_NONE);
					/* The plugin's own topics are never routed. */
					if (cfg.sync && topics[t] == RTE_T_OWN)
						CU_ASSERT_EQUAL(d.action, RTE_DENY);
					if (cfg.sync && topics[t] == RTE_T_OWN_RESPONSE &&
					    senders[s] != RTE_BRIDGE)
						CU_ASSERT_EQUAL(d.action, RTE_DENY);
					/* An answer stops a request only at QoS 0. */
					if (d.stop_when_answered)
						CU_ASSERT_EQUAL(qos, 0);
				}
			}
		}
	}
	CU_ASSERT_EQUAL(combos, 3 * 6 * 3 * 3);
}

static int init_route_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(request_topic_maps_to_response_topic),
	    RUNNER_TEST(other_topics_are_not_requests),
	    RUNNER_TEST(response_topic_that_does_not_fit_is_refused),
	    RUNNER_TEST(longest_names_fit_rte_topic_size),
	    RUNNER_TEST(response_topics_are_recognised),
	    RUNNER_TEST(other_topics_are_not_response_topics),
	    RUNNER_TEST(device_topics_are_built_from_the_ids),
	    RUNNER_TEST(device_topic_that_does_not_fit_is_refused_at_every_size),
	    RUNNER_TEST(gateway_topics_are_classified),
	    RUNNER_TEST(custom_gateway_topics_outside_the_scheme_are_the_gateways_own),
	    RUNNER_TEST(emulator_has_no_topics_of_its_own),
	    RUNNER_TEST(only_the_bridge_id_without_an_address_is_the_bridge),
	    RUNNER_TEST(without_the_sync_role_nobody_is_the_bridge),
	    RUNNER_TEST(each_case_gets_its_decision),
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
