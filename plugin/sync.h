/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sync: the sync role's schedule and bookkeeping, with no broker in sight.
 *
 * Every poll sends a burst of requests a little apart and waits for the answers or the timeout.
 * Every valid answer goes to the estimator (estimator.h), which gives the platform's time at any
 * moment from the exchanges of up to the last hour. When polls come, and how many requests each
 * sends within the budget of requests a day, is the schedule's business (schedule.h): quickly
 * at the start, when sync is gained or lost and when the estimate is in doubt, steadily
 * otherwise. The one clock is CLOCK_MONOTONIC_RAW, which no slew or step of the system clock
 * touches; the caller reads the clocks and does the I/O. The engine knows no platform: it asks
 * for neutral requests, which the caller writes in the platform's dialect (dialect.h), and
 * takes the answers decoded, matched to their requests by the id the dialect gave.
 */
#ifndef IOTNTP_SYNC_H
#define IOTNTP_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dialect.h"
#include "estimator.h"
#include "exchange.h"

/* A poll's answers that move the estimate from where the line before them said the platform's
 * time would be by more than SYN_MOVED_NOISES times its noise, and SYN_MOVED_NS at least, put it
 * in doubt (see schedule.h). On a wan path a poll moves a settled estimate by a few tenths of a
 * ms; a floor that drops by 2 ms moves it by up to 1 ms. */
#define SYN_MOVED_NS     (1 * XCH_NS_PER_MS)
#define SYN_MOVED_NOISES 4
/* When the last 24 hours hold the whole budget, a poll is tried again this much later. */
#define SYN_BUDGET_RETRY_NS (10 * XCH_NS_PER_S)
/* While unsynchronised a burst's requests go this close together, so the first poll is over
 * in a fraction of a second: 8 of them take 350 ms, well under the platform's 30 messages a
 * second per device. */
#define SYN_UNSYNCED_SPACING_NS (50 * XCH_NS_PER_MS)
/* A poll is over once its requests are answered or timed out, or once those still out have
 * waited this many times the slowest answer of the poll (and SYN_LATE_MIN_NS at least): such a
 * request was lost (a bridge still connecting drops what is sent before it has a socket), and the
 * poll's answers need not wait the whole timeout to reach chrony. A late answer still counts
 * until the timeout. */
#define SYN_LATE_FACTOR 2
#define SYN_LATE_MIN_NS (100 * XCH_NS_PER_MS)
/* The system clock moves against the raw one by at most this (chrony slews by up to 83 ms a
 * second), plus SYN_JUMP_MIN_NS for reading the two clocks apart; more is a jump. */
#define SYN_SLEW_MAX    0.1
#define SYN_JUMP_MIN_NS (10 * XCH_NS_PER_MS)

/* The estimator's settings. The window reaches back an hour at most, as far as a straight line
 * holds (estimator.h), and holds 256 exchanges at most: an hour of the default budget's. The
 * platform's rate may differ from a cheap oscillator's by up to a few hundred ppm. Bounds may
 * conflict by 20 us before they disagree. */
#define SYN_WINDOW_NS        (3600 * XCH_NS_PER_S)
#define SYN_WINDOW_EXCHANGES 256
#define SYN_MAX_SKEW         500e-6
#define SYN_TOLERANCE_NS     20000
#define SYN_STEP_MIN         4
#define SYN_SKEW_GROUP_NS    (8 * XCH_NS_PER_S)

struct syn_config {
	uint32_t max_per_day;      /* requests in any 24 hours at most */
	int64_t steady_ns;         /* a fixed steady poll interval; 0: from the budget */
	int64_t spacing_ns;        /* between the requests of a burst */
	int64_t timeout_ns;        /* a request unanswered this long has failed */
	int64_t max_rtt_ns;        /* exchanges with a longer round trip are discarded */
	unsigned burst;            /* requests per poll */
	unsigned quick_burst;      /* requests per quick poll at least (schedule.h); 0: burst */
	unsigned max_failed_polls; /* polls without an answer before sync is lost */
	/* Where the true time lies around a platform stamp: [0, 1 ms) when the platform
	 * truncates to whole ms (as Java's currentTimeMillis does), [-0.5, 0.5) ms if it rounds. */
	int64_t stamp_lo_ns;
	int64_t stamp_hi_ns;
	/* The platform's answers name no request (DLC_ID_NONE): one request is in flight at a
	 * time, and an answer is taken as the answer to it, unless it came too late to be (after
	 * a request timed out, the next waits another timeout) or its T2 precedes the request
	 * (sync.c, stamped_after): such an answer is expired. */
	bool one_in_flight;
};

/* A request to send, as the engine wants it: the caller writes it in the platform's dialect. */
struct syn_request {
	int64_t t1_ms; /* CLOCK_REALTIME ms at sending, raised where needed to grow strictly from
	                  one request to the next, so that an echoed T1 names one request */
	uint32_t seq;  /* the request's number, from 1: tells requests apart however named */
};

/* One exchange as measured, all four timestamps in ms, for analysis. */
struct syn_exchange {
	int64_t t1_ms; /* our send time, as CLOCK_REALTIME at receipt minus the interval */
	int64_t t2_ms; /* the platform received the request */
	int64_t t3_ms; /* the platform sent the answer */
	int64_t t4_ms; /* our receive time, CLOCK_REALTIME */
	struct xch_sample sample;
};

/* What became of a response. */
enum syn_verdict {
	SYN_ACCEPTED = 0,
	SYN_REJ_TOO_LARGE,
	SYN_REJ_NOT_JSON,
	SYN_REJ_MISSING_FIELD,
	SYN_REJ_BAD_VALUE,
	SYN_REJ_BAD_TIME,
	SYN_REJ_UNKNOWN,
	SYN_REJ_DUPLICATE,
	SYN_REJ_EXPIRED,
	SYN_REJ_SERVER_ORDER,
	SYN_REJ_NEGATIVE_RTT,
	SYN_REJ_OUT_OF_RANGE,
	SYN_REJ_SLOW_SERVER,  /* platform processing longer than the response timeout */
	SYN_REJ_LOCAL_CLIENT, /* published by a local client, not the bridge */
	SYN_REJ_IMPOSTOR,     /* published by a client that took the bridge's client id */
	SYN_REJ_OTHER_DEVICE, /* a response on another device's topic */
	SYN_DISCARDED_RTT,    /* valid, but its round trip is over the maximum */
	SYN_VERDICT_COUNT
};

struct syn_counters {
	uint64_t sent;      /* requests published */
	uint64_t answered;  /* valid answers to outstanding requests */
	uint64_t timed_out; /* requests never answered in time */
	uint64_t rejected;  /* responses dropped as invalid, unknown, late or repeated */
	uint64_t polls;     /* polls completed */
	uint64_t samples;   /* polls that were answered */
	uint64_t by_verdict[SYN_VERDICT_COUNT];
};

/* The outcome of a finished poll. */
struct syn_poll_result {
	bool answered;   /* a valid answer came in this poll */
	bool synced;     /* an answered poll within the last max_failed_polls polls */
	bool was_synced; /* before this poll */
};

struct syn_engine;

/* The estimator's settings the engine runs with (SYN_WINDOW_NS and the rest) for stamps whose
 * true time lies in [stamp + stamp_lo_ns, stamp + stamp_hi_ns). */
struct est_config syn_estimator_config(int64_t stamp_lo_ns, int64_t stamp_hi_ns);

/* Creates an engine whose first poll is due at once, or NULL when out of memory. */
struct syn_engine *syn_create(const struct syn_config *cfg);

/* Frees the engine. */
void syn_destroy(struct syn_engine *e);

/* Whether a request is due at raw_ns; if so counts it as sent and gives what to send. */
bool syn_request_due(struct syn_engine *e, int64_t raw_ns, int64_t real_ms,
                     struct syn_request *req);

/* Names the request syn_request_due gave last with the id its encoding gave; until then no
 * answer matches it. */
void syn_request_named(struct syn_engine *e, const struct dlc_id *id);

/* The request named last left for the platform at raw_ns, later than syn_request_due gave it
 * (the broker queued it): its exchange is timed from then. Only the first call after a
 * request was named counts. */
void syn_request_left(struct syn_engine *e, int64_t raw_ns);

/* Takes an answer the dialect decoded, received at raw_ns (CLOCK_MONOTONIC_RAW) and real
 * (CLOCK_REALTIME, only for the exchange's record and the classic offset of the exchange
 * topic). */
enum syn_verdict syn_answer(struct syn_engine *e, const struct dlc_answer *a, int64_t raw_ns,
                            const struct timespec *real);

/* Counts a response the dialect refused (st neither DLC_OK nor DLC_NOT_OURS) under the verdict
 * for that, which it returns. */
enum syn_verdict syn_undecoded(struct syn_engine *e, enum dlc_status st);

/* Counts a verdict; for responses the caller dropped before they reached the engine. */
void syn_count_verdict(struct syn_engine *e, enum syn_verdict v);

/* The exchange behind the last SYN_ACCEPTED or SYN_DISCARDED_RTT verdict; false if none. */
bool syn_last_exchange(const struct syn_engine *e, struct syn_exchange *out);

/* Whether the current poll ended by raw_ns; if so fills res. Returns true once per poll. */
bool syn_poll_done(struct syn_engine *e, int64_t raw_ns, struct syn_poll_result *res);

/* The raw time at which syn_request_due or syn_poll_done next has something to do, raw_ns if
 * that is now; an answer taken in the meantime can bring a poll's end earlier. */
int64_t syn_next_due_ns(const struct syn_engine *e, int64_t raw_ns);

/* Whether an answered poll came within the last max_failed_polls polls. */
bool syn_synced(const struct syn_engine *e);

/* Whether the last poll was answered, and nothing since put the estimate in doubt: it rests on
 * exchanges at most a poll interval and a timeout old. */
bool syn_fresh(const struct syn_engine *e);

/*
 * Notes the system clock (real_ns) read together with the raw one. Returns the jump, 0 when
 * there was none: a change of their difference since the last reading beyond any slew. Either
 * the system clock was stepped, or the machine stood still (a suspended or paused virtual
 * machine) and the raw clock did not count the time, so that the estimate's line over it is
 * off by the pause. The engine cannot tell which, so the estimate is in doubt (not fresh)
 * until a poll is answered with nothing held aside: after a step of the system clock the
 * answers agree at once; after a pause they conflict until the estimator has taken the step.
 */
int64_t syn_note_clocks(struct syn_engine *e, int64_t raw_ns, int64_t real_ns);

/* Whether the clocks jumped since the last poll that confirmed the estimate. */
bool syn_in_doubt(const struct syn_engine *e);

/* While synced, the platform's time at raw_ns with its error bound; false otherwise. */
bool syn_estimate(const struct syn_engine *e, int64_t raw_ns, struct est_estimate *out);

/* What the estimator did with the exchanges. */
const struct est_counters *syn_estimator_counters(const struct syn_engine *e);

/* The counters so far. */
const struct syn_counters *syn_counters(const struct syn_engine *e);

/* The interval between the last poll and the next, as the schedule chose it. */
int64_t syn_poll_interval(const struct syn_engine *e);

/* Requests sent in the last 24 hours up to raw_ns. */
uint64_t syn_requests_last_day(struct syn_engine *e, int64_t raw_ns);

/* Short snake_case name of a verdict, as used in the status message. */
const char *syn_verdict_name(enum syn_verdict v);

#endif
