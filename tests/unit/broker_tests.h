/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The broker adapters' test suites, one per file, chained in test_broker.c's runner.
 */
#ifndef IOTNTP_BROKER_TESTS_H
#define IOTNTP_BROKER_TESTS_H

/* Each adds its suite to the CUnit registry; returns 0 or -1. */
int init_broker_sync_tests(void);
int init_broker_route_tests(void);
int init_broker_serve_tests(void);
int init_broker_plugin_tests(void);

#endif
