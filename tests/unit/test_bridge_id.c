/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for bridge_id: the random client id of the gateway's bridge, and the ids an
 * operator may give instead.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge_id.h"
#include "runner.h"

#define HEX_DIGITS (2 * BRIDGE_ID_RANDOM_BYTES)
#define N_IDS      1000

static char err[256];

/* Whether id is the prefix and exactly 32 lower-case hex digits. */
static bool has_generated_shape(const char *id)
{
	size_t n = strlen(BRIDGE_ID_PREFIX);

	if (strncmp(id, BRIDGE_ID_PREFIX, n) != 0 || strlen(id) != n + HEX_DIGITS)
		return false;
	return strspn(id + n, "0123456789abcdef") == HEX_DIGITS;
}

static int check(const char *id)
{
	err[0] = '\0';
	return bridge_id_check(id, err, sizeof(err));
}

/* Expects id refused with a message holding want; counts it as a bad input tried. */
static void expect_refused(const char *id, const char *want)
{
	if (check(id) != -1) {
		fprintf(stderr, "\n  '%s' accepted\n", id);
		CU_FAIL("bad bridge client id accepted");
		return;
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--bridge-client-id"));
	if (strstr(err, want) == NULL) {
		fprintf(stderr, "\n  error \"%s\" does not say \"%s\"\n", err, want);
		CU_FAIL("refusal does not say why");
	}
	runner_add_figure("bad_inputs", 1);
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void known_bytes_are_written_as_lower_case_hex_after_the_prefix(void)
{
	unsigned char bytes[BRIDGE_ID_RANDOM_BYTES];
	char id[BRIDGE_ID_SIZE];

	for (int i = 0; i < BRIDGE_ID_RANDOM_BYTES; i++)
		bytes[i] = (unsigned char)(i * 0x11);
	bridge_id_format(bytes, id);
	CU_ASSERT_STRING_EQUAL(id, "iotntp-bridge-00112233445566778899aabbccddeeff");
	memset(bytes, 0, sizeof(bytes));
	bytes[0] = 0x0f;
	bytes[BRIDGE_ID_RANDOM_BYTES - 1] = 0xf0;
	bridge_id_format(bytes, id);
	CU_ASSERT_STRING_EQUAL(id, "iotntp-bridge-0f0000000000000000000000000000f0");
}

static void formatted_id_gives_back_every_byte(void)
{
	unsigned char bytes[BRIDGE_ID_RANDOM_BYTES];
	char id[BRIDGE_ID_SIZE];

	srandom(20240611);
	for (int round = 0; round < 10000; round++) {
		for (int i = 0; i < BRIDGE_ID_RANDOM_BYTES; i++)
			bytes[i] = (unsigned char)random();
		bridge_id_format(bytes, id);
		CU_ASSERT_FATAL(has_generated_shape(id));
		const char *hex = id + strlen(BRIDGE_ID_PREFIX);
		for (int i = 0; i < BRIDGE_ID_RANDOM_BYTES; i++) {
			unsigned back;
			CU_ASSERT_FATAL(sscanf(hex + 2 * i, "%2x", &back) == 1);
			CU_ASSERT_EQUAL_FATAL(back, bytes[i]);
		}
	}
}

static void generated_ids_have_the_shape_and_never_repeat(void)
{
	static char ids[N_IDS][BRIDGE_ID_SIZE];

	for (int i = 0; i < N_IDS; i++) {
		CU_ASSERT_EQUAL_FATAL(bridge_id_generate(ids[i]), 0);
		if (!has_generated_shape(ids[i])) {
			fprintf(stderr, "\n  generated '%s'\n", ids[i]);
			CU_FAIL_FATAL("generated id has the wrong shape");
		}
	}
	qsort(ids, N_IDS, sizeof(ids[0]), compare_ids);
	for (int i = 1; i < N_IDS; i++)
		CU_ASSERT_NOT_EQUAL(strcmp(ids[i - 1], ids[i]), 0);
}

static void generated_id_passes_the_operators_check(void)
{
	char id[BRIDGE_ID_SIZE];

	CU_ASSERT_EQUAL_FATAL(bridge_id_generate(id), 0);
	CU_ASSERT_EQUAL(check(id), 0);
}

static void printable_ids_of_1_to_128_characters_are_accepted(void)
{
	char id[BRIDGE_ID_SIZE];
	char all[96];
	int n = 0;

	CU_ASSERT_EQUAL(check("iotntp-bridge"), 0);
	CU_ASSERT_EQUAL(check("x"), 0);
	memset(id, '~', BRIDGE_ID_MAX);
	id[BRIDGE_ID_MAX] = '\0';
	CU_ASSERT_EQUAL(check(id), 0);
	for (int c = 0x21; c < 0x7f; c++) {
		if (c != '+' && c != '#' && c != '/')
			all[n++] = (char)c;
	}
	all[n] = '\0';
	CU_ASSERT_EQUAL(check(all), 0);
}

static void empty_or_overlong_ids_are_refused(void)
{
	char id[BRIDGE_ID_SIZE + 1];

	expect_refused("", "empty");
	memset(id, 'a', BRIDGE_ID_MAX + 1);
	id[BRIDGE_ID_MAX + 1] = '\0';
	expect_refused(id, "129 characters");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "1 to 128"));
}

static void wildcards_slash_spaces_and_non_ascii_are_refused(void)
{
	expect_refused("iotntp+bridge", "'+'");
	expect_refused("iotntp#bridge", "'#'");
	expect_refused("iotntp/bridge", "'/'");
	expect_refused("iotntp bridge", "byte 0x20");
	expect_refused("iotntp\tbridge", "byte 0x09");
	expect_refused("bridge\x7f", "character 7, byte 0x7f");
	expect_refused("br\xc3\xbc"
	               "cke",
	               "character 3, byte 0xc3");
}

static int init_bridge_id_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(known_bytes_are_written_as_lower_case_hex_after_the_prefix),
	    RUNNER_TEST(formatted_id_gives_back_every_byte),
	    RUNNER_TEST(generated_ids_have_the_shape_and_never_repeat),
	    RUNNER_TEST(generated_id_passes_the_operators_check),
	    RUNNER_TEST(printable_ids_of_1_to_128_characters_are_accepted),
	    RUNNER_TEST(empty_or_overlong_ids_are_refused),
	    RUNNER_TEST(wildcards_slash_spaces_and_non_ascii_are_refused),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("bridge_id", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_bridge_id_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
