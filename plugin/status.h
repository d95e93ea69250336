/* SPDX-License-Identifier: Apache-2.0 */
/*
 * status: the retained JSON message that tells an operator how sync is going.
 *
 *   {"synced":true,"offset_s":3.700012,"rtt_ms":0.41,"error_bound_ms":0.27,
 *    "last_sample_utc":"2026-11-24T21:00:00.123Z",
 *    "sent":12,"answered":12,"timed_out":0,"rejected":0,"polls":3,"samples":3,
 *    "poll_s":71.1,"poll_adapts":true,"requests_24h":12,"max_requests_per_day":5400,
 *    "dropped_by":{...},
 *    "refclock_connected":true,"samples_to_chrony":3,"denied_own_topics":0}
 */
#ifndef IOTNTP_STATUS_H
#define IOTNTP_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "route.h"
#include "serve.h"
#include "sync.h"

/* Room for a whole status message, terminating NUL included. */
#define STS_BUF_SIZE 2048

struct sts_view {
	bool synced;
	struct timespec since; /* when synced last changed (or the plugin started) */
	bool have_sample;      /* last_sample holds the last good sample */
	struct xch_sample last_sample;
	int64_t error_ns;                     /* the last sample's error bound */
	const struct est_counters *estimator; /* NULL: not shown */
	const struct syn_counters *counters;
	bool have_schedule;              /* the four below are shown */
	double poll_s;                   /* the interval from the last poll to the next */
	bool poll_adapts;                /* within the budget, or fixed by poll_interval */
	unsigned long long requests_24h; /* requests sent in the last 24 hours */
	unsigned max_requests_per_day;
	bool refclock_connected;
	unsigned long long samples_to_chrony;
	const struct srv_stats *serve; /* NULL unless the gateway also serves the LAN */
	const struct rte_stats *route; /* NULL: not shown */
};

/* Writes the status JSON into buf; returns its length, or -1 if it does not fit. */
int sts_format(char *buf, size_t size, const struct sts_view *v);

/* Room for one exchange message, terminating NUL included. */
#define STS_EXCHANGE_SIZE 256

/* Writes one exchange as {"t1":..,"t2":..,"t3":..,"t4":..,"offset_ns":..,"rtt_ns":..} (the
 * four timestamps in ms, as the platform's formula takes them); returns its length or -1. */
int sts_format_exchange(char *buf, size_t size, const struct syn_exchange *x);

#endif
