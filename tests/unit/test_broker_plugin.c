/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the plugin's entry points (mosquitto_iotntp.c): what init registers for each
 * configuration, that a failed init leaves nothing registered, and that cleanup unregisters
 * exactly what was registered.
 */
#include <string.h>

#include "broker_play.h"
#include <mosquitto_plugin.h>
#include "broker_tests.h"
#include "runner.h"
#include "tick_slots.h"

static void plugin_accepts_api_version_5_alone(void)
{
	const int both[] = {4, 5};
	const int old[] = {2, 3, 4};

	CU_ASSERT_EQUAL(mosquitto_plugin_version(2, both), 5);
	CU_ASSERT_EQUAL(mosquitto_plugin_version(3, old), -1);
	CU_ASSERT_EQUAL(mosquitto_plugin_version(0, NULL), -1);
}

/* After cleanup: nothing registered, every registration undone once, nothing else. */
static void check_cleanup_undid_everything(void)
{
	CU_ASSERT_EQUAL(stub_registered(MOSQ_EVT_TICK), 0);
	CU_ASSERT_EQUAL(stub_registered(MOSQ_EVT_MESSAGE), 0);
	CU_ASSERT_EQUAL(stub_unregister_calls(), stub_register_calls());
	CU_ASSERT_EQUAL(stub_unregister_unknown(), 0);
}

static void bad_options_fail_init_register_nothing_and_say_why(void)
{
	void *ud;
	const char *const missing_id[] = {"product_key", "gwpk", "device_name", "gw-01", NULL};
	const char *const bad_burst[] = {"burst", "17", NULL};
	const char *const unknown[] = {"poll_intervall", "64", NULL};

	CU_ASSERT_EQUAL(play_start_with(&ud, missing_id), MOSQ_ERR_INVAL);
	CU_ASSERT_PTR_NULL(ud);
	CU_ASSERT_EQUAL(stub_register_calls(), 0);
	CU_ASSERT_EQUAL(stub_published_count(), 0);
	CU_ASSERT_EQUAL(stub_log_containing("iotntp: bad configuration: option bridge_client_id"),
	                1);
	play_stop(ud);

	CU_ASSERT_EQUAL(play_start(&ud, bad_burst), MOSQ_ERR_INVAL);
	CU_ASSERT_EQUAL(stub_register_calls(), 0);
	CU_ASSERT_EQUAL(stub_log_containing("iotntp: bad configuration: option burst: '17'"), 1);
	play_stop(ud);

	CU_ASSERT_EQUAL(play_start(&ud, unknown), MOSQ_ERR_INVAL);
	CU_ASSERT_EQUAL(stub_register_calls(), 0);
	CU_ASSERT_EQUAL(
	    stub_log_containing("iotntp: bad configuration: unknown option 'poll_intervall'"), 1);
	play_stop(ud);
}

static void gateway_registers_its_tick_slots_and_one_message_callback_and_cleanup_undoes_them(void)
{
	void *ud;

	CU_ASSERT_EQUAL_FATAL(play_start(&ud, (const char *const[]){"serve_lan", "true", NULL}),
	                      MOSQ_ERR_SUCCESS);
	CU_ASSERT_PTR_NOT_NULL(ud);
	CU_ASSERT_EQUAL(stub_registered(MOSQ_EVT_TICK), TKS_SLOTS);
	CU_ASSERT_EQUAL(stub_registered(MOSQ_EVT_MESSAGE), 1);
	/* Mosquitto 2.1's MOSQ_EVT_MESSAGE_OUT (broker_sync.c). */
	CU_ASSERT_EQUAL(stub_registered(27), 1);
	CU_ASSERT_EQUAL(stub_register_calls(), TKS_SLOTS + 2);
	play_stop(ud);
	check_cleanup_undid_everything();
	CU_ASSERT_EQUAL(stub_log_containing("iotntp: serve role stopped"), 1);
}

static void serve_role_ticks_only_when_it_publishes_a_status(void)
{
	void *ud;
	const char *const quiet[] = {"role", "serve", "authoritative", "true", NULL};
	const char *const with_status[] = {
	    "role", "serve", "authoritative", "true", "status_topic", "emulator/status", NULL};

	CU_ASSERT_EQUAL_FATAL(play_start_with(&ud, quiet), MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_registered(MOSQ_EVT_TICK), 0);
	CU_ASSERT_EQUAL(stub_registered(MOSQ_EVT_MESSAGE), 1);
	CU_ASSERT_EQUAL(stub_published_count(), 0);
	play_stop(ud);
	check_cleanup_undid_everything();

	CU_ASSERT_EQUAL_FATAL(play_start_with(&ud, with_status), MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_registered(MOSQ_EVT_TICK), 1);
	CU_ASSERT_EQUAL(stub_registered(MOSQ_EVT_MESSAGE), 1);
	play_stop(ud);
	check_cleanup_undid_everything();
}

static void failed_registration_fails_init_and_leaves_nothing_registered(void)
{
	static const int events[] = {MOSQ_EVT_TICK, MOSQ_EVT_MESSAGE};
	const char *const emulator[] = {
	    "role", "serve", "authoritative", "true", "status_topic", "emulator/status", NULL};

	for (size_t e = 0; e < sizeof(events) / sizeof(events[0]); e++) {
		for (int role = 0; role < 2; role++) {
			void *ud;
			play_fail_next_register(events[e]);
			int rc =
			    role == 0
			        ? play_start(&ud, (const char *const[]){"serve_lan", "true", NULL})
			        : play_start_with(&ud, emulator);
			CU_ASSERT_NOT_EQUAL(rc, MOSQ_ERR_SUCCESS);
			CU_ASSERT_PTR_NULL(ud);
			CU_ASSERT_EQUAL(stub_log_containing("iotntp: cannot register"), 1);
			check_cleanup_undid_everything();
			play_stop(NULL);
		}
	}
}

static void a_broker_without_message_out_still_runs_the_gateway(void)
{
	void *ud;

	/* Mosquitto 2.0 knows no MOSQ_EVT_MESSAGE_OUT (27) and refuses it. */
	play_fail_next_register(27);
	CU_ASSERT_EQUAL_FATAL(play_start(&ud, NULL), MOSQ_ERR_SUCCESS);
	CU_ASSERT_EQUAL(stub_registered(27), 0);
	/* 2.0 calls every tick callback in every pass: one does. */
	CU_ASSERT_EQUAL(stub_registered(MOSQ_EVT_TICK), 1);
	CU_ASSERT_EQUAL(stub_log_containing("iotntp: cannot register"), 0);
	cJSON *st = play_poll(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "synced")));
	cJSON_Delete(st);
	play_stop(ud);
	check_cleanup_undid_everything();
}

int init_broker_plugin_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(plugin_accepts_api_version_5_alone),
	    RUNNER_TEST(bad_options_fail_init_register_nothing_and_say_why),
	    RUNNER_TEST(
	        gateway_registers_its_tick_slots_and_one_message_callback_and_cleanup_undoes_them),
	    RUNNER_TEST(serve_role_ticks_only_when_it_publishes_a_status),
	    RUNNER_TEST(failed_registration_fails_init_and_leaves_nothing_registered),
	    RUNNER_TEST(a_broker_without_message_out_still_runs_the_gateway),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("broker_plugin", tests);
}
