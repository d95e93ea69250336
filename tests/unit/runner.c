/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "runner.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUNNER_MAX_FIGURES 8

static struct {
	const char *key;
	unsigned long n;
} figures[RUNNER_MAX_FIGURES];

int runner_add_suite(const char *name, CU_TestInfo *tests)
{
	CU_pSuite suite = CU_add_suite(name, NULL, NULL);
	if (suite == NULL)
		return -1;
	for (CU_TestInfo *t = tests; t->pName != NULL; t++) {
		if (CU_add_test(suite, t->pName, t->pTestFunc) == NULL)
			return -1;
	}
	return 0;
}

void runner_add_figure(const char *key, unsigned long n)
{
	for (int i = 0; i < RUNNER_MAX_FIGURES; i++) {
		if (figures[i].key == NULL || strcmp(figures[i].key, key) == 0) {
			figures[i].key = key;
			figures[i].n += n;
			return;
		}
	}
}

/* Appends "KEY N" lines to $IOTNTP_FIGURES/<program>.txt, as tests/lib/figures.sh does. */
static void write_figures(const char *program)
{
	const char *dir = getenv("IOTNTP_FIGURES");
	char path[4096];

	if (dir == NULL || figures[0].key == NULL)
		return;
	const char *base = strrchr(program, '/');
	base = base != NULL ? base + 1 : program;
	snprintf(path, sizeof(path), "%s/%s.txt", dir, base);
	FILE *f = fopen(path, "a");
	if (f == NULL)
		return;
	for (int i = 0; i < RUNNER_MAX_FIGURES && figures[i].key != NULL; i++)
		fprintf(f, "%s %lu\n", figures[i].key, figures[i].n);
	fclose(f);
}

int runner_run(void)
{
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_ErrorCode err = CU_basic_run_tests();
	unsigned failures = CU_get_number_of_failure_records();
	unsigned run = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	if (err != CUE_SUCCESS) {
		fprintf(stderr, "CUnit error %d\n", (int)err);
		return 1;
	}
	if (run == 0) {
		fprintf(stderr, "no test ran\n");
		return 1;
	}
	if (failures == 0)
		write_figures(program_invocation_name);
	return failures != 0 ? 1 : 0;
}
