/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for signature: the MQTT password the platform expects, checked against published
 * HMAC test vectors and a value computed with the openssl command line.
 */
#include <string.h>

#include "runner.h"
#include "signature.h"

static char hex[SIG_HEX_SIZE];

static void hmac_sha256_matches_rfc4231_test_case_2(void)
{
	const char *data = "what do ya want for nothing?";

	CU_ASSERT_EQUAL_FATAL(sig_hmac_hex(SIG_HMACSHA256, "Jefe", 4, data, strlen(data), hex), 0);
	CU_ASSERT_STRING_EQUAL(hex,
	                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void hmac_sha256_matches_rfc4231_test_case_1(void)
{
	unsigned char key[20];

	memset(key, 0x0b, sizeof(key));
	CU_ASSERT_EQUAL_FATAL(sig_hmac_hex(SIG_HMACSHA256, key, sizeof(key), "Hi There", 8, hex),
	                      0);
	CU_ASSERT_STRING_EQUAL(hex,
	                       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

static void hmac_sha1_matches_rfc2202_test_case_2(void)
{
	const char *data = "what do ya want for nothing?";

	CU_ASSERT_EQUAL_FATAL(sig_hmac_hex(SIG_HMACSHA1, "Jefe", 4, data, strlen(data), hex), 0);
	CU_ASSERT_STRING_EQUAL(hex, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

static void content_names_each_parameter_in_alphabetical_order(void)
{
	char buf[128];

	CU_ASSERT_EQUAL(sig_content(buf, sizeof(buf), "cid", "dn", "pk"), 35);
	CU_ASSERT_STRING_EQUAL(buf, "clientIdciddeviceNamednproductKeypk");
}

static void content_that_does_not_fit_is_refused(void)
{
	char buf[16];

	CU_ASSERT_EQUAL(sig_content(buf, sizeof(buf), "cid", "dn", "pk"), -1);
}

static void password_equals_an_openssl_command_line_computation(void)
{
	/*
	 * printf %s clientIda1B2c3D4e5F.gw-01deviceNamegw-01productKeya1B2c3D4e5F |
	 *   openssl dgst -sha256 -hmac s3cr3tDeviceSecret0123456789abcd
	 */
	CU_ASSERT_EQUAL_FATAL(sig_password(SIG_HMACSHA256, "s3cr3tDeviceSecret0123456789abcd",
	                                   "a1B2c3D4e5F.gw-01", "gw-01", "a1B2c3D4e5F", hex),
	                      0);
	CU_ASSERT_STRING_EQUAL(hex,
	                       "0650adb1f7a19bdad37d31536d870522ac8717e7c213f0e0a714b9eaed719e52");
}

static void password_is_the_hmac_of_the_content(void)
{
	char content[128];
	char direct[SIG_HEX_SIZE];
	int n = sig_content(content, sizeof(content), "id-1", "dev_1", "pk1");

	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL_FATAL(sig_hmac_hex(SIG_HMACSHA1, "key", 3, content, (size_t)n, direct), 0);
	CU_ASSERT_EQUAL_FATAL(sig_password(SIG_HMACSHA1, "key", "id-1", "dev_1", "pk1", hex), 0);
	CU_ASSERT_STRING_EQUAL(hex, direct);
	CU_ASSERT_EQUAL(strlen(hex), 40);
}

static void each_identity_field_changes_the_password(void)
{
	char base[SIG_HEX_SIZE];

	sig_password(SIG_HMACSHA256, "secret", "c", "d", "p", base);
	sig_password(SIG_HMACSHA256, "secreT", "c", "d", "p", hex);
	CU_ASSERT_STRING_NOT_EQUAL(hex, base);
	sig_password(SIG_HMACSHA256, "secret", "C", "d", "p", hex);
	CU_ASSERT_STRING_NOT_EQUAL(hex, base);
	sig_password(SIG_HMACSHA256, "secret", "c", "D", "p", hex);
	CU_ASSERT_STRING_NOT_EQUAL(hex, base);
	sig_password(SIG_HMACSHA256, "secret", "c", "d", "P", hex);
	CU_ASSERT_STRING_NOT_EQUAL(hex, base);
	sig_password(SIG_HMACSHA1, "secret", "c", "d", "p", hex);
	CU_ASSERT_STRING_NOT_EQUAL(hex, base);
}

static void method_names_are_the_platforms_and_nothing_else(void)
{
	enum sig_method m = SIG_HMACSHA1;
	const char *bad[] = {"", "HMACSHA256", "hmacsha256 ", "hmacmd5", "sha256", "hmacsha"};

	CU_ASSERT_EQUAL(sig_method_parse("hmacsha256", &m), 0);
	CU_ASSERT_EQUAL(m, SIG_HMACSHA256);
	CU_ASSERT_EQUAL(sig_method_parse("hmacsha1", &m), 0);
	CU_ASSERT_EQUAL(m, SIG_HMACSHA1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(sig_method_parse(bad[i], &m), -1);
	CU_ASSERT_STRING_EQUAL(sig_method_name(SIG_HMACSHA256), "hmacsha256");
	CU_ASSERT_STRING_EQUAL(sig_method_name(SIG_HMACSHA1), "hmacsha1");
}

static int init_signature_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(hmac_sha256_matches_rfc4231_test_case_2),
	    RUNNER_TEST(hmac_sha256_matches_rfc4231_test_case_1),
	    RUNNER_TEST(hmac_sha1_matches_rfc2202_test_case_2),
	    RUNNER_TEST(content_names_each_parameter_in_alphabetical_order),
	    RUNNER_TEST(content_that_does_not_fit_is_refused),
	    RUNNER_TEST(password_equals_an_openssl_command_line_computation),
	    RUNNER_TEST(password_is_the_hmac_of_the_content),
	    RUNNER_TEST(each_identity_field_changes_the_password),
	    RUNNER_TEST(method_names_are_the_platforms_and_nothing_else),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("signature", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_signature_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
