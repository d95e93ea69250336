/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for secret: the DeviceSecret read from a file, one line, never shown in a message.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "secret.h"

static char buf[SECRET_SIZE];
static char err[512];

/* Reads the secret from len bytes of data, as if from a file named "test". */
static int read_bytes(const char *data, size_t len)
{
	FILE *f = fmemopen((void *)data, len, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	memset(buf, 'X', sizeof(buf));
	err[0] = '\0';
	int rc = secret_read(f, "test", buf, err, sizeof(err));
	fclose(f);
	return rc;
}

static int read_text(const char *text)
{
	return read_bytes(text, strlen(text));
}

/* Expects the input refused with a message that names the source and leaks none of it. */
static void expect_refused(const char *data, size_t len, const char *leak)
{
	CU_ASSERT_EQUAL(read_bytes(data, len), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "test"));
	if (leak != NULL)
		CU_ASSERT_PTR_NULL(strstr(err, leak));
	runner_add_figure("bad_inputs", 1);
}

static void one_line_is_read_without_its_line_ending(void)
{
	CU_ASSERT_EQUAL(read_text("Zx9secret\n"), 0);
	CU_ASSERT_STRING_EQUAL(buf, "Zx9secret");
	CU_ASSERT_EQUAL(read_text("Zx9secret\r\n"), 0);
	CU_ASSERT_STRING_EQUAL(buf, "Zx9secret");
	CU_ASSERT_EQUAL(read_text("Zx9secret"), 0);
	CU_ASSERT_STRING_EQUAL(buf, "Zx9secret");
}

static void empty_input_and_a_bare_newline_are_refused(void)
{
	expect_refused("", 0, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "empty"));
	expect_refused("\n", 1, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "empty"));
	expect_refused("\r\n", 2, NULL);
}

static void secret_of_the_longest_length_is_read_and_one_more_is_refused(void)
{
	char data[SECRET_MAX + 3];

	memset(data, 'k', sizeof(data));
	data[SECRET_MAX] = '\n';
	CU_ASSERT_EQUAL(read_bytes(data, SECRET_MAX + 1), 0);
	CU_ASSERT_EQUAL(strlen(buf), SECRET_MAX);
	memset(data, 'k', sizeof(data));
	expect_refused(data, SECRET_MAX + 1, "kkkk");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "longer"));
	expect_refused(data, sizeof(data), "kkkk");
}

static void second_line_space_or_control_character_is_refused(void)
{
	expect_refused("hunter2\nmore\n", 13, "hunter2");
	expect_refused("hunter2 x", 9, "hunter2");
	expect_refused("hunter2\t", 8, "hunter2");
	expect_refused("hun\0ter2", 8, "hun");
	expect_refused("hunter2\x7f", 8, "hunter2");
	expect_refused(" hunter2", 8, "hunter2");
}

static void refused_secret_leaves_the_buffer_untouched(void)
{
	expect_refused("bad secret", 10, "bad secret");
	CU_ASSERT_EQUAL(buf[0], 'X');
}

static void missing_file_is_named_in_the_error(void)
{
	err[0] = '\0';
	CU_ASSERT_EQUAL(secret_load("/nonexistent/iotntp-secret", buf, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/iotntp-secret"));
	runner_add_figure("bad_inputs", 1);
}

static void file_is_read_like_a_stream(void)
{
	char path[] = "/tmp/iotntp-test-secret.XXXXXX";
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("FileSecret42\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(secret_load(path, buf, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "FileSecret42");
	unlink(path);
}

static void wipe_clears_the_buffer(void)
{
	char s[16] = "hunter2";

	secret_wipe(s, sizeof(s));
	for (size_t i = 0; i < sizeof(s); i++)
		CU_ASSERT_EQUAL(s[i], 0);
}

static int init_secret_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(one_line_is_read_without_its_line_ending),
	    RUNNER_TEST(empty_input_and_a_bare_newline_are_refused),
	    RUNNER_TEST(secret_of_the_longest_length_is_read_and_one_more_is_refused),
	    RUNNER_TEST(second_line_space_or_control_character_is_refused),
	    RUNNER_TEST(refused_secret_leaves_the_buffer_untouched),
	    RUNNER_TEST(missing_file_is_named_in_the_error),
	    RUNNER_TEST(file_is_read_like_a_stream),
	    RUNNER_TEST(wipe_clears_the_buffer),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("secret", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_secret_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
