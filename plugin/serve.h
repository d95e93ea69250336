/* SPDX-License-Identifier: Apache-2.0 */
/*
 * serve: the platform's side of the exchange, for the emulated platform and, on a gateway with
 * serve_lan, for LAN devices that ask in the platform's protocol.
 *
 * A device's request is answered in the platform's dialect (dialect.h), with what the request
 * asks to be echoed and the receive and send times in ms; the dialect also names the topics.
 */
#ifndef IOTNTP_SERVE_H
#define IOTNTP_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dialect.h"
#include "estimator.h"

/*
 * Which clock answers. A gateway answers only while it knows the time:
 *   authoritative   always, from the system clock (the platform emulator);
 *   plugin_synced   from the estimate chrony was last fed, carried forward on
 *                   CLOCK_MONOTONIC_RAW at the platform's rate (est_at), which no step or
 *                   slew of the system clock touches;
 *   kernel_synced   from the system clock, which chronyd (or another NTP client) disciplines.
 * Otherwise it does not answer at all: a device had better wait than take a wrong time.
 */
struct srv_clock {
	bool authoritative;
	bool plugin_synced;
	struct est_estimate line; /* plugin_synced: the estimate chrony was last fed, on
	                           * CLOCK_MONOTONIC_RAW */
	bool kernel_synced;
};

/* The time to answer with, in ns since 1970, given the system clock and CLOCK_MONOTONIC_RAW
 * now; false: none. Not a timespec: where time_t has 32 bits (armhf) the platform's time can be
 * past 2038 all the same. */
bool srv_time_now(const struct srv_clock *c, const struct timespec *system_now, int64_t raw_now_ns,
                  int64_t *out_ns);

/* What the serve role did with requests; published in the gateway's status (and, serving
 * alone, in its own: serve_status.h). */
struct srv_stats {
	unsigned long long received; /* request messages on a request topic, answered or not */
	unsigned long long answered;
	unsigned long long bad_request;   /* payload not a valid request */
	unsigned long long rate_limited;  /* over the client's or the total rate */
	unsigned long long unsynced;      /* not answered: the gateway does not know the time */
	unsigned long long forged_answer; /* a local client published on a response topic */
};

/* Builds the answer in dialect d to a request payload; returns its length, or -1 with *why set
 * (DLC_OK: the request was read, its answer does not fit in size bytes; DLC_NOT_OURS: the
 * message is another service's on a shared topic, and no request at all). */
int srv_answer(const struct dlc_dialect *d, const void *payload, size_t len, int64_t recv_ms,
               int64_t send_ms, char *out, size_t size, enum dlc_status *why);

#endif
