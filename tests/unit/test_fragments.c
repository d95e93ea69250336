/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for fragments: the mosquitto.conf and chrony.conf fragments iotntp-config writes,
 * line by line for each platform, against the configuration shipped in config/, and against
 * what the plugin's own option parser takes.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge_id.h"
#include "fragments.h"
#include "options.h"
#include "runner.h"

#ifndef IOTNTP_SOURCE_DIR
#error IOTNTP_SOURCE_DIR names the repository, for the shipped configuration
#endif

#define PASSWORD  "0650adb1f7a19bdad37d31536d870522ac8717e7c213f0e0a714b9eaed719e52"
#define BRIDGE_ID "iotntp-bridge-5f0c2a9e4d7b31c86e0a9f2b7d4c1e38"

static char *text;

/* One platform's identity and its login as the credentials table makes it. */
struct platform_case {
	const char *name;
	struct crd_identity who;
	const char *secret;
	const char *host;
	struct crd_login login;
};

static struct platform_case cases[] = {
    {.name = "aliyun",
     .who = {.product = "a1B2c3D4e5F", .device = "gw-01", .client_id = "a1B2c3D4e5F.gw-01"},
     .secret = "s3cr3tDeviceSecret0123456789abcd",
     .host = "a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com"},
    {.name = "huawei",
     .who = {.device = "6123_gw01"},
     .secret = "12345678",
     .host = "iot-mqtts.cn-north-4.myhuaweicloud.com"},
    {.name = "tuya",
     .who = {.device = "6c828cba434ff40c074wF2"},
     .secret = "tuyaSecret0123456789",
     .host = "m1.tuyacn.com"},
    {.name = "tencent",
     .who = {.product = "ABCDEFGHIJ", .device = "gw01"},
     .secret = "ABEiM0RVZneImaq7zN3u/w==",
     .host = "ABCDEFGHIJ.iotcloud.tencentdevices.com"},
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* The fragment of a platform, signed at 2025-04-14T01:00:00Z. */
static struct frag_mosquitto sample_of(struct platform_case *c)
{
	const struct crd_platform *p = crd_find(c->name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL_FATAL(p->sign(&c->who, c->secret, 1744592400, "a1b2c", &c->login), 0);
	struct frag_mosquitto m = {
	    .platform = p,
	    .who = &c->who,
	    .login = &c->login,
	    .host = c->host,
	    .port = 8883,
	    .keepalive_s = 300,
	    .ca_file = p->tls == CRD_TLS_CERT ? "/etc/ssl/iot/root.pem" : NULL,
	    .plugin_path = "/usr/lib/x86_64-linux-gnu/mosquitto_iotntp.so",
	    .refclock_socket = "/run/chrony.iotntp.sock",
	    .bridge_client_id = BRIDGE_ID,
	};
	return m;
}

static struct frag_mosquitto sample(void)
{
	return sample_of(&cases[0]);
}

static void render_mosquitto(const struct frag_mosquitto *m)
{
	size_t len;

	free(text);
	FILE *f = open_memstream(&text, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(frag_mosquitto_write(f, m), 0);
	fclose(f);
}

static void render_chrony(const struct frag_chrony *c)
{
	size_t len;

	free(text);
	FILE *f = open_memstream(&text, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(frag_chrony_write(f, c), 0);
	fclose(f);
}

/* Where line starts in the text as a whole line, or NULL. */
static const char *find_line(const char *haystack, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = haystack; (p = strstr(p, line)) != NULL; p++) {
		if ((p == haystack || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return p;
	}
	return NULL;
}

static void expect_line(const char *line)
{
	if (find_line(text, line) == NULL) {
		fprintf(stderr, "\n  missing line: %s\n", line);
		CU_FAIL("line missing from the fragment");
	}
}

/* The value of the first line that starts with key and a space, copied into out. */
static void value_of(const char *haystack, const char *key, char *out, size_t size)
{
	char needle[80];

	snprintf(needle, sizeof(needle), "\n%s ", key);
	const char *p = strstr(haystack, needle);
	if (p == NULL) {
		fprintf(stderr, "\n  no %s line\n", key);
		CU_FAIL_FATAL("line missing");
	}
	p += strlen(needle);
	size_t n = strcspn(p, "\n");
	CU_ASSERT_FATAL(n < size);
	memcpy(out, p, n);
	out[n] = '\0';
}

static char *read_shipped(const char *relative)
{
	char path[4096];
	size_t len;
	char *buf = NULL;

	snprintf(path, sizeof(path), "%s/%s", IOTNTP_SOURCE_DIR, relative);
	FILE *in = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	FILE *out = open_memstream(&buf, &len);
	int c;
	while ((c = fgetc(in)) != EOF)
		fputc(c, out);
	fclose(in);
	fclose(out);
	return buf;
}

static void mosquitto_fragment_has_the_tls_bridge_the_platform_needs(void)
{
	struct frag_mosquitto m = sample();

	render_mosquitto(&m);
	expect_line("connection iotplatform");
	expect_line("address a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com:8883");
	expect_line("bridge_protocol_version mqttv311");
	expect_line("bridge_cafile /etc/ssl/iot/root.pem");
	expect_line("bridge_insecure false");
	expect_line("bridge_tls_version tlsv1.2");
	expect_line("keepalive_interval 300");
	expect_line("try_private false");
	expect_line("notifications false");
	expect_line("cleansession true");
}

static void mosquitto_fragment_signs_in_with_the_platforms_credentials(void)
{
	struct frag_mosquitto m = sample();

	render_mosquitto(&m);
	expect_line("remote_clientid a1B2c3D4e5F.gw-01|securemode=2,signmethod=hmacsha256|");
	expect_line("remote_username gw-01&a1B2c3D4e5F");
	expect_line("remote_password " PASSWORD);
	struct platform_case sha1 = cases[0];
	sha1.who.method = SIG_HMACSHA1;
	sha1.who.client_id = "00:11:22:33:44:55";
	m = sample_of(&sha1);
	render_mosquitto(&m);
	expect_line("remote_clientid 00:11:22:33:44:55|securemode=2,signmethod=hmacsha1|");
}

static void password_appears_on_its_own_line_only(void)
{
	struct frag_mosquitto m = sample();

	render_mosquitto(&m);
	const char *first = strstr(text, PASSWORD);
	CU_ASSERT_PTR_NOT_NULL_FATAL(first);
	CU_ASSERT_PTR_NULL(strstr(first + 1, PASSWORD));
	CU_ASSERT_PTR_EQUAL(find_line(text, "remote_password " PASSWORD) + 16, first);
}

static void mosquitto_fragment_carries_only_the_ntp_topics(void)
{
	struct frag_mosquitto m = sample();

	render_mosquitto(&m);
	expect_line("topic /ext/ntp/a1B2c3D4e5F/gw-01/request out 0");
	expect_line("topic /ext/ntp/a1B2c3D4e5F/gw-01/response in 0");
	int topics = 0;
	for (const char *p = text; (p = strstr(p, "\ntopic ")) != NULL; p++)
		topics++;
	CU_ASSERT_EQUAL(topics, 2);
}

static void plugin_trusts_the_bridges_local_client_id(void)
{
	struct frag_mosquitto m = sample();

	render_mosquitto(&m);
	expect_line("per_listener_settings false");
	expect_line("plugin /usr/lib/x86_64-linux-gnu/mosquitto_iotntp.so");
	expect_line("plugin_opt_product_key a1B2c3D4e5F");
	expect_line("plugin_opt_device_name gw-01");
	expect_line("plugin_opt_bridge_client_id " BRIDGE_ID);
	expect_line("local_clientid " BRIDGE_ID);
	expect_line("plugin_opt_refclock_socket /run/chrony.iotntp.sock");
}

static void bridge_client_id_is_the_given_one_in_both_lines_only(void)
{
	struct frag_mosquitto m = sample();

	m.bridge_client_id = "operator's-own_id:1";
	render_mosquitto(&m);
	expect_line("plugin_opt_bridge_client_id operator's-own_id:1");
	expect_line("local_clientid operator's-own_id:1");
	int n = 0;
	for (const char *p = text; (p = strstr(p, "operator's-own_id:1")) != NULL; p++)
		n++;
	CU_ASSERT_EQUAL(n, 2);
}

static void fragment_says_why_the_bridge_client_id_is_random(void)
{
	struct frag_mosquitto m = sample();

	render_mosquitto(&m);
	const char *line = find_line(text, "plugin_opt_bridge_client_id " BRIDGE_ID);
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	/* In the comment right above the line, where whoever edits the id reads it. */
	const char *start = line;
	while (start > text) {
		const char *above = start - 1;
		while (above > text && above[-1] != '\n')
			above--;
		if (above[0] != '#')
			break;
		start = above;
	}
	char comment[1024];
	size_t n = (size_t)(line - start);
	CU_ASSERT_FATAL(n > 0 && n < sizeof(comment));
	memcpy(comment, start, n);
	comment[n] = '\0';
	CU_ASSERT_PTR_NOT_NULL(strstr(comment, "Random for each gateway"));
	CU_ASSERT_PTR_NOT_NULL(strstr(comment, "disconnect"));
	CU_ASSERT_PTR_NOT_NULL(strstr(comment, "never move the time"));
}

static void plugin_lines_come_before_the_bridge_section(void)
{
	struct frag_mosquitto m = sample();

	render_mosquitto(&m);
	/* mosquitto reads every line after "connection" as part of that bridge. */
	const char *connection = find_line(text, "connection iotplatform");
	CU_ASSERT_PTR_NOT_NULL_FATAL(connection);
	for (const char *p = text; (p = strstr(p, "\nplugin")) != NULL; p++)
		CU_ASSERT(p < connection);
	CU_ASSERT(find_line(text, "per_listener_settings false") < connection);
}

static void plugin_options_are_those_of_the_shipped_gateway_conf(void)
{
	struct frag_mosquitto m = sample();
	char *shipped = read_shipped("config/mosquitto/gateway.conf");
	int n = 0;

	render_mosquitto(&m);
	for (const char *p = text; (p = strstr(p, "\nplugin_opt_")) != NULL; p++) {
		char key[64];
		CU_ASSERT_FATAL(sscanf(p + 1, "%63s", key) == 1);
		char needle[80];
		snprintf(needle, sizeof(needle), "\n%s ", key);
		if (strstr(shipped, needle) == NULL) {
			fprintf(stderr, "\n  %s is not in config/mosquitto/gateway.conf\n", key);
			CU_FAIL("plugin option unknown to the shipped configuration");
		}
		n++;
	}
	CU_ASSERT(n >= 4);
	free(shipped);
}

static void bridge_id_lines_are_the_shipped_ones_given_its_example_id(void)
{
	struct frag_mosquitto m = sample();
	char *shipped = read_shipped("config/mosquitto/gateway.conf");
	char plugin_id[BRIDGE_ID_SIZE];
	char local_id[BRIDGE_ID_SIZE];
	char line[2 * BRIDGE_ID_SIZE];

	/* The shipped file keeps a readable example where the fragment has a random id. */
	value_of(shipped, "plugin_opt_bridge_client_id", plugin_id, sizeof(plugin_id));
	value_of(shipped, "local_clientid", local_id, sizeof(local_id));
	CU_ASSERT_STRING_EQUAL(plugin_id, local_id);
	m.bridge_client_id = plugin_id;
	render_mosquitto(&m);
	snprintf(line, sizeof(line), "plugin_opt_bridge_client_id %s", plugin_id);
	expect_line(line);
	snprintf(line, sizeof(line), "local_clientid %s", local_id);
	expect_line(line);
	free(shipped);
}

static struct platform_case *case_of(const char *name)
{
	for (size_t i = 0; i < N_CASES; i++) {
		if (strcmp(cases[i].name, name) == 0)
			return &cases[i];
	}
	CU_FAIL_FATAL("no such case");
	return NULL;
}

static int count_of(const char *haystack, const char *needle)
{
	int n = 0;

	for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void each_platforms_fragment_is_what_the_plugin_takes(void)
{
	for (size_t i = 0; i < N_CASES; i++) {
		struct frag_mosquitto m = sample_of(&cases[i]);
		struct opt_pair pairs[16];
		char keys[16][64], values[16][256];
		int n = 0;

		render_mosquitto(&m);
		/* Every plugin_opt_ line, as mosquitto hands it to the plugin. */
		for (const char *p = text; (p = strstr(p, "\nplugin_opt_")) != NULL; p++) {
			CU_ASSERT_FATAL(n < 16);
			CU_ASSERT_FATAL(sscanf(p + 12, "%63s %255s", keys[n], values[n]) == 2);
			pairs[n].key = keys[n];
			pairs[n].value = values[n];
			n++;
		}
		struct opt_config cfg;
		char err[256] = "";
		int rc = opt_parse(&cfg, pairs, n, err, sizeof(err));
		if (rc != 0)
			fprintf(stderr, "\n  %s: the plugin says: %s\n", cases[i].name, err);
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		CU_ASSERT_STRING_EQUAL(cfg.dialect->name, cases[i].name);
		CU_ASSERT_EQUAL(cfg.role, OPT_ROLE_SYNC);
		/* The bridge carries the topics the plugin sends and waits on, and the plugin
		 * trusts the bridge's client id. */
		char line[2 * OPT_MAX_TOPIC];
		snprintf(line, sizeof(line), "topic %s out %d", cfg.request_topic,
		         cfg.dialect->request_qos);
		expect_line(line);
		snprintf(line, sizeof(line), "topic %s in %d", cfg.response_topic,
		         cfg.dialect->request_qos);
		expect_line(line);
		snprintf(line, sizeof(line), "local_clientid %s", cfg.bridge_client_id);
		expect_line(line);
		CU_ASSERT_EQUAL(count_of(text, "\ntopic "), 2);
	}
}

static void only_another_platform_than_the_default_is_named(void)
{
	for (size_t i = 0; i < N_CASES; i++) {
		struct frag_mosquitto m = sample_of(&cases[i]);
		char line[64];

		render_mosquitto(&m);
		snprintf(line, sizeof(line), "plugin_opt_platform %s", cases[i].name);
		if (i == 0) {
			CU_ASSERT_PTR_NULL(strstr(text, "plugin_opt_platform"));
		} else {
			expect_line(line);
		}
	}
}

static void huawei_bridge_logs_in_with_the_hour_it_was_written(void)
{
	struct frag_mosquitto m = sample_of(case_of("huawei"));

	render_mosquitto(&m);
	expect_line("plugin_opt_device_id 6123_gw01");
	expect_line("address iot-mqtts.cn-north-4.myhuaweicloud.com:8883");
	expect_line("bridge_cafile /etc/ssl/iot/root.pem");
	expect_line("remote_clientid 6123_gw01_0_0_2025041401");
	expect_line("remote_username 6123_gw01");
	/* IoTDA's documented example: 12345678 keyed by 2025041401. */
	expect_line("remote_password "
	            "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a");
	expect_line("topic $oc/devices/6123_gw01/sys/events/up out 1");
	expect_line("topic $oc/devices/6123_gw01/sys/events/down in 1");
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "not\n# to check that hour"));
}

static void tuya_bridge_logs_in_with_a_signed_time(void)
{
	struct frag_mosquitto m = sample_of(case_of("tuya"));

	render_mosquitto(&m);
	expect_line("plugin_opt_device_id 6c828cba434ff40c074wF2");
	expect_line("remote_clientid tuyalink_6c828cba434ff40c074wF2");
	expect_line("remote_username 6c828cba434ff40c074wF2|signMethod=hmacSha256,"
	            "timestamp=1744592400,secureMode=1,accessType=1");
	/*
	 * printf %s deviceId=6c828cba434ff40c074wF2,timestamp=1744592400,secureMode=1,accessType=1
	 * | openssl dgst -sha256 -hmac tuyaSecret0123456789
	 */
	expect_line("remote_password "
	            "d69fd67546c963798030782641ce963f4fd39e02a23e8dca2bbba2e48aa23804");
	expect_line("topic tylink/6c828cba434ff40c074wF2/ext/time/request out 0");
	expect_line("topic tylink/6c828cba434ff40c074wF2/ext/time/response in 0");
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "write this file again"));
}

static void tencent_bridge_proves_the_key_by_tls_psk_without_a_ca(void)
{
	struct frag_mosquitto m = sample_of(case_of("tencent"));

	render_mosquitto(&m);
	expect_line("plugin_opt_product_id ABCDEFGHIJ");
	expect_line("plugin_opt_device_name gw01");
	expect_line("address ABCDEFGHIJ.iotcloud.tencentdevices.com:8883");
	expect_line("bridge_identity ABCDEFGHIJgw01");
	expect_line("bridge_psk 00112233445566778899aabbccddeeff");
	expect_line("bridge_tls_version tlsv1.2");
	expect_line("remote_clientid ABCDEFGHIJgw01");
	expect_line("remote_username ABCDEFGHIJgw01;21010406;a1b2c;9223372036854775807");
	expect_line("topic $sys/operation/ABCDEFGHIJ/gw01 out 0");
	expect_line("topic $sys/operation/result/ABCDEFGHIJ/gw01 in 0");
	/* mosquitto refuses a bridge with both a CA and a pre-shared key. */
	CU_ASSERT_PTR_NULL(strstr(text, "bridge_cafile"));
	CU_ASSERT_PTR_NULL(strstr(text, "bridge_insecure"));
	CU_ASSERT_PTR_NULL(strstr(text, "remote_password"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "holds the device's key"));
}

static void each_platforms_secret_appears_on_its_own_line_only(void)
{
	for (size_t i = 0; i < N_CASES; i++) {
		struct frag_mosquitto m = sample_of(&cases[i]);
		const char *secret = cases[i].login.password[0] != '\0' ? cases[i].login.password
		                                                        : cases[i].login.psk_hex;

		render_mosquitto(&m);
		CU_ASSERT_EQUAL(count_of(text, secret), 1);
		CU_ASSERT_PTR_NULL(strstr(text, cases[i].secret));
	}
}

static void the_login_comment_is_the_platforms(void)
{
	for (size_t i = 0; i < N_CASES; i++) {
		struct frag_mosquitto m = sample_of(&cases[i]);
		const char *first = m.platform->login_comment;
		char line[256];

		render_mosquitto(&m);
		snprintf(line, sizeof(line), "# %.*s", (int)strcspn(first, "\n"), first);
		expect_line(line);
	}
}

static void carried_topics_follow_the_time_topics_at_qos_1(void)
{
	struct frag_mosquitto m = sample_of(case_of("huawei"));
	const struct carry_topic carry[] = {
	    {CARRY_BOTH, "$oc/devices/6123_gw01/user/#"},
	    {CARRY_OUT, "$oc/devices/6123_gw01/sys/properties/report"},
	    {CARRY_IN, "$oc/devices/6123_gw01/sys/commands/#"},
	};

	m.carry = carry;
	m.n_carry = 3;
	render_mosquitto(&m);
	CU_ASSERT_EQUAL(count_of(text, "\ntopic "), 5);
	const char *time_line = find_line(text, "topic $oc/devices/6123_gw01/sys/events/down in 1");
	const char *first = find_line(text, "topic $oc/devices/6123_gw01/user/# both 1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(time_line);
	CU_ASSERT_PTR_NOT_NULL_FATAL(first);
	CU_ASSERT(first > time_line);
	expect_line("topic $oc/devices/6123_gw01/sys/properties/report out 1");
	expect_line("topic $oc/devices/6123_gw01/sys/commands/# in 1");
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "one connection per device"));
}

static void chrony_refclock_line_is_the_shipped_one(void)
{
	const char *const allow[] = {"192.168.1.0/24"};
	struct frag_chrony c = {FRAG_DEFAULT_SOCKET, allow, 1};
	char *shipped = read_shipped("config/chrony/iotntp.conf");

	render_chrony(&c);
	const char *line = strstr(shipped, "\nrefclock ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	size_t n = strcspn(line + 1, "\n");
	char refclock[256];
	CU_ASSERT_FATAL(n < sizeof(refclock));
	memcpy(refclock, line + 1, n);
	refclock[n] = '\0';
	expect_line(refclock);
	free(shipped);
}

static void chrony_fragment_allows_the_given_networks_only(void)
{
	const char *const allow[] = {"192.168.1.0/24", "fd00::/8"};
	struct frag_chrony c = {"/tmp/x.sock", allow, 2};

	render_chrony(&c);
	expect_line("allow 192.168.1.0/24");
	expect_line("allow fd00::/8");
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "refclock SOCK /tmp/x.sock refid IOT "));
	c.n_allow = 0;
	render_chrony(&c);
	CU_ASSERT_PTR_NULL(strstr(text, "allow"));
}

static void write_error_is_reported(void)
{
	char small[64];
	struct frag_mosquitto m = sample();
	const char *const allow[] = {"10.0.0.0/8"};
	struct frag_chrony c = {FRAG_DEFAULT_SOCKET, allow, 1};

	FILE *f = fmemopen(small, sizeof(small), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(frag_mosquitto_write(f, &m), -1);
	fclose(f);
	f = fmemopen(small, sizeof(small), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(frag_chrony_write(f, &c), -1);
	fclose(f);
}

static int init_fragments_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(mosquitto_fragment_has_the_tls_bridge_the_platform_needs),
	    RUNNER_TEST(mosquitto_fragment_signs_in_with_the_platforms_credentials),
	    RUNNER_TEST(password_appears_on_its_own_line_only),
	    RUNNER_TEST(mosquitto_fragment_carries_only_the_ntp_topics),
	    RUNNER_TEST(plugin_trusts_the_bridges_local_client_id),
	    RUNNER_TEST(bridge_client_id_is_the_given_one_in_both_lines_only),
	    RUNNER_TEST(fragment_says_why_the_bridge_client_id_is_random),
	    RUNNER_TEST(plugin_lines_come_before_the_bridge_section),
	    RUNNER_TEST(plugin_options_are_those_of_the_shipped_gateway_conf),
	    RUNNER_TEST(bridge_id_lines_are_the_shipped_ones_given_its_example_id),
	    RUNNER_TEST(each_platforms_fragment_is_what_the_plugin_takes),
	    RUNNER_TEST(only_another_platform_than_the_default_is_named),
	    RUNNER_TEST(huawei_bridge_logs_in_with_the_hour_it_was_written),
	    RUNNER_TEST(tuya_bridge_logs_in_with_a_signed_time),
	    RUNNER_TEST(tencent_bridge_proves_the_key_by_tls_psk_without_a_ca),
	    RUNNER_TEST(each_platforms_secret_appears_on_its_own_line_only),
	    RUNNER_TEST(the_login_comment_is_the_platforms),
	    RUNNER_TEST(carried_topics_follow_the_time_topics_at_qos_1),
	    RUNNER_TEST(chrony_refclock_line_is_the_shipped_one),
	    RUNNER_TEST(chrony_fragment_allows_the_given_networks_only),
	    RUNNER_TEST(write_error_is_reported),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("fragments", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_fragments_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	int rc = runner_run();
	free(text);
	return rc;
}
