/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for endpoint: region hosts, --host and --port checks, the port 1883 warning.
 */
#include <string.h>

#include "endpoint.h"
#include "runner.h"

static char err[256];

static void known_region_gives_the_public_instance_host(void)
{
	char host[EP_HOST_MAX + 1];

	CU_ASSERT_EQUAL_FATAL(ep_region_host(host, sizeof(host), "a1B2c3D4e5F", "cn-shanghai"), 0);
	CU_ASSERT_STRING_EQUAL(host, "a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com");
	CU_ASSERT_EQUAL_FATAL(ep_region_host(host, sizeof(host), "pk", "eu-central-1"), 0);
	CU_ASSERT_STRING_EQUAL(host, "pk.iot-as-mqtt.eu-central-1.aliyuncs.com");
}

static void unknown_region_gives_no_host(void)
{
	const char *bad[] = {"", "CN-SHANGHAI", "cn-shanghai ", "cn-shanghai.evil.com", "mars-1"};
	char host[EP_HOST_MAX + 1];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(ep_region_known(bad[i]), 0);
		CU_ASSERT_EQUAL(ep_region_host(host, sizeof(host), "pk", bad[i]), -1);
		runner_add_figure("bad_inputs", 1);
	}
}

static void every_listed_region_is_known(void)
{
	char list[256];
	char *save = NULL;

	strcpy(list, ep_region_list());
	for (char *r = strtok_r(list, ", ", &save); r != NULL; r = strtok_r(NULL, ", ", &save))
		CU_ASSERT_EQUAL(ep_region_known(r), 1);
}

static void host_that_does_not_fit_is_refused(void)
{
	char host[16];

	CU_ASSERT_EQUAL(ep_region_host(host, sizeof(host), "pk", "cn-shanghai"), -1);
}

static void dns_names_and_ipv4_addresses_are_hosts(void)
{
	CU_ASSERT_EQUAL(ep_check_host("iot-abc123.mqtt.iothub.aliyuncs.com", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ep_check_host("127.0.0.1", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ep_check_host("localhost", err, sizeof(err)), 0);
}

static void host_with_port_space_or_empty_label_is_refused(void)
{
	char long_label[80];
	char long_name[300];
	const char *bad[] = {"",    "host:8883", "host name", "a..b",     ".a",     "a.",
	                     "::1", "ho$t",      "h\nost",    long_label, long_name};

	memset(long_label, 'a', 64);
	long_label[64] = '\0';
	memset(long_name, 'a', sizeof(long_name) - 1);
	for (size_t i = 0; i < sizeof(long_name) - 1; i += 50)
		long_name[i] = '.';
	long_name[0] = 'a';
	long_name[sizeof(long_name) - 1] = '\0';
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(ep_check_host(bad[i], err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "--host"));
		runner_add_figure("bad_inputs", 1);
	}
}

static void ports_are_1_to_65535_in_plain_decimal(void)
{
	const char *bad[] = {
	    "", "0", "65536", "-1", "+1", " 1", "1x", "0x10", "99999999999999999999"};
	unsigned port = 0;

	CU_ASSERT_EQUAL(ep_parse_port("1", &port, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(port, 1);
	CU_ASSERT_EQUAL(ep_parse_port("8883", &port, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(port, 8883);
	CU_ASSERT_EQUAL(ep_parse_port("65535", &port, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(port, 65535);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		port = 7;
		CU_ASSERT_EQUAL(ep_parse_port(bad[i], &port, err, sizeof(err)), -1);
		CU_ASSERT_EQUAL(port, 7);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "--port"));
		runner_add_figure("bad_inputs", 1);
	}
}

static void port_1883_warns_of_the_globalsign_root_expiry(void)
{
	const char *w = ep_port_warning(1883);

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_PTR_NOT_NULL(strstr(w, "GlobalSign"));
	CU_ASSERT_PTR_NOT_NULL(strstr(w, "2028-01-28"));
	CU_ASSERT_PTR_NULL(ep_port_warning(8883));
	CU_ASSERT_PTR_NULL(ep_port_warning(443));
}

static int init_endpoint_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(known_region_gives_the_public_instance_host),
	    RUNNER_TEST(unknown_region_gives_no_host),
	    RUNNER_TEST(every_listed_region_is_known),
	    RUNNER_TEST(host_that_does_not_fit_is_refused),
	    RUNNER_TEST(dns_names_and_ipv4_addresses_are_hosts),
	    RUNNER_TEST(host_with_port_space_or_empty_label_is_refused),
	    RUNNER_TEST(ports_are_1_to_65535_in_plain_decimal),
	    RUNNER_TEST(port_1883_warns_of_the_globalsign_root_expiry),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("endpoint", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_endpoint_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
