/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for cli_args: iotntp-config's command line, its defaults and its refusals.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "runner.h"

#define MAX_ARGS 40
#define PLUGIN   "/usr/lib/x86_64-linux-gnu/mosquitto_iotntp.so"

static struct cli_args args;
static char err[CLI_ERR_SIZE];

/* Parses the NULL-terminated arguments after the program name. */
static int parse(const char *first, ...)
{
	char *argv[MAX_ARGS] = {"iotntp-config"};
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a != NULL; a = va_arg(ap, const char *)) {
		CU_ASSERT_FATAL(argc < MAX_ARGS - 1);
		argv[argc++] = (char *)a;
	}
	va_end(ap);
	argv[argc] = NULL;
	err[0] = '\0';
	return cli_parse(&args, argc, argv, PLUGIN, err, sizeof(err));
}

#define MINIMAL                                                                                    \
	"mosquitto", "--product-key", "a1B2c3D4e5F", "--device-name", "gw-01", "--secret-file",    \
	    "/etc/iotntp/secret", "--ca-file", "/etc/ssl/root.pem"

/* Expects a refusal whose message holds want; counts it as a bad input tried. */
static void expect_refusal(int rc, const char *want)
{
	CU_ASSERT_EQUAL(rc, -1);
	if (strstr(err, want) == NULL) {
		fprintf(stderr, "\n  error \"%s\" does not say \"%s\"\n", err, want);
		CU_FAIL("refusal does not say why");
	}
	runner_add_figure("bad_inputs", 1);
}

static void minimal_mosquitto_command_gets_the_defaults(void)
{
	CU_ASSERT_EQUAL_FATAL(parse(MINIMAL, "--region", "cn-shanghai", NULL), 0);
	CU_ASSERT_EQUAL(args.command, CLI_MOSQUITTO);
	CU_ASSERT_FALSE(args.help);
	CU_ASSERT_STRING_EQUAL(args.host, "a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com");
	CU_ASSERT_EQUAL(args.port, 8883);
	CU_ASSERT_EQUAL(args.keepalive_s, 300);
	CU_ASSERT_EQUAL(args.method, SIG_HMACSHA256);
	CU_ASSERT_STRING_EQUAL(args.client_id, "a1B2c3D4e5F.gw-01");
	CU_ASSERT_STRING_EQUAL(args.plugin_path, PLUGIN);
	CU_ASSERT_STRING_EQUAL(args.refclock_socket, "/run/chrony.iotntp.sock");
	CU_ASSERT_STRING_EQUAL(args.secret_file, "/etc/iotntp/secret");
	CU_ASSERT_STRING_EQUAL(args.ca_file, "/etc/ssl/root.pem");
	CU_ASSERT_PTR_NULL(args.output);
	/* No id given: a random one is made when the fragment is rendered. */
	CU_ASSERT_PTR_NULL(args.bridge_client_id);
}

static void given_values_replace_the_defaults(void)
{
	CU_ASSERT_EQUAL_FATAL(parse(MINIMAL, "--host", "iot-x.mqtt.example.com", "--port=1883",
	                            "--client-id", "00:11:22:33:44:55", "--signmethod", "hmacsha1",
	                            "--keepalive=1200", "--plugin", "/opt/p.so",
	                            "--refclock-socket", "/run/x.sock", "--output",
	                            "/etc/mosquitto/conf.d/iotntp.conf", NULL),
	                      0);
	CU_ASSERT_STRING_EQUAL(args.host, "iot-x.mqtt.example.com");
	CU_ASSERT_EQUAL(args.port, 1883);
	CU_ASSERT_STRING_EQUAL(args.client_id, "00:11:22:33:44:55");
	CU_ASSERT_EQUAL(args.method, SIG_HMACSHA1);
	CU_ASSERT_EQUAL(args.keepalive_s, 1200);
	CU_ASSERT_STRING_EQUAL(args.plugin_path, "/opt/p.so");
	CU_ASSERT_STRING_EQUAL(args.refclock_socket, "/run/x.sock");
	CU_ASSERT_STRING_EQUAL(args.output, "/etc/mosquitto/conf.d/iotntp.conf");
}

static void bridge_client_id_given_is_kept(void)
{
	char longest[BRIDGE_ID_MAX + 1];

	CU_ASSERT_EQUAL_FATAL(parse(MINIMAL, "--region", "cn-shanghai", "--bridge-client-id",
	                            "iotntp-bridge-0123456789abcdef0123456789abcdef", NULL),
	                      0);
	CU_ASSERT_STRING_EQUAL(args.bridge_client_id,
	                       "iotntp-bridge-0123456789abcdef0123456789abcdef");
	CU_ASSERT_EQUAL_FATAL(
	    parse(MINIMAL, "--host", "h.example.com", "--bridge-client-id=my-gw!", NULL), 0);
	CU_ASSERT_STRING_EQUAL(args.bridge_client_id, "my-gw!");
	memset(longest, 'b', BRIDGE_ID_MAX);
	longest[BRIDGE_ID_MAX] = '\0';
	CU_ASSERT_EQUAL(
	    parse(MINIMAL, "--region", "cn-shanghai", "--bridge-client-id", longest, NULL), 0);
	CU_ASSERT_STRING_EQUAL(args.bridge_client_id, longest);
}

static void bad_bridge_client_id_is_refused_saying_why(void)
{
	char overlong[BRIDGE_ID_MAX + 2];

	memset(overlong, 'b', BRIDGE_ID_MAX + 1);
	overlong[BRIDGE_ID_MAX + 1] = '\0';
	expect_refusal(parse(MINIMAL, "--region", "cn-shanghai", "--bridge-client-id=", NULL),
	               "--bridge-client-id is empty");
	expect_refusal(
	    parse(MINIMAL, "--region", "cn-shanghai", "--bridge-client-id", overlong, NULL),
	    "1 to 128");
	expect_refusal(
	    parse(MINIMAL, "--region", "cn-shanghai", "--bridge-client-id", "iotntp bridge", NULL),
	    "--bridge-client-id: character 7");
	expect_refusal(
	    parse(MINIMAL, "--region", "cn-shanghai", "--bridge-client-id", "gw/1", NULL), "'/'");
	expect_refusal(parse(MINIMAL, "--region", "cn-shanghai", "--bridge-client-id", "gw+", NULL),
	               "'+'");
	expect_refusal(parse(MINIMAL, "--region", "cn-shanghai", "--bridge-client-id", "#gw", NULL),
	               "'#'");
	expect_refusal(parse("chrony", "--bridge-client-id", "gw", NULL),
	               "does not apply to the chrony");
	expect_refusal(parse(MINIMAL, "--region", "cn-shanghai", "--bridge-client-id", "a",
	                     "--bridge-client-id", "b", NULL),
	               "--bridge-client-id is given twice");
	expect_refusal(parse(MINIMAL, "--region", "cn-shanghai", "--bridge-client-id", NULL),
	               "--bridge-client-id needs a value");
}

static void secret_from_standard_input_is_a_dash(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("mosquitto", "--secret-file=-", "--product-key=pk1",
	                            "--device-name=gw-01", "--ca-file=ca.pem", "--region=us-east-1",
	                            NULL),
	                      0);
	CU_ASSERT_STRING_EQUAL(args.secret_file, "-");
}

static void each_required_option_missing_is_named(void)
{
	expect_refusal(parse("mosquitto", "--device-name", "gw-01", "--secret-file", "s",
	                     "--ca-file", "c", "--region", "cn-shanghai", NULL),
	               "--product-key");
	expect_refusal(parse("mosquitto", "--product-key", "pk", "--secret-file", "s", "--ca-file",
	                     "c", "--region", "cn-shanghai", NULL),
	               "--device-name");
	expect_refusal(parse("mosquitto", "--product-key", "pk", "--device-name", "gw-01",
	                     "--ca-file", "c", "--region", "cn-shanghai", NULL),
	               "--secret-file");
	expect_refusal(parse("mosquitto", "--product-key", "pk", "--device-name", "gw-01",
	                     "--secret-file", "s", "--region", "cn-shanghai", NULL),
	               "--ca-file");
}

static void one_of_region_and_host_is_required(void)
{
	expect_refusal(parse(MINIMAL, NULL), "--region");
	expect_refusal(parse(MINIMAL, "--region", "cn-shanghai", "--host", "h.example.com", NULL),
	               "alternatives");
}

static void unknown_region_is_refused_listing_the_known_ones(void)
{
	expect_refusal(parse(MINIMAL, "--region", "cn-hangzhou", NULL), "cn-shanghai");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--host"));
	expect_refusal(parse(MINIMAL, "--region", "", NULL), "--region");
}

static void keepalive_is_within_the_platforms_30_to_1200_s(void)
{
	CU_ASSERT_EQUAL(parse(MINIMAL, "--region", "cn-shanghai", "--keepalive", "30", NULL), 0);
	CU_ASSERT_EQUAL(args.keepalive_s, 30);
	expect_refusal(parse(MINIMAL, "--region", "cn-shanghai", "--keepalive", "29", NULL),
	               "--keepalive");
	expect_refusal(parse(MINIMAL, "--region", "cn-shanghai", "--keepalive", "1201", NULL),
	               "30 to 1200");
	expect_refusal(parse(MINIMAL, "--region", "cn-shanghai", "--keepalive", "5m", NULL),
	               "--keepalive");
	expect_refusal(parse(MINIMAL, "--region", "cn-shanghai", "--keepalive", "-300", NULL),
	               "--keepalive");
}

static void bad_identity_port_host_and_method_are_refused(void)
{
	expect_refusal(parse("mosquitto", "--product-key", "a/b", NULL), "--product-key");
	expect_refusal(parse("mosquitto", "--device-name", "abc", NULL), "--device-name");
	expect_refusal(parse("mosquitto", "--client-id", "a|b", NULL), "--client-id");
	expect_refusal(parse("mosquitto", "--port", "0", NULL), "--port");
	expect_refusal(parse("mosquitto", "--host", "h:1883", NULL), "--host");
	expect_refusal(parse("mosquitto", "--signmethod", "hmacmd5", NULL), "--signmethod");
	expect_refusal(parse("mosquitto", "--plugin", "mosquitto_iotntp.so", NULL), "absolute");
	expect_refusal(parse("mosquitto", "--ca-file", "/etc/my ca.pem", NULL), "--ca-file");
}

static void secret_on_the_command_line_is_refused_without_echoing_it(void)
{
	const char *tries[] = {"--secret=hunter2", "--secret", "--password=hunter2",
	                       "--device-secret=hunter2", "--secretfile=hunter2"};

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		expect_refusal(parse("mosquitto", tries[i], "hunter2", NULL), "--secret-file");
		CU_ASSERT_PTR_NULL(strstr(err, "hunter2"));
	}
}

static void unknown_option_is_named_without_its_value(void)
{
	expect_refusal(parse("mosquitto", "--bogus=hunter2", NULL), "unknown option --bogus");
	CU_ASSERT_PTR_NULL(strstr(err, "hunter2"));
}

static void abbreviated_option_is_unknown(void)
{
	expect_refusal(parse("mosquitto", "--product", "pk", NULL), "unknown option --product");
	expect_refusal(parse("mosquitto", "--secret-f", "s", NULL), "--secret-file");
}

static void option_of_the_other_command_is_refused(void)
{
	expect_refusal(parse("chrony", "--product-key", "pk", NULL),
	               "does not apply to the chrony");
	expect_refusal(parse("mosquitto", "--allow", "10.0.0.0/8", NULL),
	               "does not apply to the mosquitto");
}

static void option_given_twice_is_refused(void)
{
	expect_refusal(
	    parse(MINIMAL, "--region", "cn-shanghai", "--port", "8883", "--port", "1883", NULL),
	    "--port is given twice");
}

static void option_without_a_value_is_refused(void)
{
	expect_refusal(parse("mosquitto", "--product-key", NULL), "--product-key needs a value");
	expect_refusal(parse("mosquitto", "--product-key", "--device-name", "gw-01", NULL),
	               "--product-key needs a value");
	expect_refusal(parse("mosquitto", "--product-key=", NULL), "--product-key is empty");
	expect_refusal(parse("mosquitto", "--output=", NULL), "--output is empty");
}

static void stray_argument_is_refused(void)
{
	expect_refusal(parse(MINIMAL, "--region", "cn-shanghai", "extra", NULL), "unexpected");
}

static void overlong_default_client_id_asks_for_client_id(void)
{
	char pk[ID_PRODUCT_KEY_MAX + 1];
	char dn[ID_DEVICE_NAME_MAX + 1];

	memset(pk, 'p', sizeof(pk) - 1);
	pk[sizeof(pk) - 1] = '\0';
	memset(dn, 'd', sizeof(dn) - 1);
	dn[sizeof(dn) - 1] = '\0';
	expect_refusal(parse("mosquitto", "--product-key", pk, "--device-name", dn, "--secret-file",
	                     "s", "--ca-file", "c", "--host", "h", NULL),
	               "give --client-id");
	CU_ASSERT_EQUAL(parse("mosquitto", "--product-key", pk, "--device-name", dn,
	                      "--secret-file", "s", "--ca-file", "c", "--host", "h", "--client-id",
	                      "gw1", NULL),
	                0);
}

static void command_must_come_first_and_be_known(void)
{
	char *argv[] = {"iotntp-config", NULL};

	expect_refusal(cli_parse(&args, 1, argv, PLUGIN, err, sizeof(err)), "give a command");
	expect_refusal(parse("bridge", NULL), "unknown command 'bridge'");
	expect_refusal(parse("--product-key", "pk", "mosquitto", NULL), "first");
}

static void help_is_recognised_anywhere(void)
{
	CU_ASSERT_EQUAL(parse("--help", NULL), 0);
	CU_ASSERT_TRUE(args.help);
	CU_ASSERT_EQUAL(parse("-h", NULL), 0);
	CU_ASSERT_TRUE(args.help);
	CU_ASSERT_EQUAL(parse("mosquitto", "--port", "1", "--help", NULL), 0);
	CU_ASSERT_TRUE(args.help);
}

static void chrony_allows_the_private_ranges_by_default(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("chrony", NULL), 0);
	CU_ASSERT_EQUAL(args.command, CLI_CHRONY);
	CU_ASSERT_EQUAL_FATAL(args.n_allow, 3);
	CU_ASSERT_STRING_EQUAL(args.allow[0], "10.0.0.0/8");
	CU_ASSERT_STRING_EQUAL(args.allow[1], "172.16.0.0/12");
	CU_ASSERT_STRING_EQUAL(args.allow[2], "192.168.0.0/16");
	CU_ASSERT_STRING_EQUAL(args.refclock_socket, "/run/chrony.iotntp.sock");
}

static void allow_replaces_the_default_networks(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("chrony", "--allow", "192.168.7.0/24", "--allow=fd00::/8",
	                            "--refclock-socket", "/tmp/t.sock", NULL),
	                      0);
	CU_ASSERT_EQUAL_FATAL(args.n_allow, 2);
	CU_ASSERT_STRING_EQUAL(args.allow[0], "192.168.7.0/24");
	CU_ASSERT_STRING_EQUAL(args.allow[1], "fd00::/8");
	CU_ASSERT_STRING_EQUAL(args.refclock_socket, "/tmp/t.sock");
}

static void bad_or_too_many_networks_are_refused(void)
{
	char *argv[2 + 2 * (CLI_MAX_ALLOW + 1)] = {"iotntp-config", "chrony"};
	int argc = 2;

	expect_refusal(parse("chrony", "--allow", "lan", NULL), "--allow 'lan'");
	expect_refusal(parse("chrony", "--allow", "10.0.0.0/8 deny", NULL), "--allow");
	for (int i = 0; i <= CLI_MAX_ALLOW; i++) {
		argv[argc++] = "--allow";
		argv[argc++] = "10.0.0.0/8";
	}
	expect_refusal(cli_parse(&args, argc, argv, PLUGIN, err, sizeof(err)), "more than");
}

static void socket_path_must_fit_a_unix_socket(void)
{
	char path[CLI_SOCKET_MAX + 2];

	memset(path, 's', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	expect_refusal(parse("chrony", "--refclock-socket", path, NULL), "--refclock-socket");
	path[sizeof(path) - 2] = '\0';
	CU_ASSERT_EQUAL(parse("chrony", "--refclock-socket", path, NULL), 0);
	expect_refusal(parse("chrony", "--refclock-socket", "run/x.sock", NULL), "absolute");
}

static void usage_names_the_options_and_why_no_timestamp_is_signed(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	cli_usage(f, PLUGIN);
	fclose(f);
	const char *want[] = {
	    "--product-key", "--device-name", "--secret-file",      "--region",     "--host",
	    "--port",        "--ca-file",     "--client-id",        "--signmethod", "--keepalive",
	    "--output",      "--allow",       "--bridge-client-id", "random",       "timestamp",
	    "2028-01-28",    PLUGIN};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (strstr(text, want[i]) == NULL) {
			fprintf(stderr, "\n  usage lacks %s\n", want[i]);
			CU_FAIL("usage incomplete");
		}
	}
	free(text);
}

#define HUAWEI                                                                                     \
	"mosquitto", "--platform", "huawei", "--device-id", "6123_gw01", "--secret-file", "s",     \
	    "--host", "iot-mqtts.cn-north-4.myhuaweicloud.com", "--ca-file", "/etc/ssl/root.pem"
#define TUYA                                                                                       \
	"mosquitto", "--platform", "tuya", "--device-id", "6c828cba434ff40c074wF2",                \
	    "--secret-file", "s", "--host", "m1.tuyacn.com", "--ca-file", "/etc/ssl/root.pem"
#define TENCENT                                                                                    \
	"mosquitto", "--platform", "tencent", "--product-id", "ABCDEFGHIJ", "--device-name",       \
	    "gw01", "--secret-file", "s"

static void platform_is_alibaba_unless_given(void)
{
	CU_ASSERT_EQUAL_FATAL(parse(MINIMAL, "--region", "cn-shanghai", NULL), 0);
	CU_ASSERT_PTR_EQUAL(args.platform, crd_find("aliyun"));
	CU_ASSERT_STRING_EQUAL(args.who.product, "a1B2c3D4e5F");
	CU_ASSERT_STRING_EQUAL(args.who.device, "gw-01");
	CU_ASSERT_STRING_EQUAL(args.who.client_id, "a1B2c3D4e5F.gw-01");
	CU_ASSERT_EQUAL_FATAL(parse(MINIMAL, "--region", "cn-shanghai", "--platform", "aliyun",
	                            "--signmethod", "hmacsha1", NULL),
	                      0);
	CU_ASSERT_PTR_EQUAL(args.platform, crd_find("aliyun"));
	CU_ASSERT_EQUAL(args.who.method, SIG_HMACSHA1);
}

static void each_platform_takes_its_own_identity_and_endpoint(void)
{
	CU_ASSERT_EQUAL_FATAL(parse(HUAWEI, NULL), 0);
	CU_ASSERT_PTR_EQUAL(args.platform, crd_find("huawei"));
	CU_ASSERT_PTR_NULL(args.who.product);
	CU_ASSERT_STRING_EQUAL(args.who.device, "6123_gw01");
	CU_ASSERT_PTR_NULL(args.who.client_id);
	CU_ASSERT_STRING_EQUAL(args.host, "iot-mqtts.cn-north-4.myhuaweicloud.com");
	CU_ASSERT_EQUAL(args.port, 8883);
	CU_ASSERT_EQUAL(args.keepalive_s, 300);
	CU_ASSERT_STRING_EQUAL(args.ca_file, "/etc/ssl/root.pem");

	CU_ASSERT_EQUAL_FATAL(parse(TUYA, "--port", "8884", NULL), 0);
	CU_ASSERT_PTR_EQUAL(args.platform, crd_find("tuya"));
	CU_ASSERT_STRING_EQUAL(args.who.device, "6c828cba434ff40c074wF2");
	CU_ASSERT_EQUAL(args.port, 8884);

	CU_ASSERT_EQUAL_FATAL(parse(TENCENT, "--region", "ap-guangzhou", NULL), 0);
	CU_ASSERT_PTR_EQUAL(args.platform, crd_find("tencent"));
	CU_ASSERT_STRING_EQUAL(args.who.product, "ABCDEFGHIJ");
	CU_ASSERT_STRING_EQUAL(args.who.device, "gw01");
	CU_ASSERT_STRING_EQUAL(args.host, "ABCDEFGHIJ.iotcloud.tencentdevices.com");
	CU_ASSERT_EQUAL(args.port, 8883);
	/* The device key is the TLS pre-shared key: no CA. */
	CU_ASSERT_PTR_NULL(args.ca_file);
	CU_ASSERT_EQUAL_FATAL(parse(TENCENT, "--host", "iot.example.com", NULL), 0);
	CU_ASSERT_STRING_EQUAL(args.host, "iot.example.com");
}

static void the_platform_may_come_after_its_options(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("mosquitto", "--device-name", "a", "--product-id", "PID1",
	                            "--secret-file", "s", "--region", "ap-guangzhou",
	                            "--platform=tencent", NULL),
	                      0);
	CU_ASSERT_STRING_EQUAL(args.who.device, "a");
	CU_ASSERT_STRING_EQUAL(args.host, "PID1.iotcloud.tencentdevices.com");
}

static void unknown_platform_is_refused_naming_the_known_ones(void)
{
	expect_refusal(parse(MINIMAL, "--platform", "aws", NULL),
	               "--platform 'aws' is none of aliyun, huawei, tuya or tencent");
	expect_refusal(parse(MINIMAL, "--platform", "Huawei", NULL), "'Huawei'");
	expect_refusal(parse("chrony", "--platform", "huawei", NULL),
	               "does not apply to the chrony");
}

static void another_platforms_identity_option_is_refused(void)
{
	expect_refusal(parse(HUAWEI, "--product-key", "a1B2c3D4e5F", NULL),
	               "--product-key is not platform huawei's: it names its devices by "
	               "--device-id");
	expect_refusal(parse(TUYA, "--device-name", "gw01", NULL),
	               "--device-name is not platform tuya's");
	expect_refusal(parse(TENCENT, "--region", "ap-guangzhou", "--device-id", "x", NULL),
	               "by --product-id and --device-name");
	expect_refusal(parse(MINIMAL, "--region", "cn-shanghai", "--device-id", "x", NULL),
	               "by --product-key and --device-name");
	expect_refusal(parse(MINIMAL, "--region", "cn-shanghai", "--product-id", "x", NULL),
	               "--product-id is not platform aliyun's");
}

static void each_platforms_missing_identity_is_named(void)
{
	expect_refusal(parse("mosquitto", "--platform", "huawei", "--secret-file", "s", "--host",
	                     "h", "--ca-file", "c", NULL),
	               "mosquitto needs --device-id for platform huawei");
	expect_refusal(parse("mosquitto", "--platform", "tuya", "--secret-file", "s", "--host", "h",
	                     "--ca-file", "c", NULL),
	               "mosquitto needs --device-id for platform tuya");
	expect_refusal(parse("mosquitto", "--platform", "tencent", "--device-name", "gw01",
	                     "--secret-file", "s", "--host", "h", NULL),
	               "mosquitto needs --product-id for platform tencent");
	expect_refusal(parse("mosquitto", "--platform", "tencent", "--product-id", "P",
	                     "--secret-file", "s", "--host", "h", NULL),
	               "mosquitto needs --device-name for platform tencent");
	expect_refusal(parse("mosquitto", "--platform", "huawei", "--device-id", "d", "--host", "h",
	                     "--ca-file", "c", NULL),
	               "mosquitto needs --secret-file for platform huawei");
	expect_refusal(parse("mosquitto", "--platform", "tuya", "--device-id", "d", "--host", "h",
	                     "--secret-file", "s", NULL),
	               "mosquitto needs --ca-file for platform tuya");
}

static void each_platforms_ill_formed_identity_is_refused_saying_why(void)
{
	char long_name[130];

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	expect_refusal(parse("mosquitto", "--platform", "huawei", "--device-id", "dev/1", NULL),
	               "--device-id: character 4, '/', is not allowed");
	expect_refusal(parse("mosquitto", "--platform", "huawei", "--device-id", long_name, NULL),
	               "--device-id is 129 characters long; the platform allows 1 to 128");
	expect_refusal(parse("mosquitto", "--platform", "tuya", "--device-id", "dev_1", NULL),
	               "--device-id: character 4, '_'");
	expect_refusal(parse("mosquitto", "--platform", "tencent", "--product-id", "ABC-1", NULL),
	               "--product-id: character 4, '-'");
	long_name[49] = '\0';
	expect_refusal(
	    parse("mosquitto", "--platform", "tencent", "--device-name", long_name, NULL),
	    "--device-name is 49 characters long; the platform allows 1 to 48");
	/* Alibaba's DeviceName rule is not Tencent's: 3 characters are Tencent's alone. */
	CU_ASSERT_EQUAL(parse("mosquitto", "--platform", "tencent", "--product-id", "P",
	                      "--device-name", "abc", "--secret-file", "s", "--host", "h", NULL),
	                0);
	expect_refusal(parse(MINIMAL, "--region", "cn-shanghai", "--device-name", "abc", NULL),
	               "given twice");
}

static void alibabas_own_options_are_refused_elsewhere(void)
{
	expect_refusal(parse(HUAWEI, "--client-id", "x", NULL),
	               "--client-id does not apply to platform huawei");
	expect_refusal(parse(TUYA, "--signmethod", "hmacsha1", NULL),
	               "--signmethod does not apply to platform tuya");
}

static void region_where_documented_and_host_elsewhere(void)
{
	expect_refusal(parse("mosquitto", "--platform", "huawei", "--device-id", "d",
	                     "--secret-file", "s", "--ca-file", "c", "--region", "cn-north-4",
	                     NULL),
	               "--region does not apply to platform huawei");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--host"));
	expect_refusal(parse("mosquitto", "--platform", "tuya", "--device-id", "d", "--secret-file",
	                     "s", "--ca-file", "c", NULL),
	               "mosquitto needs --host for platform tuya");
	expect_refusal(parse(TENCENT, "--region", "ap-beijing", NULL),
	               "--region 'ap-beijing' is not a region iotntp-config knows for this "
	               "platform (ap-guangzhou)");
	expect_refusal(parse(TENCENT, NULL), "one of --region");
	expect_refusal(parse(TENCENT, "--region", "ap-guangzhou", "--ca-file", "c", NULL),
	               "--ca-file does not apply to platform tencent");
}

static void keepalive_is_within_each_platforms_range(void)
{
	CU_ASSERT_EQUAL(parse(TENCENT, "--region", "ap-guangzhou", "--keepalive", "900", NULL), 0);
	CU_ASSERT_EQUAL(args.keepalive_s, 900);
	CU_ASSERT_EQUAL(parse(TENCENT, "--region", "ap-guangzhou", "--keepalive", "5", NULL), 0);
	expect_refusal(parse(TENCENT, "--region", "ap-guangzhou", "--keepalive", "901", NULL),
	               "5 to 900");
	expect_refusal(parse(TENCENT, "--region", "ap-guangzhou", "--keepalive", "0", NULL),
	               "mosquitto's bridge takes no less than 5");
	CU_ASSERT_EQUAL(parse(HUAWEI, "--keepalive", "1200", NULL), 0);
	expect_refusal(parse(TUYA, "--keepalive", "1201", NULL), "30 to 1200");
	/* The default fits every platform. */
	for (int i = 0; crd_all[i] != NULL; i++)
		CU_ASSERT(CLI_KEEPALIVE_DEFAULT >= crd_all[i]->keepalive_min &&
		          CLI_KEEPALIVE_DEFAULT <= crd_all[i]->keepalive_max);
}

static void usage_names_every_platform_and_what_it_needs(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	cli_usage(f, PLUGIN);
	fclose(f);
	const char *want[] = {"--platform",        "--device-id",  "--product-id",
	                      "pre-shared key",    "ap-guangzhou", "--carry-topic",
	                      "one connection per"};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(text, want[i]));
	for (int i = 0; crd_all[i] != NULL; i++) {
		char row[32];
		snprintf(row, sizeof(row), "\n  %-8s %s", crd_all[i]->name, crd_all[i]->title);
		if (strstr(text, row) == NULL) {
			fprintf(stderr, "\n  usage has no row for %s\n", crd_all[i]->name);
			CU_FAIL("usage incomplete");
		}
	}
	free(text);
}

static void carried_topics_are_checked_for_the_platforms_device(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("mosquitto", "--carry-topic",
	                            "both:$oc/devices/6123_gw01/user/#", "--platform", "huawei",
	                            "--device-id", "6123_gw01", "--secret-file", "s", "--host", "h",
	                            "--ca-file", "c",
	                            "--carry-topic=out:$oc/devices/6123_gw01/"
	                            "sys/properties/report",
	                            NULL),
	                      0);
	CU_ASSERT_EQUAL_FATAL(args.n_carry, 2);
	CU_ASSERT_EQUAL(args.carry[0].direction, CARRY_BOTH);
	CU_ASSERT_STRING_EQUAL(args.carry[0].pattern, "$oc/devices/6123_gw01/user/#");
	CU_ASSERT_EQUAL(args.carry[1].direction, CARRY_OUT);
	CU_ASSERT_EQUAL(parse(MINIMAL, "--region", "cn-shanghai", NULL), 0);
	CU_ASSERT_EQUAL(args.n_carry, 0);
	expect_refusal(parse(HUAWEI, "--carry-topic", "in:$oc/devices/other/user", NULL),
	               "not among this device's topics on platform huawei");
	expect_refusal(parse(TUYA, "--carry-topic", "in:tylink/6c828cba434ff40c074wF2/#", NULL),
	               "no subscription with a wildcard");
	expect_refusal(
	    parse(HUAWEI, "--carry-topic", "in:$oc/devices/6123_gw01/sys/events/down", NULL),
	    "a topic of the time service");
	expect_refusal(parse(HUAWEI, "--carry-topic", "in:$oc/devices/6123_gw01/user/#",
	                     "--carry-topic", "both:$oc/devices/6123_gw01/user/x", NULL),
	               "carried twice");
	expect_refusal(parse(HUAWEI, "--carry-topic", "up:$oc/devices/6123_gw01/user/x", NULL),
	               "DIRECTION:PATTERN");
	expect_refusal(parse("chrony", "--carry-topic", "in:x", NULL),
	               "does not apply to the chrony");
}

static void too_many_carried_topics_are_refused(void)
{
	char *argv[2 + 2 * (CLI_MAX_CARRY + 1)] = {"iotntp-config", "mosquitto"};
	char patterns[CLI_MAX_CARRY + 1][64];
	int argc = 2;

	for (int i = 0; i <= CLI_MAX_CARRY; i++) {
		snprintf(patterns[i], sizeof(patterns[i]), "in:$oc/devices/d/user/%d", i);
		argv[argc++] = "--carry-topic";
		argv[argc++] = patterns[i];
	}
	expect_refusal(cli_parse(&args, argc, argv, PLUGIN, err, sizeof(err)),
	               "more than 32 --carry-topic");
}

static int init_cli_args_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(minimal_mosquitto_command_gets_the_defaults),
	    RUNNER_TEST(given_values_replace_the_defaults),
	    RUNNER_TEST(bridge_client_id_given_is_kept),
	    RUNNER_TEST(bad_bridge_client_id_is_refused_saying_why),
	    RUNNER_TEST(secret_from_standard_input_is_a_dash),
	    RUNNER_TEST(each_required_option_missing_is_named),
	    RUNNER_TEST(one_of_region_and_host_is_required),
	    RUNNER_TEST(unknown_region_is_refused_listing_the_known_ones),
	    RUNNER_TEST(keepalive_is_within_the_platforms_30_to_1200_s),
	    RUNNER_TEST(bad_identity_port_host_and_method_are_refused),
	    RUNNER_TEST(secret_on_the_command_line_is_refused_without_echoing_it),
	    RUNNER_TEST(unknown_option_is_named_without_its_value),
	    RUNNER_TEST(abbreviated_option_is_unknown),
	    RUNNER_TEST(option_of_the_other_command_is_refused),
	    RUNNER_TEST(option_given_twice_is_refused),
	    RUNNER_TEST(option_without_a_value_is_refused),
	    RUNNER_TEST(stray_argument_is_refused),
	    RUNNER_TEST(overlong_default_client_id_asks_for_client_id),
	    RUNNER_TEST(command_must_come_first_and_be_known),
	    RUNNER_TEST(help_is_recognised_anywhere),
	    RUNNER_TEST(chrony_allows_the_private_ranges_by_default),
	    RUNNER_TEST(allow_replaces_the_default_networks),
	    RUNNER_TEST(bad_or_too_many_networks_are_refused),
	    RUNNER_TEST(socket_path_must_fit_a_unix_socket),
	    RUNNER_TEST(usage_names_the_options_and_why_no_timestamp_is_signed),
	    RUNNER_TEST(platform_is_alibaba_unless_given),
	    RUNNER_TEST(each_platform_takes_its_own_identity_and_endpoint),
	    RUNNER_TEST(the_platform_may_come_after_its_options),
	    RUNNER_TEST(unknown_platform_is_refused_naming_the_known_ones),
	    RUNNER_TEST(another_platforms_identity_option_is_refused),
	    RUNNER_TEST(each_platforms_missing_identity_is_named),
	    RUNNER_TEST(each_platforms_ill_formed_identity_is_refused_saying_why),
	    RUNNER_TEST(alibabas_own_options_are_refused_elsewhere),
	    RUNNER_TEST(region_where_documented_and_host_elsewhere),
	    RUNNER_TEST(keepalive_is_within_each_platforms_range),
	    RUNNER_TEST(usage_names_every_platform_and_what_it_needs),
	    RUNNER_TEST(carried_topics_are_checked_for_the_platforms_device),
	    RUNNER_TEST(too_many_carried_topics_are_refused),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("cli_args", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_cli_args_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
