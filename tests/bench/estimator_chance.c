/* SPDX-License-Identifier: Apache-2.0 */
/*
 * estimator_chance: how far apart two runs of the accuracy benchmark's wan scenario land by
 * chance alone, with the same code on the same path.
 *
 *   estimator_chance [RUNS]
 *
 * The accuracy benchmark (tests/bench/accuracy) gives one p95 per scenario and run, from the
 * LAN client's readings every 5 s over 600 s. On wan (20 ms +-10 ms uniform each way, stamps
 * in whole ms) that p95 is mostly one offset of the estimate, which the few least delayed
 * exchanges of the window set, and which differs from run to run. This replays RUNS (400)
 * seeded runs of that scenario through the plugin's own estimator (its configuration from
 * sync.h) and schedule, with the benchmark's timing, and prints the spread of their p95s and
 * the share of pairs of runs whose p95s lie within 0.1 ms of each other: what a comparison of
 * two brokers in one run (accuracy --broker) can tell apart at best, before chrony and the LAN
 * client add their own.
 *
 * A run: the schedule's polls at the budget (quick ones at the start, and while exchanges are
 * held aside or after a step; not when a poll moves the estimate, which sync.c also counts as
 * doubt and which needs its noise), requests burst_spacing_ms apart (50 ms until the first
 * answer) at a random phase of the broker's 100 ms
 * tick, the platform stamping receipt and answer in whole ms (truncated) with up to 2 ms between
 * them, a random platform offset. The estimate is read every 5 s from the settle time after the
 * first answer (2400 s at 5,400 a day, 240 s at 86,400 with polls of 8 every 8 s, as the
 * benchmark's passes) for 600 s, against the platform's true time. Seeded: every run of this
 * program prints the same figures.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "estimator.h"
#include "options.h"
#include "schedule.h"
#include "sync.h"

#define MS 1000000LL
#define S  1000000000LL

#define READ_EVERY_NS (5 * S)
#define READ_SPAN_NS  (600 * S)
#define READINGS_MAX  (READ_SPAN_NS / READ_EVERY_NS + 1)
#define RUNS_MAX      100000
#define WITHIN_MS     0.1

/* One pass of the benchmark: its gateway's poll_interval and burst options (NULL: not given),
 * and when its readings start. */
struct pass {
	const char *name;
	const char *poll_interval, *burst;
	int64_t settle_ns;
};

/* What the plugin makes of a pass's options. */
struct gateway {
	struct sch_config schedule;
	int64_t spacing_ns;
};

static uint64_t rng;

static double uniform01(void)
{
	/* xorshift64*: the same stream everywhere. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * UINT64_C(2685821657736338717)) >> 11) / 9007199254740992.0;
}

/* 20 ms +-10 ms, uniform: the benchmark's wan each way. */
static int64_t wan_delay_ns(void)
{
	return (int64_t)((10 + 20 * uniform01()) * MS);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The pass's options through the plugin's own parser: without a fixed poll the default budget
 * (5,400 a day, as the shipped gateway.conf gives), with one the budget it needs (options.c);
 * and the schedule the sync role makes of them (broker_sync.c). */
static struct gateway gateway_of(const struct pass *p)
{
	struct opt_pair pairs[] = {
	    {"product_key", "a1B2c3D4e5F"},
	    {"device_name", "gateway-01"},
	    {"bridge_client_id", "iotntp-bridge"},
	    {"poll_interval", p->poll_interval},
	    {"burst", p->burst},
	};
	struct opt_pair given[sizeof(pairs) / sizeof(pairs[0])];
	int n = 0;
	for (unsigned i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (pairs[i].value != NULL)
			given[n++] = pairs[i];
	struct opt_config cfg;
	char err[256];
	if (opt_parse(&cfg, given, n, err, sizeof(err)) != 0) {
		fprintf(stderr, "estimator_chance: pass %s: %s\n", p->name, err);
		exit(1);
	}
	struct gateway g = {
	    .schedule =
	        {
	            .max_per_day = cfg.max_requests_per_day,
	            .steady_ns = (int64_t)cfg.poll_interval_s * S,
	            .burst = cfg.burst,
	            .quick_burst = SCH_QUICK_BURST,
	        },
	    .spacing_ns = (int64_t)cfg.burst_spacing_ms * MS,
	};
	return g;
}

/* The p95 of |error| in ms over the readings of one seeded run. */
static double one_run(const struct pass *p, const struct gateway *g, uint64_t seed)
{
	const struct est_config ec = syn_estimator_config(0, MS);
	struct est_state *e = est_create(&ec);
	struct sch_state *sch = sch_create(&g->schedule, 0);
	double errors[READINGS_MAX];
	unsigned n = 0;

	if (e == NULL || sch == NULL) {
		fprintf(stderr, "estimator_chance: out of memory\n");
		exit(1);
	}
	rng = seed;
	/* The platform's clock: this far ahead of the raw clock (a whole number of s plus any
	 * fraction, so that requests meet its ms at any phase). */
	const int64_t offset_ns = (int64_t)1795554000 * S + (int64_t)(uniform01() * S);
	int64_t first_answer = -1, read_at = INT64_MAX;

	for (int64_t poll = 0; n < READINGS_MAX;) {
		unsigned burst = sch_poll_start(sch, poll);
		int64_t last_recv = poll;
		bool doubt = false, was_synced = first_answer >= 0;
		/* Until the first answer a burst's requests go closer together (sync.c). */
		int64_t spacing = was_synced || g->spacing_ns < SYN_UNSYNCED_SPACING_NS
		                      ? g->spacing_ns
		                      : SYN_UNSYNCED_SPACING_NS;
		for (unsigned i = 0; i < burst; i++) {
			int64_t r1 = poll + i * spacing + (int64_t)(uniform01() * 100 * MS);
			int64_t r2 = r1 + wan_delay_ns();
			int64_t r3 = r2 + (int64_t)(uniform01() * 2 * MS);
			int64_t r4 = r3 + wan_delay_ns();
			struct est_exchange x = {
			    .send_raw_ns = r1,
			    .recv_raw_ns = r4,
			    .server_recv_ms = (offset_ns + r2) / MS,
			    .server_send_ms = (offset_ns + r3) / MS,
			};
			sch_sent(sch, r1);
			if (est_add(e, &x) == EST_STEP)
				doubt = true;
			last_recv = r4;
			if (first_answer < 0) {
				first_answer = r4;
				read_at = r4 + p->settle_ns;
			}
		}
		const struct sch_outcome o = {
		    .synced = burst > 0,
		    .was_synced = was_synced,
		    .in_doubt = doubt || est_unsettled(e),
		};
		int64_t next = poll + sch_poll_end(sch, &o);
		if (next <= last_recv)
			next = last_recv + 1;
		for (; read_at < next && n < READINGS_MAX; read_at += READ_EVERY_NS) {
			struct est_estimate est;
			if (est_now(e, read_at, &est))
				errors[n++] =
				    fabs((double)(est.platform_ns - (offset_ns + read_at))) / MS;
		}
		poll = next;
	}
	sch_destroy(sch);
	est_destroy(e);
	qsort(errors, n, sizeof(errors[0]), cmp_double);
	return errors[(n * 95 + 99) / 100 - 1];
}

static void report(const struct pass *p, unsigned runs)
{
	static double p95[RUNS_MAX], sorted[RUNS_MAX];
	const struct gateway g = gateway_of(p);
	unsigned within = 0, pairs = 0;

	for (unsigned k = 0; k < runs; k++) {
		p95[k] = one_run(p, &g, UINT64_C(0x9e3779b97f4a7c15) * (k + 1));
		sorted[k] = p95[k];
	}
	/* Runs 1 and 2, 3 and 4, ...: independent pairs, as the two brokers of one run. */
	for (unsigned k = 0; k + 1 < runs; k += 2, pairs++)
		if (fabs(p95[k] - p95[k + 1]) <= WITHIN_MS)
			within++;
	qsort(sorted, runs, sizeof(sorted[0]), cmp_double);
	printf("estimator-chance: pass=%s scenario=wan runs=%u p95_q10_ms=%.3f p95_median_ms=%.3f "
	       "p95_q90_ms=%.3f p95_max_ms=%.3f pairs_within_%.1f_ms=%u/%u (%.0f%%)\n",
	       p->name, runs, sorted[runs / 10], sorted[runs / 2], sorted[runs * 9 / 10],
	       sorted[runs - 1], WITHIN_MS, within, pairs, 100.0 * within / pairs);
}

int main(int argc, char **argv)
{
	long runs = argc > 1 ? strtol(argv[1], NULL, 10) : 400;
	if (argc > 2 || runs < 2 || runs > RUNS_MAX) {
		fprintf(stderr, "usage: estimator_chance [RUNS, 2 to %d]\n", RUNS_MAX);
		return 2;
	}
	const struct pass passes[] = {
	    {"5400", NULL, NULL, 2400 * S},
	    {"86400", "8", "8", 240 * S},
	};
	for (unsigned i = 0; i < sizeof(passes) / sizeof(passes[0]); i++)
		report(&passes[i], (unsigned)runs);
	return 0;
}
