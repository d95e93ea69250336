/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for credentials: each platform's login, checked against the platforms' worked
 * examples and against values computed with the openssl command line.
 */
#include <stdio.h>
#include <string.h>

#include "credentials.h"
#include "runner.h"

static char err[256];

static const struct crd_platform *p_of(const char *name)
{
	const struct crd_platform *p = crd_find(name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	return p;
}

static void each_platform_is_found_by_its_name_and_no_other_name_is(void)
{
	const char *names[] = {"aliyun", "huawei", "tuya", "tencent"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		CU_ASSERT_PTR_EQUAL(crd_find(names[i]), crd_all[i]);
		CU_ASSERT_STRING_EQUAL(crd_all[i]->name, names[i]);
		CU_ASSERT(crd_all[i]->check != NULL && crd_all[i]->check_secret != NULL &&
		          crd_all[i]->sign != NULL);
		CU_ASSERT(crd_all[i]->keepalive_min <= crd_all[i]->keepalive_max);
		/* Every platform names its device; the command line and the plugin alike. */
		CU_ASSERT(crd_all[i]->device.option != NULL && crd_all[i]->device.plugin != NULL);
		CU_ASSERT((crd_all[i]->product.option == NULL) ==
		          (crd_all[i]->product.plugin == NULL));
		CU_ASSERT((crd_all[i]->host == NULL) == (crd_all[i]->regions == NULL));
		CU_ASSERT(crd_all[i]->login_comment != NULL && crd_all[i]->title != NULL);
	}
	CU_ASSERT_PTR_NULL(crd_all[4]);
	CU_ASSERT_PTR_NULL(crd_find("aws"));
	CU_ASSERT_PTR_NULL(crd_find(NULL));
	char list[64];
	crd_names(list, sizeof(list));
	CU_ASSERT_STRING_EQUAL(list, "aliyun, huawei, tuya or tencent");
}

static void each_platform_states_its_documented_limits(void)
{
	CU_ASSERT(p_of("aliyun")->keepalive_min == 30 && p_of("aliyun")->keepalive_max == 1200);
	CU_ASSERT(p_of("tuya")->keepalive_min == 30 && p_of("tuya")->keepalive_max == 1200);
	CU_ASSERT(p_of("tencent")->keepalive_min == 0 && p_of("tencent")->keepalive_max == 900);
	CU_ASSERT_EQUAL(p_of("huawei")->publish_per_s, 50);
	CU_ASSERT_EQUAL(p_of("tencent")->publish_per_s, 30);
	CU_ASSERT_EQUAL(p_of("huawei")->clock, CRD_CLOCK_UNCHECKED);
	CU_ASSERT_EQUAL(p_of("tuya")->clock, CRD_CLOCK_UNKNOWN);
	CU_ASSERT_EQUAL(p_of("tencent")->clock, CRD_CLOCK_FAR_EXPIRY);
	CU_ASSERT_EQUAL(p_of("aliyun")->clock, CRD_CLOCK_NONE);
	/* Each over TLS on 8883: Tencent's with the device key as pre-shared key. */
	for (int i = 0; crd_all[i] != NULL; i++)
		CU_ASSERT_EQUAL(crd_all[i]->port, 8883);
	CU_ASSERT_EQUAL(p_of("tencent")->tls, CRD_TLS_PSK);
	CU_ASSERT_EQUAL(p_of("huawei")->tls, CRD_TLS_CERT);
}

static void aliyun_login_equals_an_openssl_command_line_computation(void)
{
	struct crd_identity who = {.product = "a1B2c3D4e5F", .device = "gw-01"};
	struct crd_login l;

	CU_ASSERT_EQUAL(p_of("aliyun")->check(&who, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(
	    p_of("aliyun")->check_secret("s3cr3tDeviceSecret0123456789abcd", err, sizeof(err)), 0);
	/*
	 * printf %s clientIda1B2c3D4e5F.gw-01deviceNamegw-01productKeya1B2c3D4e5F |
	 *   openssl dgst -sha256 -hmac s3cr3tDeviceSecret0123456789abcd
	 */
	CU_ASSERT_EQUAL_FATAL(
	    p_of("aliyun")->sign(&who, "s3cr3tDeviceSecret0123456789abcd", 0, NULL, &l), 0);
	CU_ASSERT_STRING_EQUAL(l.client_id,
	                       "a1B2c3D4e5F.gw-01|securemode=2,signmethod=hmacsha256|");
	CU_ASSERT_STRING_EQUAL(l.username, "gw-01&a1B2c3D4e5F");
	CU_ASSERT_STRING_EQUAL(l.password,
	                       "0650adb1f7a19bdad37d31536d870522ac8717e7c213f0e0a714b9eaed719e52");
	CU_ASSERT_STRING_EQUAL(l.psk_identity, "");
}

static void aliyun_login_takes_the_client_id_and_method_chosen(void)
{
	struct crd_identity who = {.product = "a1B2c3D4e5F",
	                           .device = "gw-01",
	                           .client_id = "00:11:22:33:44:55",
	                           .method = SIG_HMACSHA1};
	struct crd_login l;

	/*
	 * printf %s clientId00:11:22:33:44:55deviceNamegw-01productKeya1B2c3D4e5F |
	 *   openssl dgst -sha1 -hmac s3cr3tDeviceSecret0123456789abcd
	 */
	CU_ASSERT_EQUAL_FATAL(
	    p_of("aliyun")->sign(&who, "s3cr3tDeviceSecret0123456789abcd", 0, NULL, &l), 0);
	CU_ASSERT_STRING_EQUAL(l.client_id, "00:11:22:33:44:55|securemode=2,signmethod=hmacsha1|");
	CU_ASSERT_STRING_EQUAL(l.password, "fbb1576edf46ae92f4fe00a80859b7e53c0e41e1");
}

static void huawei_login_reproduces_the_documented_example(void)
{
	struct crd_identity who = {.device = "6123_gw01"};
	struct crd_login l;

	/* 2025-04-14T01:00:00Z and the last second of that hour sign with the same stamp. */
	CU_ASSERT_EQUAL_FATAL(p_of("huawei")->sign(&who, "12345678", 1744592400, NULL, &l), 0);
	CU_ASSERT_STRING_EQUAL(l.client_id, "6123_gw01_0_0_2025041401");
	CU_ASSERT_STRING_EQUAL(l.username, "6123_gw01");
	CU_ASSERT_STRING_EQUAL(l.password,
	                       "c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a");
	CU_ASSERT_EQUAL_FATAL(p_of("huawei")->sign(&who, "12345678", 1744595999, NULL, &l), 0);
	CU_ASSERT_STRING_EQUAL(l.client_id, "6123_gw01_0_0_2025041401");
}

static void huawei_stamp_is_the_hour_in_utc_as_documented(void)
{
	struct crd_identity who = {.device = "D39564861q3gDa"};
	struct crd_login l;

	/* The document's example: 2018/7/24 17:56:20 UTC gives D39564861q3gDa_0_0_2018072417. */
	CU_ASSERT_EQUAL_FATAL(p_of("huawei")->sign(&who, "secret", 1532454980, NULL, &l), 0);
	CU_ASSERT_STRING_EQUAL(l.client_id, "D39564861q3gDa_0_0_2018072417");
}

static void tuya_login_equals_an_openssl_command_line_computation(void)
{
	struct crd_identity who = {.device = "6c828cba434ff40c074wF2"};
	struct crd_login l;

	/*
	 * printf %s deviceId=6c828cba434ff40c074wF2,timestamp=1607635284,secureMode=1,accessType=1
	 * | openssl dgst -sha256 -hmac tuyaSecret0123456789
	 */
	CU_ASSERT_EQUAL_FATAL(
	    p_of("tuya")->sign(&who, "tuyaSecret0123456789", 1607635284, NULL, &l), 0);
	CU_ASSERT_STRING_EQUAL(l.client_id, "tuyalink_6c828cba434ff40c074wF2");
	CU_ASSERT_STRING_EQUAL(l.username, "6c828cba434ff40c074wF2|signMethod=hmacSha256,timestamp="
	                                   "1607635284,secureMode=1,accessType=1");
	CU_ASSERT_STRING_EQUAL(l.password,
	                       "9b18fac837500cd2c5fb453633c555f887d1544a72268d4af674656a9065871d");
}

static void tuya_refuses_to_sign_with_a_clock_that_cannot_be_right(void)
{
	struct crd_identity who = {.device = "6c828cba434ff40c074wF2"};
	struct crd_login l;

	CU_ASSERT_EQUAL(p_of("tuya")->sign(&who, "s", 0, NULL, &l), -1);
	CU_ASSERT_EQUAL(p_of("tuya")->sign(&who, "s", 1577836799, NULL, &l), -1);
	CU_ASSERT_EQUAL(p_of("tuya")->sign(&who, "s", 1577836800, NULL, &l), 0);
}

static void tencent_login_is_the_sdks_tls_psk_login(void)
{
	struct crd_identity who = {.product = "ABCDEFGHIJ", .device = "gw01"};
	struct crd_login l;

	CU_ASSERT_EQUAL(p_of("tencent")->check(&who, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(p_of("tencent")->check_secret("ABEiM0RVZneImaq7zN3u/w==", err, sizeof(err)),
	                0);
	CU_ASSERT_EQUAL_FATAL(
	    p_of("tencent")->sign(&who, "ABEiM0RVZneImaq7zN3u/w==", 1744592400, "a1b2c", &l), 0);
	CU_ASSERT_STRING_EQUAL(l.client_id, "ABCDEFGHIJgw01");
	CU_ASSERT_STRING_EQUAL(l.username, "ABCDEFGHIJgw01;21010406;a1b2c;9223372036854775807");
	/* Over TLS-PSK the SDK sends no password: the handshake proved the key. */
	CU_ASSERT_STRING_EQUAL(l.password, "");
	CU_ASSERT_STRING_EQUAL(l.psk_identity, "ABCDEFGHIJgw01");
	/* printf %s ABEiM0RVZneImaq7zN3u/w== | base64 -d | od -An -tx1 | tr -d ' \n' */
	CU_ASSERT_STRING_EQUAL(l.psk_hex, "00112233445566778899aabbccddeeff");
	/* Padding is not part of the key: base64 "Z3cwMQ==" is the 4-byte key "gw01". */
	CU_ASSERT_EQUAL_FATAL(p_of("tencent")->sign(&who, "Z3cwMQ==", 0, "a1b2c", &l), 0);
	CU_ASSERT_STRING_EQUAL(l.psk_hex, "67773031");
}

static void tencent_login_does_not_depend_on_the_clock(void)
{
	struct crd_identity who = {.product = "ABCDEFGHIJ", .device = "gw01"};
	struct crd_login early, late;

	CU_ASSERT_EQUAL_FATAL(p_of("tencent")->sign(&who, "Z3cwMQ==", 0, "a1b2c", &early), 0);
	CU_ASSERT_EQUAL_FATAL(p_of("tencent")->sign(&who, "Z3cwMQ==", 4102444800, "a1b2c", &late),
	                      0);
	CU_ASSERT_STRING_EQUAL(early.username, late.username);
	CU_ASSERT_STRING_EQUAL(early.psk_hex, late.psk_hex);
}

static void tencent_refuses_keys_that_are_not_base64(void)
{
	struct crd_identity who = {.product = "ABCDEFGHIJ", .device = "gw01"};
	struct crd_login l;
	const char *bad[] = {"", "abc", "a!cd", "====", "Z3cwMQ=", NULL};

	for (int i = 0; bad[i] != NULL; i++) {
		CU_ASSERT_EQUAL(p_of("tencent")->check_secret(bad[i], err, sizeof(err)), -1);
		CU_ASSERT_PTR_NULL(strstr(err, bad[i][0] != '\0' ? bad[i] : "never"));
		CU_ASSERT_EQUAL(p_of("tencent")->sign(&who, bad[i], 0, "a1b2c", &l), -1);
	}
	CU_ASSERT_EQUAL(p_of("tencent")->check_secret(NULL, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(p_of("tencent")->sign(&who, "Z3cwMQ==", 0, "abc", &l), -1);
}

static void nonces_are_letters_and_digits_and_differ(void)
{
	char a[CRD_NONCE_LEN + 1], b[CRD_NONCE_LEN + 1];
	int same = 0;

	for (int i = 0; i < 20; i++) {
		CU_ASSERT_EQUAL_FATAL(crd_nonce(a), 0);
		CU_ASSERT_EQUAL_FATAL(crd_nonce(b), 0);
		CU_ASSERT_EQUAL(strlen(a), CRD_NONCE_LEN);
		CU_ASSERT_EQUAL(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                          "0123456789"),
		                CRD_NONCE_LEN);
		same += strcmp(a, b) == 0;
	}
	/* 62^5 values: two equal in 20 draws would be chance of under one in 40000. */
	CU_ASSERT(same <= 1);
}

static void names_outside_each_platforms_rules_are_refused_with_a_reason(void)
{
	char long_name[200];

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	struct {
		const char *platform;
		struct crd_identity who;
		const char *says;
	} bad[] = {
	    {"aliyun", {.product = "a1B2c3D4e5F", .device = "gw"}, "--device-name"},
	    {"aliyun", {.product = "a1B2-3", .device = "gw-01"}, "--product-key"},
	    {"aliyun", {.device = "gw 01"}, "--device-name"},
	    {"aliyun", {.client_id = "a|b"}, "--client-id"},
	    {"huawei", {.device = "dev/1"}, "'/'"},
	    {"huawei", {.device = long_name}, "1 to 128"},
	    {"huawei", {.device = ""}, "--device-id is empty"},
	    {"tuya", {.device = "dev_1"}, "--device-id"},
	    {"tuya", {.device = long_name}, "--device-id"},
	    {"tencent", {.product = "ABCDEFGHIJ", .device = "gw/01"}, "--device-name"},
	    {"tencent", {.product = "ABC-1", .device = "gw01"}, "--product-id"},
	    {"tencent", {.device = "gw\t01"}, "byte 0x09"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(p_of(bad[i].platform)->check(&bad[i].who, err, sizeof(err)), -1);
		if (strstr(err, bad[i].says) == NULL) {
			fprintf(stderr, "\n  %s: \"%s\" does not say \"%s\"\n", bad[i].platform,
			        err, bad[i].says);
			CU_FAIL("refusal does not say why");
		}
	}
	/* The longest names allowed pass; a name not given is not checked here. */
	long_name[128] = '\0';
	struct crd_identity hw = {.device = long_name};
	CU_ASSERT_EQUAL(p_of("huawei")->check(&hw, err, sizeof(err)), 0);
	long_name[48] = '\0';
	struct crd_identity tc = {.product = "ABCDEFGHIJ", .device = long_name};
	CU_ASSERT_EQUAL(p_of("tencent")->check(&tc, err, sizeof(err)), 0);
	struct crd_identity tc_wide = {.product = "ABCDEFGHIJ", .device = "gw:01_a-b@c.d"};
	CU_ASSERT_EQUAL(p_of("tencent")->check(&tc_wide, err, sizeof(err)), 0);
	struct crd_identity none = {0};
	for (int i = 0; crd_all[i] != NULL; i++)
		CU_ASSERT_EQUAL(crd_all[i]->check(&none, err, sizeof(err)), 0);
	/* An empty secret is refused everywhere, naming what the platform calls it. */
	for (int i = 0; crd_all[i] != NULL; i++) {
		CU_ASSERT_EQUAL(crd_all[i]->check_secret("", err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, crd_all[i]->secret_word));
	}
}

static void endpoints_come_from_the_region_only_where_documented(void)
{
	struct crd_identity ali = {.product = "a1B2c3D4e5F", .device = "gw-01"};
	struct crd_identity tc = {.product = "ABCDEFGHIJ", .device = "gw01"};
	char host[256];

	CU_ASSERT_EQUAL(p_of("aliyun")->host(&ali, "cn-shanghai", host, sizeof(host)), 0);
	CU_ASSERT_STRING_EQUAL(host, "a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com");
	CU_ASSERT_EQUAL(p_of("tencent")->host(&tc, "ap-guangzhou", host, sizeof(host)), 0);
	CU_ASSERT_STRING_EQUAL(host, "ABCDEFGHIJ.iotcloud.tencentdevices.com");
	CU_ASSERT_EQUAL(p_of("tencent")->host(&tc, "ap-beijing", host, sizeof(host)), -1);
	CU_ASSERT_EQUAL(p_of("tencent")->host(&tc, "ap-guangzhou", host, 10), -1);
	/* Huawei and Tuya give each instance or data centre its own: --host. */
	CU_ASSERT_PTR_NULL(p_of("huawei")->host);
	CU_ASSERT_PTR_NULL(p_of("tuya")->host);
}

static void a_login_that_does_not_fit_is_refused(void)
{
	char long_name[400];
	struct crd_login l;

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	struct crd_identity who = {.device = long_name};
	CU_ASSERT_EQUAL(p_of("huawei")->sign(&who, "12345678", 1744592400, NULL, &l), -1);
	CU_ASSERT_EQUAL(p_of("tuya")->sign(&who, "s", 1744592400, NULL, &l), -1);
}

static CU_TestInfo tests[] = {
    RUNNER_TEST(each_platform_is_found_by_its_name_and_no_other_name_is),
    RUNNER_TEST(each_platform_states_its_documented_limits),
    RUNNER_TEST(aliyun_login_equals_an_openssl_command_line_computation),
    RUNNER_TEST(aliyun_login_takes_the_client_id_and_method_chosen),
    RUNNER_TEST(huawei_login_reproduces_the_documented_example),
    RUNNER_TEST(huawei_stamp_is_the_hour_in_utc_as_documented),
    RUNNER_TEST(tuya_login_equals_an_openssl_command_line_computation),
    RUNNER_TEST(tuya_refuses_to_sign_with_a_clock_that_cannot_be_right),
    RUNNER_TEST(tencent_login_is_the_sdks_tls_psk_login),
    RUNNER_TEST(tencent_login_does_not_depend_on_the_clock),
    RUNNER_TEST(tencent_refuses_keys_that_are_not_base64),
    RUNNER_TEST(nonces_are_letters_and_digits_and_differ),
    RUNNER_TEST(names_outside_each_platforms_rules_are_refused_with_a_reason),
    RUNNER_TEST(endpoints_come_from_the_region_only_where_documented),
    RUNNER_TEST(a_login_that_does_not_fit_is_refused),
    CU_TEST_INFO_NULL,
};

static int init_credentials_tests(void)
{
	return runner_add_suite("credentials", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_credentials_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
