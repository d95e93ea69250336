/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runner: the one way every unit test binary runs its CUnit registry.
 */
#ifndef IOTNTP_TEST_RUNNER_H
#define IOTNTP_TEST_RUNNER_H

#include <CUnit/CUnit.h>

/* One entry of a CU_TestInfo array: the function's name is the test's name. */
#define RUNNER_TEST(fn)                                                                            \
	{                                                                                          \
#fn, fn                                                                            \
	}

/* Adds a suite with its tests (a NULL-terminated CU_TestInfo array); returns 0 or -1. */
int runner_add_suite(const char *name, CU_TestInfo *tests);

/* Adds n to a figure (e.g. "bad_inputs") this binary reports to the test run's summary. */
void runner_add_figure(const char *key, unsigned long n);

/* Runs the registry with the basic interface, cleans it up; returns nonzero on any failure. */
int runner_run(void);

#endif
