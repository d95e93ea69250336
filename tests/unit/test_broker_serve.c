/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for broker_serve: who gets an answer, when, with what time, and what is counted,
 * for LAN devices on a gateway (serve_lan) and in the serve role, against the stubbed broker.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "broker_play.h"
#include "broker_tests.h"
#include "dialect.h"
#include "runner.h"

#define DEVICE_ASKS "{\"deviceSendTime\":\"1700000000000\"}"

/* The publishes from index from on addressed to client id, and the last of them in *last. */
static int published_to(const char *id, int from, const struct stub_publish **last)
{
	int n = 0;

	for (int i = from; i < stub_published_count(); i++) {
		const struct stub_publish *p = stub_published(i);
		if (p->to_client && strcmp(p->client_id, id) == 0) {
			n++;
			if (last != NULL)
				*last = p;
		}
	}
	return n;
}

/* The answer's field as a number (the answer echoes the id's string form, stamps as numbers
 * or strings alike). */
static int64_t answer_field(const struct stub_publish *p, const char *name)
{
	cJSON *j = cJSON_ParseWithLength(p->payload, (size_t)p->payloadlen);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
	int64_t n = cJSON_IsString(v)   ? strtoll(v->valuestring, NULL, 10)
	            : cJSON_IsNumber(v) ? (int64_t)v->valuedouble
	                                : -1;
	cJSON_Delete(j);
	return n;
}

static void lan_request_is_not_answered_while_the_gateway_does_not_know_the_time(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, (const char *const[]){"serve_lan", "true", NULL}),
	                      MOSQ_ERR_SUCCESS);
	int seen = stub_published_count();
	/* Unanswered, it is routed as any message. */
	CU_ASSERT_EQUAL(stub_message(&play_device, PLAY_DEVICE_REQUEST, DEVICE_ASKS, 0),
	                MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_message(&play_device, PLAY_DEVICE_REQUEST, DEVICE_ASKS, 0),
	                MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_published_count(), seen);
	CU_ASSERT_EQUAL(
	    stub_log_containing("iotntp: not answering LAN time requests: the gateway does not "
	                        "know the time"),
	    1);
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(play_number(st, "lan", "unsynced", NULL), 2);
	CU_ASSERT_EQUAL(play_number(st, "lan", "answered", NULL), 0);
	cJSON_Delete(st);
	play_stop(ud);
}

static void lan_request_is_answered_to_that_client_alone_with_the_platforms_time_once_synced(void)
{
	void *ud;
	const struct stub_publish *p = NULL;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, (const char *const[]){"serve_lan", "true", NULL}),
	                      MOSQ_ERR_SUCCESS);
	cJSON_Delete(play_poll(NULL));
	stub_clock_advance_ns(300 * 1000000LL);
	int seen = stub_published_count();
	int64_t platform_ms = play_real_ms() + PLAY_OFFSET_MS;
	/* Answered, the request goes no further. */
	CU_ASSERT_EQUAL(stub_message(&play_device, PLAY_DEVICE_REQUEST, DEVICE_ASKS, 0),
	                MOSQ_ERR_ACL_DENIED);
	CU_ASSERT_EQUAL_FATAL(stub_published_count(), seen + 1);
	CU_ASSERT_EQUAL_FATAL(published_to(play_device.id, seen, &p), 1);
	CU_ASSERT_STRING_EQUAL(p->topic, PLAY_DEVICE_RESPONSE);
	CU_ASSERT_EQUAL(p->qos, 0);
	CU_ASSERT_FALSE(p->retain);
	CU_ASSERT_EQUAL(answer_field(p, "deviceSendTime"), 1700000000000LL);
	CU_ASSERT(llabs(answer_field(p, "serverRecvTime") - platform_ms) <= 1);
	CU_ASSERT(answer_field(p, "serverSendTime") >= answer_field(p, "serverRecvTime"));
	/* Through the next poll's status. */
	int before = stub_published_count();
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(play_number(st, "lan", "answered", NULL), 1);
	CU_ASSERT_EQUAL(play_number(st, "lan", "unsynced", NULL), 0);
	CU_ASSERT_EQUAL(published_to(play_device.id, before, NULL), 0);
	cJSON_Delete(st);
	play_stop(ud);
}

static void lan_request_at_qos_1_is_answered_and_still_routed(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, (const char *const[]){"serve_lan", "true", NULL}),
	                      MOSQ_ERR_SUCCESS);
	cJSON_Delete(play_poll(NULL));
	int seen = stub_published_count();
	CU_ASSERT_EQUAL(stub_message(&play_device, PLAY_DEVICE_REQUEST, DEVICE_ASKS, 1),
	                MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(published_to(play_device.id, seen, NULL), 1);
	play_stop(ud);
}

static void unsynced_gateway_answers_from_the_system_clock_when_the_kernel_is_synced(void)
{
	void *ud;
	const struct stub_publish *p = NULL;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, (const char *const[]){"serve_lan", "true", NULL}),
	                      MOSQ_ERR_SUCCESS);
	stub_kernel_synced(true);
	int seen = stub_published_count();
	int64_t now_ms = play_real_ms();
	CU_ASSERT_EQUAL(stub_message(&play_device, PLAY_DEVICE_REQUEST, DEVICE_ASKS, 0),
	                MOSQ_ERR_ACL_DENIED);
	CU_ASSERT_EQUAL_FATAL(published_to(play_device.id, seen, &p), 1);
	CU_ASSERT_EQUAL(answer_field(p, "serverRecvTime"), now_ms);
	play_stop(ud);
}

static void lan_client_over_its_burst_is_not_answered_and_counted_rate_limited(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(
	    play_start(&ud, (const char *const[]){"serve_lan", "true", "serve_burst", "2", NULL}),
	    MOSQ_ERR_SUCCESS);
	cJSON_Delete(play_poll(NULL));
	int seen = stub_published_count();
	for (int i = 0; i < 3; i++)
		stub_message(&play_device, PLAY_DEVICE_REQUEST, DEVICE_ASKS, 0);
	CU_ASSERT_EQUAL(published_to(play_device.id, seen, NULL), 2);
	/* Another device has its own allowance. */
	struct mosquitto other = {.id = "dev-02", .address = "192.0.2.21"};
	CU_ASSERT_EQUAL(stub_message(&other, "/ext/ntp/devpk/dev-02/request", DEVICE_ASKS, 0),
	                MOSQ_ERR_ACL_DENIED);
	CU_ASSERT_EQUAL(published_to("dev-02", seen, NULL), 1);
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(play_number(st, "lan", "rate_limited", NULL), 1);
	CU_ASSERT_EQUAL(play_number(st, "lan", "answered", NULL), 3);
	cJSON_Delete(st);
	play_stop(ud);
}

static void bad_lan_request_is_not_answered_counted_and_logged_once(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, (const char *const[]){"serve_lan", "true", NULL}),
	                      MOSQ_ERR_SUCCESS);
	cJSON_Delete(play_poll(NULL));
	int seen = stub_published_count();
	CU_ASSERT_EQUAL(stub_message(&play_device, PLAY_DEVICE_REQUEST, "not json", 0),
	                MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_message(&play_device, PLAY_DEVICE_REQUEST, "{}", 0), MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(published_to(play_device.id, seen, NULL), 0);
	CU_ASSERT_EQUAL(stub_log_containing("iotntp: dropped a request on " PLAY_DEVICE_REQUEST),
	                1);
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(play_number(st, "lan", "bad_request", NULL), 2);
	cJSON_Delete(st);
	play_stop(ud);
}

static const char *const emulator[] = {
    "role", "serve", "authoritative", "true", "status_topic", "emulator/status", NULL,
};

static void serve_role_answers_from_its_own_clock_and_counts_requests_received(void)
{
	void *ud;
	const struct stub_publish *p = NULL;

	CU_ASSERT_EQUAL_FATAL(play_start_with(&ud, emulator), MOSQ_ERR_SUCCESS);
	/* Its status at start, retained. */
	p = stub_last_published_on("emulator/status", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_TRUE(p->retain);
	int seen = stub_published_count();
	int64_t now_ms = play_real_ms();
	/* The emulated platform answers a gateway's request from its bridge. */
	struct mosquitto gateway = {.id = "gateway-bridge", .address = "192.0.2.1"};
	CU_ASSERT_EQUAL(stub_message(&gateway, PLAY_REQUEST_TOPIC, DEVICE_ASKS, 0),
	                MOSQ_ERR_ACL_DENIED);
	CU_ASSERT_EQUAL_FATAL(published_to("gateway-bridge", seen, &p), 1);
	CU_ASSERT_STRING_EQUAL(p->topic, PLAY_RESPONSE_TOPIC);
	CU_ASSERT_EQUAL(p->qos, 0);
	CU_ASSERT_EQUAL(answer_field(p, "serverRecvTime"), now_ms);
	/* The emulator stands for the platform: an answer on a device's topic passes. */
	CU_ASSERT_EQUAL(stub_message(&play_lan, PLAY_DEVICE_RESPONSE, "{}", 0), MOSQ_ERR_SUCCESS);
	stub_clock_advance_ns(1000 * 1000000LL);
	stub_tick();
	cJSON *st = play_status_on("emulator/status");
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(play_number(st, "requests_received", NULL), 1);
	CU_ASSERT_EQUAL(play_number(st, "answered", NULL), 1);
	cJSON_Delete(st);
	play_stop(ud);
}

static void serve_role_publishes_its_status_only_when_it_changed(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start_with(&ud, emulator), MOSQ_ERR_SUCCESS);
	int seen = stub_published_count();
	for (int i = 0; i < 30; i++) {
		stub_clock_advance_ns(100 * 1000000LL);
		stub_tick();
	}
	CU_ASSERT_EQUAL(stub_published_count(), seen);
	stub_message(&play_device, PLAY_DEVICE_REQUEST, DEVICE_ASKS, 0);
	seen = stub_published_count();
	for (int i = 0; i < 30; i++) {
		stub_clock_advance_ns(100 * 1000000LL);
		stub_tick();
	}
	CU_ASSERT_EQUAL(stub_published_count(), seen + 1);
	play_stop(ud);
}

/* ---- in the other platforms' dialects ---- */

/* The answer published to id, decoded in platform's dialect. */
static enum dlc_status decoded(const char *platform, const struct stub_publish *p,
                               struct dlc_answer *a)
{
	return dlc_find(platform)->decode_response(p->payload, (size_t)p->payloadlen, a);
}

static void serve_role_on_huawei_answers_in_huaweis_words_and_leaves_other_events_alone(void)
{
	static const char *const huawei_emulator[] = {
	    "role", "serve", "authoritative", "true", "platform", "huawei", NULL,
	};
	static const char *const request =
	    "{\"services\":[{\"service_id\":\"$time_sync\",\"event_type\":\"time_sync_request\","
	    "\"paras\":{\"device_send_time\":1700000000000}}]}";
	static const char *const ota = "{\"services\":[{\"service_id\":\"$ota\",\"event_type\":"
	                               "\"version_query\",\"paras\":{}}]}";
	struct mosquitto gateway = {.id = "gateway-bridge", .address = "192.0.2.1"};
	const struct stub_publish *p = NULL;
	struct dlc_answer a;
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start_with(&ud, huawei_emulator), MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_log_containing("answering $oc/devices/+/sys/events/up"), 1);
	int seen = stub_published_count();
	int64_t now_ms = play_real_ms();
	/* Huawei's SDK asks at QoS 1: answered, and still routed. */
	CU_ASSERT_EQUAL(stub_message(&gateway, "$oc/devices/gw_01/sys/events/up", request, 1),
	                MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL_FATAL(published_to("gateway-bridge", seen, &p), 1);
	CU_ASSERT_STRING_EQUAL(p->topic, "$oc/devices/gw_01/sys/events/down");
	CU_ASSERT_EQUAL_FATAL(decoded("huawei", p, &a), DLC_OK);
	CU_ASSERT(a.has_t1 && a.t1_ms == 1700000000000LL);
	CU_ASSERT_EQUAL(a.t2_ms, now_ms);
	CU_ASSERT(a.t3_ms >= a.t2_ms);
	/* Another service's event on the same topic: nobody answers it, nobody counts it. */
	seen = stub_published_count();
	CU_ASSERT_EQUAL(stub_message(&gateway, "$oc/devices/gw_01/sys/events/up", ota, 0),
	                MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_message(&gateway, "$oc/devices/gw_01/sys/events/up", "x", 0),
	                MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_published_count(), seen);
	/* Alibaba's request is nothing to a Huawei platform. */
	CU_ASSERT_EQUAL(stub_message(&gateway, PLAY_REQUEST_TOPIC, DEVICE_ASKS, 0),
	                MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_published_count(), seen);
	play_stop(ud);
}

static void lan_devices_on_tuya_and_tencent_are_answered_in_their_platforms_words(void)
{
	static const char *const tuya[] = {
	    "platform", "tuya", "device_id", "gw01", "serve_lan", "true", NULL,
	};
	static const char *const tencent[] = {
	    "platform", "tencent",   "product_id", "ABCDEFGHIJ", "device_name",
	    "gw01",     "serve_lan", "true",       NULL,
	};
	const struct {
		const char *platform;
		const char *const *options;
		const char *topic, *reply, *request;
	} cases[] = {
	    {"tuya", tuya, "tylink/lan7/ext/time/request", "tylink/lan7/ext/time/response",
	     "{\"msgId\":\"45lkj3551234001\",\"time\":1655957399,\"data\":{\"bizType\":\"NTP\","
	     "\"dst\":1655957399000}}"},
	    {"tencent", tencent, "$sys/operation/PRODUCT007/lan7",
	     "$sys/operation/result/PRODUCT007/lan7", "{\"type\":\"get\",\"resource\":[\"time\"]}"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct stub_publish *p = NULL;
		struct dlc_answer a;
		void *ud;

		CU_ASSERT_EQUAL_FATAL(play_start_on(&ud, cases[i].options), MOSQ_ERR_SUCCESS);
		stub_kernel_synced(true);
		int seen = stub_published_count();
		int64_t now_ms = play_real_ms();
		CU_ASSERT_EQUAL(stub_message(&play_device, cases[i].topic, cases[i].request, 0),
		                MOSQ_ERR_ACL_DENIED);
		CU_ASSERT_EQUAL_FATAL(published_to(play_device.id, seen, &p), 1);
		CU_ASSERT_STRING_EQUAL(p->topic, cases[i].reply);
		CU_ASSERT_EQUAL(p->qos, 0);
		CU_ASSERT_EQUAL_FATAL(decoded(cases[i].platform, p, &a), DLC_OK);
		CU_ASSERT_EQUAL(a.t2_ms, now_ms);
		if (strcmp(cases[i].platform, "tuya") == 0)
			CU_ASSERT_STRING_EQUAL(a.id.text, "45lkj3551234001");
		/* A client's answer on a device's topic is still a forgery. */
		CU_ASSERT_EQUAL(stub_message(&play_lan, cases[i].reply, p->payload, 0),
		                MOSQ_ERR_ACL_DENIED);
		play_stop(ud);
	}
}

int init_broker_serve_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(lan_request_is_not_answered_while_the_gateway_does_not_know_the_time),
	    RUNNER_TEST(
	        lan_request_is_answered_to_that_client_alone_with_the_platforms_time_once_synced),
	    RUNNER_TEST(lan_request_at_qos_1_is_answered_and_still_routed),
	    RUNNER_TEST(unsynced_gateway_answers_from_the_system_clock_when_the_kernel_is_synced),
	    RUNNER_TEST(lan_client_over_its_burst_is_not_answered_and_counted_rate_limited),
	    RUNNER_TEST(bad_lan_request_is_not_answered_counted_and_logged_once),
	    RUNNER_TEST(serve_role_answers_from_its_own_clock_and_counts_requests_received),
	    RUNNER_TEST(serve_role_publishes_its_status_only_when_it_changed),
	    RUNNER_TEST(
	        serve_role_on_huawei_answers_in_huaweis_words_and_leaves_other_events_alone),
	    RUNNER_TEST(lan_devices_on_tuya_and_tencent_are_answered_in_their_platforms_words),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("broker_serve", tests);
}
