/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for ca_file: the bridge's CA file must exist and hold a PEM certificate.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ca_file.h"
#include "runner.h"

/* A self-signed P-256 certificate; its dates do not matter, they are not checked. */
static const char test_ca_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBkDCCATegAwIBAgIUJZQ4mCOvk998kldLSQgTsn2RZMwwCgYIKoZIzj0EAwIw\n"
    "HjEcMBoGA1UEAwwTaW90bnRwLXVuaXQtdGVzdC1jYTAeFw0yNjExMjQyMjI2MzNa\n"
    "Fw0zNjExMjEyMjI2MzNaMB4xHDAaBgNVBAMME2lvdG50cC11bml0LXRlc3QtY2Ew\n"
    "WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARnlMESCgDiAHIiu06SM/dR3HsWX1an\n"
    "oSAvdW938eexB1eE2JEC44CA+uJkTO3mRPaGs5uTn1EhMde1j3tIaZ1jo1MwUTAd\n"
    "BgNVHQ4EFgQUCU79vyquR65csGSpvnYMqTRafwowHwYDVR0jBBgwFoAUCU79vyqu\n"
    "R65csGSpvnYMqTRafwowDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBE\n"
    "AiBU7VGluMXTrP7ZDYTEWFeWow6xFA5NC61xUIhpqrHBPQIgDdwWd3viJouzXq7w\n"
    "o6TLeTwykjY5bZxrKphkNTUgylA=\n"
    "-----END CERTIFICATE-----\n";

static char dir[] = "/tmp/iotntp-test-ca.XXXXXX";
static char path[PATH_MAX];
static char abs_path[PATH_MAX];
static char err[512];

static const char *write_file(const char *name, const char *text)
{
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static int check(const char *p)
{
	err[0] = '\0';
	abs_path[0] = '\0';
	return ca_file_check(p, abs_path, sizeof(abs_path), err, sizeof(err));
}

static void pem_certificate_is_accepted_with_its_absolute_path(void)
{
	const char *p = write_file("ca.pem", test_ca_pem);

	CU_ASSERT_EQUAL(check(p), 0);
	CU_ASSERT_STRING_EQUAL(abs_path, p);
}

static void relative_path_becomes_absolute(void)
{
	char cwd[PATH_MAX];

	write_file("ca.pem", test_ca_pem);
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof(cwd)));
	CU_ASSERT_EQUAL_FATAL(chdir(dir), 0);
	CU_ASSERT_EQUAL(check("./ca.pem"), 0);
	CU_ASSERT_EQUAL(abs_path[0], '/');
	CU_ASSERT_PTR_NOT_NULL(strstr(abs_path, "/ca.pem"));
	CU_ASSERT_EQUAL(chdir(cwd), 0);
}

static void missing_file_and_directory_are_refused(void)
{
	CU_ASSERT_EQUAL(check("/nonexistent/ca.pem"), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/ca.pem"));
	CU_ASSERT_EQUAL(check(dir), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a regular file"));
	runner_add_figure("bad_inputs", 2);
}

static void file_without_a_certificate_is_refused(void)
{
	CU_ASSERT_EQUAL(check(write_file("empty.pem", "")), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no PEM certificate"));
	CU_ASSERT_EQUAL(check(write_file("text.pem", "not a certificate\n")), -1);
	CU_ASSERT_EQUAL(check(write_file("cut.pem", "-----BEGIN CERTIFICATE-----\nMIIBkDCC\n")),
	                -1);
	runner_add_figure("bad_inputs", 3);
}

static void cleanup(void)
{
	const char *names[] = {"ca.pem", "empty.pem", "text.pem", "cut.pem"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static int init_ca_file_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(pem_certificate_is_accepted_with_its_absolute_path),
	    RUNNER_TEST(relative_path_becomes_absolute),
	    RUNNER_TEST(missing_file_and_directory_are_refused),
	    RUNNER_TEST(file_without_a_certificate_is_refused),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("ca_file", tests);
}

int main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_ca_file_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	int rc = runner_run();
	cleanup();
	return rc;
}
