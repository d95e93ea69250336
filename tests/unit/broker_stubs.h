/* SPDX-License-Identifier: Apache-2.0 */
/*
 * broker_stubs: the few mosquitto_* functions the broker adapters call, replaced at link time,
 * and the clocks they read, so that plugin/broker_*.c run in a unit test with no broker.
 *
 * The stubs record what the adapters register, publish and log; the test plays the broker:
 * it delivers messages and ticks to the registered callbacks, and moves the clocks.
 *
 * The clocks: plugin/broker_clock.h reads them with clock_gettime() and ntp_adjtime() from
 * static inline functions. The test binary is linked with -Wl,--wrap for both, so those calls
 * land in __wrap_clock_gettime() and __wrap_ntp_adjtime() here; the plugin is unchanged.
 */
#ifndef IOTNTP_BROKER_STUBS_H
#define IOTNTP_BROKER_STUBS_H

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <stdbool.h>
#include <stdint.h>

/* A client as the stubbed broker shows it to the plugin; the real struct is the broker's. */
struct mosquitto {
	const char *id;      /* NULL: none */
	const char *address; /* NULL: no network address, as the broker's own bridge */
	int protocol;        /* enum mosquitto_protocol */
};

#define STUB_MAX_TEXT      512
#define STUB_MAX_PAYLOAD   4096 /* the status is the largest: STS_BUF_SIZE */
#define STUB_MAX_PUBLISHED 256
#define STUB_MAX_LOG       256

/* One mosquitto_broker_publish_copy() call. */
struct stub_publish {
	bool to_client;                /* a client id was given: that client alone */
	char client_id[STUB_MAX_TEXT]; /* when to_client */
	char topic[STUB_MAX_TEXT];
	char payload[STUB_MAX_PAYLOAD + 1]; /* NUL-terminated copy */
	int payloadlen;
	int qos;
	bool retain;
};

/* Forgets every record and callback, sets the clocks back to their start, the kernel to
 * unsynchronised and every registration to succeed. */
void stub_reset(void);

/* The identifier the test hands to the plugin's entry points. */
mosquitto_plugin_id_t *stub_plugin_id(void);

/* Makes the next registration for event fail with MOSQ_ERR_NOMEM. */
void stub_fail_next_register(int event);

/* Callbacks registered now for event. */
int stub_registered(int event);

/* Successful registrations and unregistrations so far, and unregistrations of a callback that
 * was not registered (MOSQ_ERR_NOT_FOUND from the broker). */
int stub_register_calls(void);
int stub_unregister_calls(void);
int stub_unregister_unknown(void);

/* Delivers a message from client to every MESSAGE callback, as the broker does on receipt;
 * returns the first code other than success, or success. */
int stub_message(struct mosquitto *client, const char *topic, const char *payload, int qos);

/* A pass of 2.0's loop: runs every TICK callback once; returns the wake the pass arms, the
 * least next_ns (ms) asked for above 0 (-1: none). */
long stub_tick(void);

/* A pass of 2.1.2's loop: runs the TICK callbacks whose time asked for (their last call's raw
 * time plus the ms asked then) has passed; returns the wake as stub_tick() does. */
long stub_tick_due(void);

/* Publishes recorded so far, and the i-th (0 first). */
int stub_published_count(void);
const struct stub_publish *stub_published(int i);

/* The last publish on topic at or after index from; NULL if none. */
const struct stub_publish *stub_last_published_on(const char *topic, int from);

/* Log lines recorded so far; how many contain text. */
int stub_log_count(void);
int stub_log_containing(const char *text);

/* The fake clocks: CLOCK_MONOTONIC_RAW and CLOCK_REALTIME move together. */
void stub_clock_advance_ns(int64_t ns);
int64_t stub_clock_raw_ns(void);
int64_t stub_clock_real_ns(void);
/* Steps CLOCK_REALTIME alone, as a clock step does. */
void stub_clock_step_real_ns(int64_t ns);

/* What ntp_adjtime() says about the kernel's clock. */
void stub_kernel_synced(bool synced);

#endif
