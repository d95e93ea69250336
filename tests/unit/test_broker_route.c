/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for broker_route: what the one MESSAGE callback returns to the broker for each
 * sender and topic, and what it counts, against the stubbed broker.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "broker_play.h"
#include "broker_tests.h"
#include "dialect.h"
#include "runner.h"

#define MS 1e-3

/* The answer a forger sends: the request's id, a time 100 s off the platform's. */
static void forged_answer(char *buf, size_t size, int64_t id)
{
	int64_t t = play_real_ms() + 100000;

	snprintf(buf, size,
	         "{\"deviceSendTime\":\"%lld\",\"serverRecvTime\":\"%lld\","
	         "\"serverSendTime\":\"%lld\"}",
	         (long long)id, (long long)t, (long long)t);
}

static int forged_rc[16];
static int forged_count;
static struct mosquitto *forger;

/* Before each genuine answer, the forger answers the same request first. */
static void forger_gets_there_first(int64_t id, const char *answer)
{
	char forged[256];

	(void)answer;
	forged_answer(forged, sizeof(forged), id);
	if (forged_count < 16)
		forged_rc[forged_count++] = stub_message(forger, PLAY_RESPONSE_TOPIC, forged, 0);
}

/* Plays a poll with a forger from client; checks every forged answer was denied and that
 * neither the status nor chrony moved; returns the status. */
static cJSON *poll_with_forger(struct mosquitto *client)
{
	double offset;

	forger = client;
	forged_count = 0;
	cJSON *st = play_poll(forger_gets_there_first);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(forged_count, PLAY_FIRST_POLL);
	for (int i = 0; i < forged_count; i++)
		CU_ASSERT_EQUAL(forged_rc[i], MOSQ_ERR_ACL_DENIED);
	/* The forged answers used up no request: the genuine ones all count. */
	CU_ASSERT_EQUAL(play_number(st, "answered", NULL), PLAY_FIRST_POLL);
	CU_ASSERT_EQUAL(play_number(st, "rejected", NULL), PLAY_FIRST_POLL);
	CU_ASSERT_DOUBLE_EQUAL(play_number(st, "offset_s", NULL), PLAY_OFFSET_MS * MS, 1 * MS);
	CU_ASSERT_TRUE_FATAL(play_chrony_sample(&offset));
	CU_ASSERT_DOUBLE_EQUAL(offset, PLAY_OFFSET_MS * MS, 1 * MS);
	return st;
}

static void answer_from_a_lan_client_is_denied_and_counted_local_client(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, (const char *const[]){"burst", "4", NULL}),
	                      MOSQ_ERR_SUCCESS);
	cJSON *st = poll_with_forger(&play_lan);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "local_client", NULL), PLAY_FIRST_POLL);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "impostor", NULL), 0);
	CU_ASSERT_EQUAL(stub_log_containing("impostor"), 0);
	cJSON_Delete(st);
	play_stop(ud);
}

static void answer_from_an_impostor_with_the_bridges_id_is_denied_counted_and_logged_once(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, (const char *const[]){"burst", "4", NULL}),
	                      MOSQ_ERR_SUCCESS);
	cJSON *st = poll_with_forger(&play_impostor);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "impostor", NULL), PLAY_FIRST_POLL);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "local_client", NULL), 0);
	CU_ASSERT_EQUAL(stub_log_containing("iotntp: impostor: a client at 192.0.2.66 connected "
	                                    "with the bridge's client id '" PLAY_BRIDGE_ID "'"),
	                1);
	CU_ASSERT_EQUAL(stub_log_containing("impostor"), 1);
	cJSON_Delete(st);
	play_stop(ud);
}

static void websockets_client_with_the_bridges_id_and_no_address_is_an_impostor(void)
{
	void *ud;
	struct mosquitto ws = {.id = PLAY_BRIDGE_ID, .protocol = mp_websockets};

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, (const char *const[]){"burst", "4", NULL}),
	                      MOSQ_ERR_SUCCESS);
	cJSON *st = poll_with_forger(&ws);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "impostor", NULL), PLAY_FIRST_POLL);
	CU_ASSERT_EQUAL(stub_log_containing("iotntp: impostor: a client at an unknown address"), 1);
	cJSON_Delete(st);
	play_stop(ud);
}

static void publishes_on_the_plugins_own_topics_by_clients_are_denied_and_counted(void)
{
	void *ud;
	const char *status = "{\"synced\":true,\"offset_s\":100.0}";

	CU_ASSERT_EQUAL_FATAL(
	    play_start(&ud, (const char *const[]){"exchange_topic", "iotntp/exchange", NULL}),
	    MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_message(&play_lan, PLAY_STATUS_TOPIC, status, 0), MOSQ_ERR_ACL_DENIED);
	CU_ASSERT_EQUAL(stub_message(&play_lan, PLAY_STATUS_TOPIC, status, 1), MOSQ_ERR_ACL_DENIED);
	CU_ASSERT_EQUAL(stub_message(&play_lan, "iotntp/exchange", "{}", 0), MOSQ_ERR_ACL_DENIED);
	CU_ASSERT_EQUAL(
	    stub_message(&play_lan, PLAY_REQUEST_TOPIC, "{\"deviceSendTime\":\"1\"}", 0),
	    MOSQ_ERR_ACL_DENIED);
	/* Even the bridge's id from an address may not publish the status. */
	CU_ASSERT_EQUAL(stub_message(&play_impostor, PLAY_STATUS_TOPIC, status, 0),
	                MOSQ_ERR_ACL_DENIED);
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(play_number(st, "denied_own_topics", NULL), 5);
	/* None of them was an answer. */
	CU_ASSERT_EQUAL(play_number(st, "rejected", NULL), 0);
	cJSON_Delete(st);
	play_stop(ud);
}

static void other_traffic_passes_untouched_and_uncounted(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, NULL), MOSQ_ERR_SUCCESS);
	int seen = stub_published_count();
	CU_ASSERT_EQUAL(stub_message(&play_lan, "sensors/temp", "21.5", 0), MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_message(&play_bridge, "/sys/gwpk/gw-01/thing/event", "{}", 1),
	                MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_message(&play_lan, "iotntp/status/extra", "x", 0), MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_published_count(), seen);
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(play_number(st, "denied_own_topics", NULL), 0);
	CU_ASSERT_EQUAL(play_number(st, "rejected", NULL), 0);
	cJSON_Delete(st);
	play_stop(ud);
}

static void bridges_answer_for_another_device_passes_and_is_counted_other_device(void)
{
	void *ud;
	char answer[256];

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, NULL), MOSQ_ERR_SUCCESS);
	play_answer(answer, sizeof(answer), 42);
	CU_ASSERT_EQUAL(stub_message(&play_bridge, PLAY_DEVICE_RESPONSE, answer, 0),
	                MOSQ_ERR_SUCCESS);
	/* Without serve_lan the gateway does not guard devices' answers. */
	CU_ASSERT_EQUAL(stub_message(&play_lan, PLAY_DEVICE_RESPONSE, answer, 0), MOSQ_ERR_SUCCESS);
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "other_device", NULL), 2);
	CU_ASSERT_EQUAL(play_number(st, "answered", NULL), PLAY_FIRST_POLL);
	cJSON_Delete(st);
	play_stop(ud);
}

static void with_serve_lan_a_clients_answer_to_a_device_is_denied_as_forged(void)
{
	void *ud;
	char answer[256];

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, (const char *const[]){"serve_lan", "true", NULL}),
	                      MOSQ_ERR_SUCCESS);
	play_answer(answer, sizeof(answer), 42);
	CU_ASSERT_EQUAL(stub_message(&play_lan, PLAY_DEVICE_RESPONSE, answer, 0),
	                MOSQ_ERR_ACL_DENIED);
	CU_ASSERT_EQUAL(stub_message(&play_impostor, PLAY_DEVICE_RESPONSE, answer, 0),
	                MOSQ_ERR_ACL_DENIED);
	/* The platform's, through the bridge, still pass. */
	CU_ASSERT_EQUAL(stub_message(&play_bridge, PLAY_DEVICE_RESPONSE, answer, 0),
	                MOSQ_ERR_SUCCESS);
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(play_number(st, "lan", "forged_answer", NULL), 2);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "other_device", NULL), 1);
	cJSON_Delete(st);
	play_stop(ud);
}

/* ---- a gateway on Huawei's IoTDA, whose events topics carry its other services too ---- */

#define HW_UP          "$oc/devices/gw_01/sys/events/up"
#define HW_DOWN        "$oc/devices/gw_01/sys/events/down"
#define HW_DEVICE_UP   "$oc/devices/lan_7/sys/events/up"
#define HW_DEVICE_DOWN "$oc/devices/lan_7/sys/events/down"
#define HW_OTA_EVENT                                                                               \
	"{\"services\":[{\"service_id\":\"$ota\",\"event_type\":\"version_query\",\"paras\":{}}]}"
#define HW_TIME_REQUEST                                                                            \
	"{\"services\":[{\"service_id\":\"$time_sync\",\"event_type\":\"time_sync_request\","      \
	"\"paras\":{\"device_send_time\":1795554000000}}]}"
#define HW_TIME_ANSWER                                                                             \
	"{\"services\":[{\"service_id\":\"$time_sync\",\"event_type\":\"time_sync_response\","     \
	"\"paras\":{\"device_send_time\":1795554000000,\"server_recv_time\":1795554000010,"        \
	"\"server_send_time\":1795554000011}}]}"

static const char *const huawei_gateway[] = {
    "platform", "huawei", "device_id", "gw_01", "serve_lan", "true", NULL,
};

static void huawei_gateway_sends_its_requests_on_its_own_events_topic_in_huaweis_words(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start_on(&ud, huawei_gateway), MOSQ_ERR_SUCCESS);
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	cJSON_Delete(st);
	const struct stub_publish *p = stub_last_published_on(HW_UP, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	/* To the bridge alone, as on Alibaba. */
	CU_ASSERT_TRUE(p->to_client);
	CU_ASSERT_STRING_EQUAL(p->client_id, PLAY_BRIDGE_ID);
	/* At the QoS Huawei's SDK sends them with. */
	CU_ASSERT_EQUAL(p->qos, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(p->payload, "\"event_type\":\"time_sync_request\""));
	/* Nothing on Alibaba's topics. */
	CU_ASSERT_PTR_NULL(stub_last_published_on(PLAY_REQUEST_TOPIC, 0));
	play_stop(ud);
}

static void huawei_gateway_lets_the_platforms_other_events_pass_and_guards_its_time_answers(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start_on(&ud, huawei_gateway), MOSQ_ERR_SUCCESS);
	int seen = stub_published_count();
	/* The platform's other events, either way and from anyone, pass untouched. */
	CU_ASSERT_EQUAL(stub_message(&play_bridge, HW_DOWN, HW_OTA_EVENT, 1), MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_message(&play_lan, HW_DOWN, HW_OTA_EVENT, 0), MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_message(&play_lan, HW_UP, HW_OTA_EVENT, 1), MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_message(&play_device, HW_DEVICE_UP, HW_OTA_EVENT, 0),
	                MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_message(&play_lan, HW_DEVICE_DOWN, HW_OTA_EVENT, 0), MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_published_count(), seen);
	/* The time service's messages are guarded as on any platform. */
	CU_ASSERT_EQUAL(stub_message(&play_lan, HW_DOWN, HW_TIME_ANSWER, 0), MOSQ_ERR_ACL_DENIED);
	CU_ASSERT_EQUAL(stub_message(&play_impostor, HW_DOWN, HW_TIME_ANSWER, 0),
	                MOSQ_ERR_ACL_DENIED);
	CU_ASSERT_EQUAL(stub_message(&play_lan, HW_UP, HW_TIME_REQUEST, 0), MOSQ_ERR_ACL_DENIED);
	CU_ASSERT_EQUAL(stub_message(&play_lan, HW_DEVICE_DOWN, HW_TIME_ANSWER, 0),
	                MOSQ_ERR_ACL_DENIED);
	/* What cannot be read may be an answer to a laxer reader: only the bridge may send it. */
	CU_ASSERT_EQUAL(stub_message(&play_impostor, HW_DOWN, "not json", 0), MOSQ_ERR_ACL_DENIED);
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "local_client", NULL), 1);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "impostor", NULL), 2);
	CU_ASSERT_EQUAL(play_number(st, "denied_own_topics", NULL), 1);
	CU_ASSERT_EQUAL(play_number(st, "lan", "forged_answer", NULL), 1);
	/* The device's OTA event was no request: neither answered, nor refused for the time. */
	CU_ASSERT_EQUAL(play_number(st, "lan", "unsynced", NULL), 0);
	CU_ASSERT_EQUAL(play_number(st, "lan", "bad_request", NULL), 0);
	cJSON_Delete(st);
	play_stop(ud);
}

/* text with n spaces put in before its last byte: the same message, n bytes longer. */
static char *stretched(const char *text, size_t n)
{
	size_t len = strlen(text);
	char *t = malloc(len + n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	memcpy(t, text, len - 1);
	memset(t + len - 1, ' ', n);
	memcpy(t + len - 1 + n, text + len - 1, 2);
	return t;
}

static void huawei_gateway_lets_no_forged_answer_past_its_reader_and_no_platform_event_stop(void)
{
	static const char *const gateway[] = {
	    "platform", "huawei", "device_id", "gw_01", "serve_lan", "true", NULL,
	};
	/* A genuine time answer, as the SDK's lax reader takes it, that the dialect refuses to
	 * read: too large, something after the object, or a member named twice. */
	char *padded = stretched(HW_TIME_ANSWER, 2 * DLC_MAX_PAYLOAD);
	const char *forged[] = {
	    padded,
	    HW_TIME_ANSWER " trailing",
	    "{\"services\":[],\"services\":[{\"service_id\":\"$time_sync\",\"event_type\":"
	    "\"time_sync_response\",\"paras\":{\"device_send_time\":1795554000000,"
	    "\"server_recv_time\":1795554000010,\"server_send_time\":1795554000011}}]}",
	};
	char *big_ota = stretched(HW_OTA_EVENT, 8 * DLC_MAX_PAYLOAD);
	char *huge = stretched(HW_OTA_EVENT, DLC_MAX_SHARED);
	void *ud;
	const size_t n = sizeof(forged) / sizeof(forged[0]);

	CU_ASSERT_EQUAL_FATAL(play_start_on(&ud, gateway), MOSQ_ERR_SUCCESS);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(stub_message(&play_lan, HW_DOWN, forged[i], 0),
		                MOSQ_ERR_ACL_DENIED);
		CU_ASSERT_EQUAL(stub_message(&play_lan, HW_DEVICE_DOWN, forged[i], 0),
		                MOSQ_ERR_ACL_DENIED);
	}
	/* The platform's own events pass untouched and uncounted, however large, and so does
	 * what the bridge brings that nobody here can read. */
	CU_ASSERT_EQUAL(stub_message(&play_bridge, HW_DOWN, big_ota, 1), MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_message(&play_bridge, HW_DOWN, huge, 1), MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_message(&play_bridge, HW_DOWN, "not json", 0), MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_message(&play_bridge, HW_DEVICE_DOWN, big_ota, 0), MOSQ_ERR_SUCCESS);
	/* A LAN client's large event on the platform's topics is another service's too. */
	CU_ASSERT_EQUAL(stub_message(&play_lan, HW_UP, big_ota, 1), MOSQ_ERR_SUCCESS);
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "local_client", NULL), n);
	CU_ASSERT_EQUAL(play_number(st, "lan", "forged_answer", NULL), n);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "other_device", NULL), 0);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "too_large", NULL), 0);
	CU_ASSERT_EQUAL(play_number(st, "dropped_by", "not_json", NULL), 0);
	CU_ASSERT_EQUAL(play_number(st, "denied_own_topics", NULL), 0);
	cJSON_Delete(st);
	play_stop(ud);
	free(padded);
	free(big_ota);
	free(huge);
}

int init_broker_route_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(answer_from_a_lan_client_is_denied_and_counted_local_client),
	    RUNNER_TEST(
	        answer_from_an_impostor_with_the_bridges_id_is_denied_counted_and_logged_once),
	    RUNNER_TEST(websockets_client_with_the_bridges_id_and_no_address_is_an_impostor),
	    RUNNER_TEST(publishes_on_the_plugins_own_topics_by_clients_are_denied_and_counted),
	    RUNNER_TEST(other_traffic_passes_untouched_and_uncounted),
	    RUNNER_TEST(bridges_answer_for_another_device_passes_and_is_counted_other_device),
	    RUNNER_TEST(with_serve_lan_a_clients_answer_to_a_device_is_denied_as_forged),
	    RUNNER_TEST(huawei_gateway_sends_its_requests_on_its_own_events_topic_in_huaweis_words),
	    RUNNER_TEST(
	        huawei_gateway_lets_the_platforms_other_events_pass_and_guards_its_time_answers),
	    RUNNER_TEST(
	        huawei_gateway_lets_no_forged_answer_past_its_reader_and_no_platform_event_stop),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("broker_route", tests);
}
