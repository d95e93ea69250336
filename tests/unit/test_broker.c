/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The broker adapters' unit tests (plugin/broker_*.c and the entry points), linked with
 * broker_stubs.c in place of the broker: no broker, no network.
 */
#include "broker_tests.h"
#include "runner.h"

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_broker_plugin_tests() != 0 || init_broker_route_tests() != 0 ||
	    init_broker_sync_tests() != 0 || init_broker_serve_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
