/* SPDX-License-Identifier: Apache-2.0 */
/*
 * estimator: the platform's time as a line over CLOCK_MONOTONIC_RAW, from the causal bounds of
 * every exchange in a window.
 *
 * A request sent at raw time r1 and answered at r4, stamped T2 (received) and T3 (sent) by the
 * platform, bounds the platform's clock P by causality alone:
 *
 *     P(r1) <= t2 < T2 + stamp_hi     the request left before the platform received it
 *     P(r4) >= t3 >= T3 + stamp_lo    the answer arrived after the platform sent it
 *
 * where [stamp_lo, stamp_hi) is where the true time lies around a stamp (truncation to whole
 * ms: [0, 1 ms)). Over a window of exchanges, the lines P(r) = a + (1 + s) r that keep every
 * bound form a convex set. Its tightest edges come from the exchanges with the smallest delay in
 * each direction, separately, so it narrows faster than an average of offsets, and below the
 * 1 ms quantum, since requests leave at every phase of the platform's millisecond.
 *
 * The estimate is a line in the middle of that set. The window reaches as far back as one
 * straight line describes the platform's clock, up to window_ns (an hour) and window_max
 * exchanges: the more exchanges it holds, the tighter its edges, whatever their rate. The reach
 * shortens when the bounds show the rate bending or the floor moving, and grows back when they
 * do not (the rule and its limits are at reach_update in estimator.c). Its skew s comes from the
 * stretches of the same reach, which also count what the window has no room for: for each
 * stretch of skew_group_ns, the tightest upper and the tightest lower bound, and the skew is the
 * one that leaves the widest corridor between them (the two hulls of Moon, Skelly and Towsley,
 * held as far apart as they go; the middle of the skews that come within the tolerance of it,
 * when the tightest bounds all lie close in time and leave the width flat). The skew is kept
 * among those the window allows, and at that skew the estimate is the middle of the corridor
 * between the upper and the lower bounds. Its error bound is the range of times the window
 * allows at the moment asked. Both hold while the assumptions do: causality, the stamp
 * interval, and a rate constant over the reach (a bend within the tolerance is taken up by it).
 *
 * An exchange whose bounds conflict with the window is held aside. If it stays alone it was an
 * outlier and is dropped, so no single exchange can move the estimate beyond its own bounds; if
 * enough held exchanges agree among themselves, the platform's clock stepped, and the window
 * starts again from them. A step about the corridor's width breaks no bound; it shows as an
 * exchange with a lower bound above every older one (or an upper bound below, for a step back),
 * followed by step_min exchanges beyond the older corridor's other edge, and the window starts
 * again from those.
 */
#ifndef IOTNTP_ESTIMATOR_H
#define IOTNTP_ESTIMATOR_H

#include <stdbool.h>
#include <stdint.h>

/* Exchanges a window holds at most. */
#define EST_CAPACITY 256
/* Conflicting exchanges held aside at most. */
#define EST_HELD_MAX 16
/* Stretches of skew history at most: an hour of polls a quarter of a minute apart. */
#define EST_SKEW_CAPACITY 256

struct est_config {
	int64_t stamp_lo_ns; /* a stamp's true time is at least stamp + this */
	int64_t stamp_hi_ns; /* and less than stamp + this */
	int64_t window_ns;   /* the window's longest reach: older exchanges and stretches leave */
	unsigned window_max; /* exchanges in the window at most (up to EST_CAPACITY) */
	double max_skew;     /* the platform's rate differs from the oscillator's by at most this */
	int64_t tolerance_ns;  /* bounds may conflict by this much (rate wander) and still agree */
	unsigned step_min;     /* held exchanges that agree among themselves make a step */
	int64_t skew_group_ns; /* one stretch of skew history: its tightest two bounds */
};

/* One exchange: our two raw readings and the platform's two stamps. */
struct est_exchange {
	int64_t send_raw_ns;    /* CLOCK_MONOTONIC_RAW when the request was published */
	int64_t recv_raw_ns;    /* CLOCK_MONOTONIC_RAW when the answer arrived */
	int64_t server_recv_ms; /* T2, ms since the epoch */
	int64_t server_send_ms; /* T3 */
};

enum est_outcome {
	EST_TAKEN,   /* in the window */
	EST_HELD,    /* conflicts with the window: held until it proves a step or an outlier */
	EST_STEP,    /* completed a step: the window starts again from the held exchanges */
	EST_INVALID, /* answered before it was sent, or stamped out of order */
};

struct est_estimate {
	int64_t raw_ns;      /* the raw time the estimate is for */
	int64_t platform_ns; /* the platform's time then, ns since the epoch */
	int64_t error_ns;    /* the platform's time is within this of platform_ns */
	double skew;         /* the platform's rate over the oscillator's, minus 1 */
	unsigned exchanges;  /* in the window */
	int64_t min_rtt_ns;  /* the window's smallest round trip, stamps' quantum included */
	int64_t reach_ns;    /* how far back the window reaches now */
	int64_t noise_ns;    /* how far chance alone moves the estimate (one standard deviation,
	                      * from how far the exchanges lie from the corridor's edges) */
};

struct est_counters {
	uint64_t taken;
	uint64_t outliers; /* held exchanges dropped */
	uint64_t steps;
	uint64_t shortened; /* times the reach shortened: the rate bent or the floor moved, or a
	                     * longer reach's estimate strayed from a shorter one's by more than
	                     * chance explains (which chance still does, now and then) */
	uint64_t bent;      /* of those, the times the reach it had no longer held a line: its
	                     * bounds conflicted, which chance cannot make them do */
};

struct est_state;

/* Creates an empty estimator, or NULL when out of memory or cfg is out of range. */
struct est_state *est_create(const struct est_config *cfg);

/* Frees it. */
void est_destroy(struct est_state *e);

/* Takes one exchange; exchanges come in the order they were answered. */
enum est_outcome est_add(struct est_state *e, const struct est_exchange *x);

/* The estimate for raw time raw_ns; false while the window is empty. */
bool est_now(const struct est_state *e, int64_t raw_ns, struct est_estimate *out);

/* The platform's time at raw time raw_ns on an estimate's line: its time then, carried forward
 * (or back) on the oscillator at the platform's rate. The one place that says what time the
 * platform has now: chrony's feed, LAN devices' answers and the status all read it here. */
int64_t est_at(const struct est_estimate *e, int64_t raw_ns);

/* Whether exchanges that conflict with the window are held aside, not yet shown to be
 * outliers or a step: the estimate is then in doubt. */
bool est_unsettled(const struct est_state *e);

/* Forgets every exchange (the counters stay). */
void est_clear(struct est_state *e);

/* What has happened to the exchanges so far. */
const struct est_counters *est_counters(const struct est_state *e);

#endif
