/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for identity: the ProductKey, DeviceName and client id the platform allows.
 */
#include <stdio.h>
#include <string.h>

#include "identity.h"
#include "runner.h"

static char err[256];

static int check(enum id_kind kind, const char *value)
{
	err[0] = '\0';
	return id_check(kind, value, err, sizeof(err));
}

/* Expects value refused with a message naming option; counts it as a bad input tried. */
static void expect_refused(enum id_kind kind, const char *value, const char *option)
{
	if (check(kind, value) != -1) {
		fprintf(stderr, "\n  '%s' accepted\n", value);
		CU_FAIL("bad name accepted");
		return;
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(err, option));
	runner_add_figure("bad_inputs", 1);
}

static void platform_style_names_are_accepted(void)
{
	CU_ASSERT_EQUAL(check(ID_PRODUCT_KEY, "a1B2c3D4e5F"), 0);
	CU_ASSERT_EQUAL(check(ID_DEVICE_NAME, "gw-01"), 0);
	CU_ASSERT_EQUAL(check(ID_DEVICE_NAME, "dev_1.a@b:c"), 0);
	CU_ASSERT_EQUAL(check(ID_CLIENT_ID, "a1B2c3D4e5F.gw-01"), 0);
	CU_ASSERT_EQUAL(check(ID_CLIENT_ID, "00:11:22:33:44:55"), 0);
}

static void empty_names_are_refused_naming_the_option(void)
{
	expect_refused(ID_PRODUCT_KEY, "", "--product-key");
	expect_refused(ID_DEVICE_NAME, "", "--device-name");
	expect_refused(ID_CLIENT_ID, "", "--client-id");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "empty"));
}

static void device_name_is_4_to_32_characters(void)
{
	char name[40];

	expect_refused(ID_DEVICE_NAME, "abc", "--device-name");
	CU_ASSERT_EQUAL(check(ID_DEVICE_NAME, "abcd"), 0);
	memset(name, 'x', 32);
	name[32] = '\0';
	CU_ASSERT_EQUAL(check(ID_DEVICE_NAME, name), 0);
	name[32] = 'x';
	name[33] = '\0';
	expect_refused(ID_DEVICE_NAME, name, "--device-name");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "4 to 32"));
}

static void overlong_product_key_and_client_id_are_refused(void)
{
	char name[80];

	memset(name, 'a', sizeof(name));
	name[ID_PRODUCT_KEY_MAX] = '\0';
	CU_ASSERT_EQUAL(check(ID_PRODUCT_KEY, name), 0);
	name[ID_PRODUCT_KEY_MAX] = 'a';
	name[ID_PRODUCT_KEY_MAX + 1] = '\0';
	expect_refused(ID_PRODUCT_KEY, name, "--product-key");
	memset(name, 'a', sizeof(name));
	name[ID_CLIENT_ID_MAX] = '\0';
	CU_ASSERT_EQUAL(check(ID_CLIENT_ID, name), 0);
	name[ID_CLIENT_ID_MAX] = 'a';
	name[ID_CLIENT_ID_MAX + 1] = '\0';
	expect_refused(ID_CLIENT_ID, name, "--client-id");
}

static void product_key_takes_letters_and_digits_only(void)
{
	const char *bad[] = {"a-b1", "a_b1", "a.b1", "a@b1", "a:b1"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(ID_PRODUCT_KEY, bad[i], "--product-key");
}

static void characters_outside_the_platform_set_are_refused(void)
{
	const char *bad[] = {"gw/01", "gw+01", "gw#01", "gw 01",      "gw|01",  "gw,01",
	                     "gw&01", "gw=01", "gw\"1", "gw\xc3\xa4", "gw\t01", "gw\n01"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_refused(ID_DEVICE_NAME, bad[i], "--device-name");
		expect_refused(ID_CLIENT_ID, bad[i], "--client-id");
		expect_refused(ID_PRODUCT_KEY, bad[i], "--product-key");
	}
}

static void refused_character_is_named_by_position(void)
{
	expect_refused(ID_DEVICE_NAME, "gw#01", "--device-name");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "character 3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'#'"));
}

static void control_character_is_shown_as_a_code_not_raw(void)
{
	expect_refused(ID_DEVICE_NAME, "ab\x1b[2Jcd", "--device-name");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "0x1b"));
	CU_ASSERT_PTR_NULL(strchr(err, '\x1b'));
}

static void error_fits_a_small_buffer(void)
{
	char small[8];

	CU_ASSERT_EQUAL(id_check(ID_DEVICE_NAME, "bad name!", small, sizeof(small)), -1);
	CU_ASSERT_EQUAL(strlen(small), sizeof(small) - 1);
}

static int init_identity_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(platform_style_names_are_accepted),
	    RUNNER_TEST(empty_names_are_refused_naming_the_option),
	    RUNNER_TEST(device_name_is_4_to_32_characters),
	    RUNNER_TEST(overlong_product_key_and_client_id_are_refused),
	    RUNNER_TEST(product_key_takes_letters_and_digits_only),
	    RUNNER_TEST(characters_outside_the_platform_set_are_refused),
	    RUNNER_TEST(refused_character_is_named_by_position),
	    RUNNER_TEST(control_character_is_shown_as_a_code_not_raw),
	    RUNNER_TEST(error_fits_a_small_buffer),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("identity", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_identity_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
