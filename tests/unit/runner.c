#include "runner.h"

#include <CUnit/Basic.h>
#include <stdio.h>

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
	return failures != 0 ? 1 : 0;
}
