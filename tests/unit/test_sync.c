/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for sync: the sync role's schedule and bookkeeping, on synthetic clocks.
 *
 * A small simulation drives the engine in 1 ms ticks: CLOCK_MONOTONIC_RAW starts at 0,
 * CLOCK_REALTIME at REAL0_MS (plus a step, when a test makes one), and the platform is AHEAD_MS
 * ahead of the system clock. An answer leaves rtt/2 ms after the request, takes PROC_MS on the
 * platform and comes back in another rtt/2 ms, so its exact offset is AHEAD_MS and its round
 * trip rtt. The platform's time at raw time t is therefore (REAL0_MS + AHEAD_MS) ms + t.
 *
 * As the broker adapter does, the requests the engine asks for are written in a platform's
 * dialect and its answers read in it: Alibaba's unless a test says otherwise, whose payloads
 * are checked to be the ones the codec has always written.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "dialect.h"
#include "runner.h"
#include "schedule.h"
#include "sync.h"

#define MS        INT64_C(1000000)
#define S         (1000 * MS)
#define REAL0_MS  INT64_C(1795554000000) /* 2026-11-24T21:00:00Z */
#define AHEAD_MS  3700
#define PROC_MS   2
#define MAX_REQ   256
#define MAX_POLL  64
#define NO_ANSWER (-1)

static const struct syn_config base_cfg = {
    .max_per_day = 86400,
    .steady_ns = 16 * S,
    .spacing_ns = 200 * MS,
    .timeout_ns = 1000 * MS,
    .max_rtt_ns = 500 * MS,
    .burst = 4,
    .max_failed_polls = 3,
    .stamp_lo_ns = 0,
    .stamp_hi_ns = MS,
};

struct answer {
	int64_t at_ns;
	bool due;
	char text[DLC_BUF_SIZE];
};

struct sim {
	struct syn_engine *e;
	struct syn_config cfg;
	const struct dlc_dialect *dialect; /* the platform's */
	int64_t now_ns;
	int64_t step_ms;      /* CLOCK_REALTIME minus REAL0 + CLOCK_MONOTONIC */
	int (*rtt_ms)(int n); /* round trip of the n-th request, or NO_ANSWER */
	int64_t jump_at_ns;   /* the platform's clock steps by jump_ms here (0: never) */
	int64_t jump_ms;
	int requests;
	int64_t ids[MAX_REQ];
	int64_t sent_ns[MAX_REQ];
	struct answer answers[MAX_REQ];
	unsigned verdicts[SYN_VERDICT_COUNT];
	int polls;
	int64_t poll_start_ns[MAX_POLL];
	int64_t poll_end_ns[MAX_POLL];
	struct syn_poll_result result[MAX_POLL];
};

static struct sim sim;

/* Asserts that the engine's estimate at raw time t_ns covers the platform's time within its
 * error bound, and is within tol_ns of it. */
static void assert_estimate(const struct syn_engine *e, int64_t t_ns, int64_t tol_ns)
{
	struct est_estimate est;

	CU_ASSERT_TRUE_FATAL(syn_estimate(e, t_ns, &est));
	int64_t err = est.platform_ns - ((REAL0_MS + AHEAD_MS) * MS + t_ns);
	if (err < 0)
		err = -err;
	CU_ASSERT(err <= est.error_ns);
	CU_ASSERT(err <= tol_ns);
}

static int64_t real_ms(int64_t mono_ns)
{
	return REAL0_MS + sim.step_ms + mono_ns / MS;
}

static struct timespec real_ts(int64_t mono_ns)
{
	int64_t ns = (REAL0_MS + sim.step_ms) * MS + mono_ns;
	struct timespec ts = {.tv_sec = (time_t)(ns / S), .tv_nsec = (long)(ns % S)};
	return ts;
}

static int response_text(char *buf, size_t size, int64_t id, int64_t recv_ms, int64_t send_ms)
{
	return snprintf(buf, size,
	                "{\"deviceSendTime\":\"%" PRId64 "\",\"serverRecvTime\":\"%" PRId64
	                "\",\"serverSendTime\":\"%" PRId64 "\"}",
	                id, recv_ms, send_ms);
}

static const struct dlc_dialect *dialect(const char *name)
{
	const struct dlc_dialect *d = dlc_find(name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	return d;
}

/* Writes the request the engine asked for in dialect d and names it after the id the dialect
 * gave, as the broker adapter does; returns the payload's length. */
static int send_request(const struct dlc_dialect *d, struct syn_engine *e,
                        const struct syn_request *req, char *text, size_t size)
{
	struct dlc_id id;
	int n = d->encode_request(req->t1_ms, req->seq, &id, text, size);

	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(id.kind, d->id_kind);
	syn_request_named(e, &id);
	return n;
}

/* Whether a request is due at raw_ns; if so sends it in Alibaba's dialect and gives its id, the
 * T1 its answer echoes. The payload is byte for byte the one the codec wrote for that id. */
static bool request_due(struct syn_engine *e, int64_t raw_ns, int64_t real_ms, int64_t *id)
{
	struct syn_request req;
	char text[DLC_BUF_SIZE], codec_text[CDC_BUF_SIZE];

	if (!syn_request_due(e, raw_ns, real_ms, &req))
		return false;
	send_request(dialect("aliyun"), e, &req, text, sizeof(text));
	CU_ASSERT_FATAL(cdc_encode_request(codec_text, sizeof(codec_text), req.t1_ms) > 0);
	CU_ASSERT_STRING_EQUAL(text, codec_text);
	*id = req.t1_ms;
	return true;
}

/* Hands a response payload to the engine as the broker adapter does: decoded in dialect d. */
static enum syn_verdict deliver(const struct dlc_dialect *d, struct syn_engine *e, const char *text,
                                int64_t raw_ns, const struct timespec *real)
{
	struct dlc_answer a;
	enum dlc_status st = d->decode_response(text, strlen(text), &a);

	CU_ASSERT_FATAL(st != DLC_NOT_OURS);
	return st == DLC_OK ? syn_answer(e, &a, raw_ns, real) : syn_undecoded(e, st);
}

/* The platform's answer to a request, received at recv_ms and sent at send_ms, as the
 * dialect's platform side (the serve role) writes it. */
static void platform_answer(const struct dlc_dialect *d, const char *request, int len,
                            int64_t recv_ms, int64_t send_ms, char *out, size_t size)
{
	struct dlc_request r;

	CU_ASSERT_EQUAL_FATAL(d->decode_request(request, (size_t)len, &r), DLC_OK);
	CU_ASSERT_FATAL(d->encode_response(&r, recv_ms, send_ms, out, size) > 0);
}

static void sim_start_in(const struct dlc_dialect *d, int (*rtt_ms)(int n),
                         const struct syn_config *cfg)
{
	memset(&sim, 0, sizeof(sim));
	sim.dialect = d;
	sim.cfg = *cfg;
	sim.rtt_ms = rtt_ms;
	sim.e = syn_create(cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sim.e);
}

static void sim_start(int (*rtt_ms)(int n), const struct syn_config *cfg)
{
	sim_start_in(dialect("aliyun"), rtt_ms, cfg);
}

static void sim_stop(void)
{
	syn_destroy(sim.e);
	sim.e = NULL;
}

static void sim_tick(void)
{
	int64_t t = sim.now_ns;
	struct syn_request req;
	struct syn_poll_result res;

	for (int n = 0; n < sim.requests; n++) {
		struct answer *a = &sim.answers[n];
		if (!a->due || a->at_ns > t)
			continue;
		struct timespec real = real_ts(t);
		enum syn_verdict v = deliver(sim.dialect, sim.e, a->text, t, &real);
		CU_ASSERT_FATAL((unsigned)v < SYN_VERDICT_COUNT);
		sim.verdicts[v]++;
		a->due = false;
	}
	while (syn_request_due(sim.e, t, real_ms(t), &req)) {
		char text[DLC_BUF_SIZE];
		int len = send_request(sim.dialect, sim.e, &req, text, sizeof(text));
		int n = sim.requests++;
		CU_ASSERT_FATAL(n < MAX_REQ);
		if (n % (int)sim.cfg.burst == 0) {
			CU_ASSERT_FATAL(n / (int)sim.cfg.burst < MAX_POLL);
			sim.poll_start_ns[n / (int)sim.cfg.burst] = t;
		}
		sim.ids[n] = req.t1_ms;
		sim.sent_ns[n] = t;
		int rtt = sim.rtt_ms(n);
		if (rtt != NO_ANSWER) {
			int64_t t2 = real_ms(t + rtt / 2 * MS) + AHEAD_MS;
			if (sim.jump_at_ns != 0 && t >= sim.jump_at_ns)
				t2 += sim.jump_ms;
			platform_answer(sim.dialect, text, len, t2, t2 + PROC_MS,
			                sim.answers[n].text, sizeof(sim.answers[n].text));
			if (strcmp(sim.dialect->name, "aliyun") == 0) {
				/* The answer these tests always gave. */
				char want[DLC_BUF_SIZE];
				response_text(want, sizeof(want), req.t1_ms, t2, t2 + PROC_MS);
				CU_ASSERT_STRING_EQUAL(sim.answers[n].text, want);
			}
			sim.answers[n].at_ns = t + (rtt + PROC_MS) * MS;
			sim.answers[n].due = true;
		}
	}
	if (syn_poll_done(sim.e, t, &res)) {
		CU_ASSERT_FATAL(sim.polls < MAX_POLL);
		sim.poll_end_ns[sim.polls] = t;
		sim.result[sim.polls++] = res;
	}
}

static void sim_run_until(int64_t end_ns)
{
	while (sim.now_ns <= end_ns) {
		sim_tick();
		sim.now_ns += MS;
	}
}

static int rtt_20(int n)
{
	(void)n;
	return 20;
}

static int rtt_none(int n)
{
	(void)n;
	return NO_ANSWER;
}

static int rtt_mixed(int n)
{
	static const int rtts[] = {40, 12, 30, 24};
	return rtts[n % 4];
}

static void first_poll_is_due_at_once(void)
{
	int64_t id = 0;
	struct syn_engine *e = syn_create(&base_cfg);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	/* Whatever CLOCK_MONOTONIC reads at start. */
	CU_ASSERT_TRUE(request_due(e, 123456789 * MS, REAL0_MS, &id));
	CU_ASSERT_EQUAL(id, REAL0_MS);
	CU_ASSERT_EQUAL(syn_counters(e)->sent, 1);
	CU_ASSERT_FALSE(syn_synced(e));
	syn_destroy(e);
}

static void an_exchange_is_timed_from_when_its_request_left(void)
{
	struct syn_engine *e = syn_create(&base_cfg);
	int64_t id = 0;
	struct syn_exchange x;
	char text[DLC_BUF_SIZE];

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE_FATAL(request_due(e, 0, real_ms(0), &id));
	/* The broker sent it 2 ms after the tick that made it (Mosquitto 2.1), once: a second
	 * word of its leaving changes nothing. */
	syn_request_left(e, 2 * MS);
	syn_request_left(e, 5 * MS);
	snprintf(text, sizeof(text),
	         "{\"deviceSendTime\":\"%lld\",\"serverRecvTime\":\"%lld\","
	         "\"serverSendTime\":\"%lld\"}",
	         (long long)id, (long long)(REAL0_MS + AHEAD_MS + 22),
	         (long long)(REAL0_MS + AHEAD_MS + 22));
	struct timespec real = real_ts(42 * MS);
	CU_ASSERT_EQUAL(deliver(dialect("aliyun"), e, text, 42 * MS, &real), SYN_ACCEPTED);
	CU_ASSERT_TRUE_FATAL(syn_last_exchange(e, &x));
	CU_ASSERT_EQUAL(x.sample.rtt_ns, 40 * MS);
	CU_ASSERT_EQUAL(x.t1_ms, real_ms(2 * MS));
	syn_destroy(e);
}

static void burst_sends_burst_requests_spacing_apart(void)
{
	/* Unsynchronised, the first burst goes SYN_UNSYNCED_SPACING_NS apart... */
	sim_start(rtt_none, &base_cfg);
	sim_run_until(1000 * MS);
	CU_ASSERT_EQUAL_FATAL(sim.requests, 4);
	for (int n = 0; n < 4; n++) {
		CU_ASSERT_EQUAL(sim.sent_ns[n], n * SYN_UNSYNCED_SPACING_NS);
		/* The id is the realtime ms at sending. */
		CU_ASSERT_EQUAL(sim.ids[n], REAL0_MS + n * SYN_UNSYNCED_SPACING_NS / MS);
	}
	CU_ASSERT_EQUAL(syn_counters(sim.e)->sent, 4);
	CU_ASSERT_EQUAL(sim.polls, 0);
	sim_stop();

	/* ...and once synchronised, spacing apart. */
	sim_start(rtt_20, &base_cfg);
	while (sim.requests < 8 && sim.now_ns < 60 * S)
		sim_run_until(sim.now_ns);
	CU_ASSERT_EQUAL_FATAL(sim.requests, 8);
	for (int n = 5; n < 8; n++)
		CU_ASSERT_EQUAL(sim.sent_ns[n] - sim.sent_ns[n - 1], 200 * MS);
	sim_stop();

	struct syn_config cfg = base_cfg;
	cfg.burst = 7;
	cfg.spacing_ns = 10 * MS;
	sim_start(rtt_none, &cfg);
	sim_run_until(1000 * MS);
	CU_ASSERT_EQUAL_FATAL(sim.requests, 7);
	CU_ASSERT_EQUAL(sim.sent_ns[6], 60 * MS);
	sim_stop();
}

static void late_tick_does_not_stretch_the_burst(void)
{
	struct syn_engine *e = syn_create(&base_cfg);
	int64_t id;

	/* The first burst, unsynchronised: 50 ms apart. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE(request_due(e, 0, REAL0_MS, &id));
	CU_ASSERT_FALSE(request_due(e, 49 * MS, REAL0_MS + 49, &id));
	/* The loop woke 25 ms late for the second request... */
	CU_ASSERT_TRUE(request_due(e, 75 * MS, REAL0_MS + 75, &id));
	/* ...the third is still due on schedule, at 100 ms. */
	CU_ASSERT_FALSE(request_due(e, 99 * MS, REAL0_MS + 99, &id));
	CU_ASSERT_TRUE(request_due(e, 100 * MS, REAL0_MS + 100, &id));
	CU_ASSERT_TRUE(request_due(e, 150 * MS, REAL0_MS + 150, &id));
	/* Burst complete: nothing more until the poll is over. */
	CU_ASSERT_FALSE(request_due(e, 800 * MS, REAL0_MS + 800, &id));
	CU_ASSERT_EQUAL(syn_counters(e)->sent, 4);
	syn_destroy(e);
}

static void answered_poll_gives_an_estimate_within_its_bound(void)
{
	struct est_estimate est;

	sim_start(rtt_mixed, &base_cfg);
	CU_ASSERT_FALSE(syn_estimate(sim.e, 0, &est));
	sim_run_until(1000 * MS);
	CU_ASSERT_EQUAL(sim.verdicts[SYN_ACCEPTED], 4);
	CU_ASSERT_EQUAL_FATAL(sim.polls, 1);
	const struct syn_poll_result *r = &sim.result[0];
	CU_ASSERT_TRUE_FATAL(r->answered);
	/* Round trips of 40, 12, 30 and 24 ms: the estimate is no further off than half the
	 * smallest, a ms quantum included. */
	assert_estimate(sim.e, 1000 * MS, 7 * MS);
	CU_ASSERT_TRUE_FATAL(syn_estimate(sim.e, 1000 * MS, &est));
	CU_ASSERT_EQUAL(est.min_rtt_ns, 13 * MS);
	CU_ASSERT_EQUAL(est.exchanges, 4);
	CU_ASSERT_FALSE(r->was_synced);
	CU_ASSERT_TRUE(r->synced);
	CU_ASSERT_TRUE(syn_synced(sim.e));
	/* All answered: the poll ends with the last answer, at 150 + 24 + 2 ms. */
	CU_ASSERT_EQUAL(sim.poll_end_ns[0], 176 * MS);

	const struct syn_counters *c = syn_counters(sim.e);
	CU_ASSERT_EQUAL(c->sent, 4);
	CU_ASSERT_EQUAL(c->answered, 4);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_ACCEPTED], 4);
	CU_ASSERT_EQUAL(c->rejected, 0);
	CU_ASSERT_EQUAL(c->timed_out, 0);
	CU_ASSERT_EQUAL(c->polls, 1);
	CU_ASSERT_EQUAL(c->samples, 1);
	sim_stop();
}

static void poll_done_reports_each_poll_once(void)
{
	struct syn_poll_result res;

	sim_start(rtt_20, &base_cfg);
	CU_ASSERT_FALSE(syn_poll_done(sim.e, 0, &res));
	sim_run_until(1000 * MS);
	CU_ASSERT_EQUAL_FATAL(sim.polls, 1);
	for (int64_t t = 1001; t < 1100; t++)
		CU_ASSERT_FALSE(syn_poll_done(sim.e, t * MS, &res));
	CU_ASSERT_EQUAL(syn_counters(sim.e)->polls, 1);
	sim_stop();
}

static void unanswered_poll_ends_after_the_timeout_without_a_sample(void)
{
	sim_start(rtt_none, &base_cfg);
	/* The last request went at 150 ms; it has failed only after 1000 ms more. */
	sim_run_until(1150 * MS);
	CU_ASSERT_EQUAL(sim.polls, 0);
	sim_run_until(1151 * MS);
	CU_ASSERT_EQUAL_FATAL(sim.polls, 1);
	CU_ASSERT_FALSE(sim.result[0].answered);
	CU_ASSERT_FALSE(sim.result[0].synced);
	CU_ASSERT_FALSE(syn_synced(sim.e));
	const struct syn_counters *c = syn_counters(sim.e);
	CU_ASSERT_EQUAL(c->timed_out, 4);
	CU_ASSERT_EQUAL(c->answered, 0);
	CU_ASSERT_EQUAL(c->rejected, 0);
	CU_ASSERT_EQUAL(c->polls, 1);
	CU_ASSERT_EQUAL(c->samples, 0);
	sim_stop();
}

/* The first request is lost (a bridge still connecting); the rest take 80 ms. */
static int rtt_first_lost(int n)
{
	return n % 4 == 0 ? NO_ANSWER : 80;
}

/* The first is lost, the last takes 300 ms, the others 20. */
static int rtt_first_lost_last_slow(int n)
{
	return n % 4 == 0 ? NO_ANSWER : n % 4 == 3 ? 300 : 20;
}

static void lost_request_ends_the_poll_early(void)
{
	sim_start(rtt_first_lost, &base_cfg);
	/* Sent at 0, 50, 100, 150 ms; answered 82 ms later. The poll is over once the lost one
	 * has waited twice the slowest answer's round trip (2 x 82 ms) past the last request, not
	 * the whole 1000 ms timeout. */
	sim_run_until(150 * MS + 2 * 82 * MS);
	CU_ASSERT_EQUAL(sim.polls, 0);
	sim_run_until(150 * MS + 2 * 82 * MS + 1 * MS);
	CU_ASSERT_EQUAL_FATAL(sim.polls, 1);
	CU_ASSERT_TRUE(sim.result[0].answered);
	CU_ASSERT_TRUE(sim.result[0].synced);
	CU_ASSERT_EQUAL(syn_counters(sim.e)->timed_out, 0);
	/* The lost one still times out in its own time. */
	sim_run_until(1200 * MS);
	CU_ASSERT_EQUAL(syn_counters(sim.e)->timed_out, 1);
	sim_stop();

	/* With quick answers the wait is SYN_LATE_MIN_NS at least. */
	sim_start(rtt_20, &base_cfg);
	struct syn_poll_result res;
	int64_t id;
	CU_ASSERT_TRUE(request_due(sim.e, 0, REAL0_MS, &id));
	CU_ASSERT_FALSE(syn_poll_done(sim.e, SYN_LATE_MIN_NS, &res));
	sim_stop();
}

/* When the next answer arrives, or INT64_MAX if none is on its way. */
static int64_t sim_next_answer_ns(void)
{
	int64_t next = INT64_MAX;

	for (int n = 0; n < sim.requests; n++)
		if (sim.answers[n].due && sim.answers[n].at_ns < next)
			next = sim.answers[n].at_ns;
	return next;
}

/* Runs until end_ns as a broker that ticks only when asked (Mosquitto 2.1): a tick when
 * syn_next_due_ns says, 1 ms later at least, and when an answer comes in (the broker's loop
 * wakes for the message). Returns the number of ticks. */
static int sim_run_on_request_until(int64_t end_ns)
{
	int ticks = 0;

	while (sim.now_ns <= end_ns) {
		sim_tick();
		ticks++;
		int64_t next = syn_next_due_ns(sim.e, sim.now_ns);
		if (next < sim.now_ns + MS)
			next = sim.now_ns + MS;
		if (sim_next_answer_ns() < next)
			next = sim_next_answer_ns();
		sim.now_ns = next;
	}
	return ticks;
}

static void ticks_only_when_due_keep_the_schedule(void)
{
	static int64_t sent_ns[MAX_REQ], poll_end_ns[MAX_POLL];
	const int64_t end_ns = 60 * S;

	/* Every ms, as a reference: fast polls, then the 16 s interval; in each poll the first
	 * request is lost and the last answer is slow, so polls end by the late rule. */
	sim_start(rtt_first_lost_last_slow, &base_cfg);
	sim_run_until(end_ns);
	int requests = sim.requests, polls = sim.polls;
	memcpy(sent_ns, sim.sent_ns, sizeof(sent_ns));
	memcpy(poll_end_ns, sim.poll_end_ns, sizeof(poll_end_ns));
	sim_stop();
	CU_ASSERT_FATAL(polls >= 10);

	/* Ticking only when due, the requests leave at the same instants and each poll ends
	 * within the ms the reference saw it end (which ticked on whole ms only). */
	sim_start(rtt_first_lost_last_slow, &base_cfg);
	int ticks = sim_run_on_request_until(end_ns);
	CU_ASSERT_EQUAL_FATAL(sim.requests, requests);
	CU_ASSERT_EQUAL_FATAL(sim.polls, polls);
	for (int n = 0; n < requests; n++)
		CU_ASSERT_EQUAL(sim.sent_ns[n], sent_ns[n]);
	for (int n = 0; n < polls; n++) {
		CU_ASSERT(sim.poll_end_ns[n] <= poll_end_ns[n]);
		CU_ASSERT(sim.poll_end_ns[n] > poll_end_ns[n] - MS);
	}
	/* A tick per request, per answer and per poll's end, and a few for the timeouts. */
	CU_ASSERT(ticks <= 3 * requests + polls);
	sim_stop();
}

static void late_answer_after_an_early_end_still_reaches_the_estimator(void)
{
	/* The poll ends at 251 ms (the 100 ms minimum after the last request, answers taking
	 * 22 ms so far); the last answer comes at 452 ms, within the timeout, and counts. */
	sim_start(rtt_first_lost_last_slow, &base_cfg);
	sim_run_until(300 * MS);
	CU_ASSERT_EQUAL_FATAL(sim.polls, 1);
	CU_ASSERT_EQUAL(sim.poll_end_ns[0], 251 * MS);
	sim_run_until(900 * MS);
	CU_ASSERT_EQUAL(sim.verdicts[SYN_ACCEPTED], 3);
	struct est_estimate est;
	CU_ASSERT_TRUE_FATAL(syn_estimate(sim.e, 900 * MS, &est));
	CU_ASSERT_EQUAL(est.exchanges, 3);
	sim_stop();
}

/* Poll p (0-based) is answered unless it is one of polls 1, 2, 3 or 5. */
static int rtt_fail_three_then_one(int n)
{
	int p = n / 4;
	return (p >= 1 && p <= 3) || p == 5 ? NO_ANSWER : 20;
}

static void sync_is_lost_after_max_failed_polls_and_regained_by_a_good_one(void)
{
	sim_start(rtt_fail_three_then_one, &base_cfg);
	while (sim.polls < 7 && sim.now_ns < 600 * S)
		sim_run_until(sim.now_ns);
	CU_ASSERT_EQUAL_FATAL(sim.polls, 7);
	const struct syn_poll_result *r = sim.result;
	CU_ASSERT_TRUE(r[0].answered);
	CU_ASSERT_TRUE(r[0].synced);
	/* One and two failed polls: still synced. */
	CU_ASSERT_FALSE(r[1].answered);
	CU_ASSERT_TRUE(r[1].synced);
	CU_ASSERT_TRUE(r[2].synced);
	/* The third (max_failed_polls) loses sync. */
	CU_ASSERT_TRUE(r[3].was_synced);
	CU_ASSERT_FALSE(r[3].synced);
	/* A good poll brings it back. */
	CU_ASSERT_TRUE(r[4].answered);
	CU_ASSERT_FALSE(r[4].was_synced);
	CU_ASSERT_TRUE(r[4].synced);
	/* And a single failure after that does not lose it. */
	CU_ASSERT_FALSE(r[5].answered);
	CU_ASSERT_TRUE(r[5].synced);
	CU_ASSERT_TRUE(r[6].synced);
	CU_ASSERT_EQUAL(syn_counters(sim.e)->polls, 7);
	CU_ASSERT_EQUAL(syn_counters(sim.e)->samples, 3);
	CU_ASSERT_EQUAL(syn_counters(sim.e)->timed_out, 16);
	sim_stop();
}

static void first_fast_polls_come_fast_interval_apart_then_poll_interval(void)
{
	/* The fast polls, then two steady ones, and a little before the third. */
	sim_start(rtt_20, &base_cfg);
	sim_run_until((SCH_QUICK_POLLS - 1) * SCH_QUICK_INTERVAL_NS + 2 * base_cfg.steady_ns +
	              8 * S);
	CU_ASSERT_EQUAL_FATAL(sim.polls, SCH_QUICK_POLLS + 2);
	for (int p = 1; p < SCH_QUICK_POLLS; p++)
		CU_ASSERT_EQUAL(sim.poll_start_ns[p] - sim.poll_start_ns[p - 1],
		                SCH_QUICK_INTERVAL_NS);
	for (int p = SCH_QUICK_POLLS; p < sim.polls; p++)
		CU_ASSERT_EQUAL(sim.poll_start_ns[p] - sim.poll_start_ns[p - 1],
		                base_cfg.steady_ns);
	sim_stop();
}

static void fast_polls_number_the_same_when_the_platform_is_silent(void)
{
	/* The same schedule as above, without a single answer. */
	sim_start(rtt_none, &base_cfg);
	sim_run_until((SCH_QUICK_POLLS - 1) * SCH_QUICK_INTERVAL_NS + 2 * base_cfg.steady_ns +
	              8 * S);
	CU_ASSERT_FATAL(sim.polls >= SCH_QUICK_POLLS + 1);
	for (int p = 1; p < SCH_QUICK_POLLS; p++)
		CU_ASSERT_EQUAL(sim.poll_start_ns[p] - sim.poll_start_ns[p - 1],
		                SCH_QUICK_INTERVAL_NS);
	CU_ASSERT_EQUAL(sim.poll_start_ns[SCH_QUICK_POLLS] - sim.poll_start_ns[SCH_QUICK_POLLS - 1],
	                base_cfg.steady_ns);
	sim_stop();
}

/* The fast polls and one steady poll answered, the next three not (sync lost at the third),
 * answered again from then on. */
#define LOSE_FIRST (SCH_QUICK_POLLS + 1)
#define REGAIN     (LOSE_FIRST + 3)
static int rtt_lose_and_regain(int n)
{
	int p = n / 4;
	return p >= LOSE_FIRST && p < REGAIN ? NO_ANSWER : 20;
}

static void regaining_sync_brings_fast_polls_back(void)
{
	sim_start(rtt_lose_and_regain, &base_cfg);
	sim_run_until((SCH_QUICK_POLLS - 1) * SCH_QUICK_INTERVAL_NS +
	              (REGAIN - SCH_QUICK_POLLS + 2) * base_cfg.steady_ns +
	              (SCH_QUICK_POLLS + 1) * SCH_QUICK_INTERVAL_NS);
	CU_ASSERT_FATAL(sim.polls >= REGAIN + SCH_QUICK_POLLS + 1);
	CU_ASSERT_FALSE(sim.result[REGAIN - 1].synced);
	CU_ASSERT_TRUE(sim.result[REGAIN].synced);
	CU_ASSERT_FALSE(sim.result[REGAIN].was_synced);
	/* The polls after regaining come quickly, as at start, then the steady interval resumes. */
	for (int p = REGAIN + 1; p < REGAIN + SCH_QUICK_POLLS; p++)
		CU_ASSERT_EQUAL(sim.poll_start_ns[p] - sim.poll_start_ns[p - 1],
		                SCH_QUICK_INTERVAL_NS);
	CU_ASSERT_EQUAL(sim.poll_start_ns[REGAIN + SCH_QUICK_POLLS] -
	                    sim.poll_start_ns[REGAIN + SCH_QUICK_POLLS - 1],
	                base_cfg.steady_ns);
	/* While sync was merely being lost, polls stayed at the steady interval. */
	CU_ASSERT_EQUAL(sim.poll_start_ns[REGAIN - 1] - sim.poll_start_ns[REGAIN - 2],
	                base_cfg.steady_ns);
	CU_ASSERT_EQUAL(sim.poll_start_ns[REGAIN] - sim.poll_start_ns[REGAIN - 1],
	                base_cfg.steady_ns);
	sim_stop();
}

static void step_of_the_platform_brings_quick_polls_within_the_budget(void)
{
	/* The default budget: 4 requests every 71 s once the start's quick polls are over. */
	struct syn_config cfg = base_cfg;
	cfg.max_per_day = 5400;
	cfg.steady_ns = 0;
	sim_start(rtt_20, &cfg);
	sim.jump_at_ns = 600 * S;
	sim.jump_ms = 50;
	sim_run_until(sim.jump_at_ns);
	int before = sim.polls;
	CU_ASSERT_EQUAL(syn_poll_interval(sim.e), 4 * SCH_DAY_NS / (int64_t)(0.9 * 5400));
	/* Polls start on the simulation's 1 ms ticks. */
	int64_t apart = sim.poll_start_ns[before - 1] - sim.poll_start_ns[before - 2];
	CU_ASSERT(apart >= syn_poll_interval(sim.e) && apart <= syn_poll_interval(sim.e) + MS);
	sim_run_until(sim.jump_at_ns + 120 * S);
	/* The first poll after the step sees it; the next 7 come quickly, and settle it. */
	CU_ASSERT_EQUAL(syn_estimator_counters(sim.e)->steps, 1);
	CU_ASSERT_FATAL(sim.polls >= before + SCH_QUICK_POLLS);
	for (int p = before + 1; p < before + SCH_QUICK_POLLS; p++)
		CU_ASSERT_EQUAL(sim.poll_start_ns[p] - sim.poll_start_ns[p - 1],
		                SCH_QUICK_INTERVAL_NS);
	struct est_estimate est;
	CU_ASSERT_TRUE_FATAL(syn_estimate(sim.e, sim.now_ns, &est));
	int64_t err = est.platform_ns - ((REAL0_MS + AHEAD_MS + 50) * MS + sim.now_ns);
	CU_ASSERT((err < 0 ? -err : err) <= est.error_ns);
	CU_ASSERT(syn_requests_last_day(sim.e, sim.now_ns) == syn_counters(sim.e)->sent);
	CU_ASSERT(syn_counters(sim.e)->sent <= 5400);
	sim_stop();
}

static int rtt_over_max(int n)
{
	static const int rtts[] = {600, 700, 502, 504};
	return rtts[n % 4];
}

static void over_max_rtt_is_discarded_not_rejected(void)
{
	sim_start(rtt_over_max, &base_cfg);
	sim_run_until(2 * S);
	const struct syn_counters *c = syn_counters(sim.e);
	CU_ASSERT_EQUAL(sim.verdicts[SYN_DISCARDED_RTT], 4);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_DISCARDED_RTT], 4);
	CU_ASSERT_EQUAL(c->rejected, 0);
	/* They were valid answers to our requests, just too slow. */
	CU_ASSERT_EQUAL(c->answered, 4);
	CU_ASSERT_EQUAL(c->timed_out, 0);
	CU_ASSERT_EQUAL_FATAL(sim.polls, 1);
	CU_ASSERT_FALSE(sim.result[0].answered);
	sim_stop();
}

static int rtt_one_fast(int n)
{
	static const int rtts[] = {600, 30, 800, NO_ANSWER};
	return rtts[n % 4];
}

static void answers_over_max_rtt_never_reach_the_estimate(void)
{
	struct est_estimate est;

	sim_start(rtt_one_fast, &base_cfg);
	sim_run_until(2 * S);
	CU_ASSERT_EQUAL_FATAL(sim.polls, 1);
	CU_ASSERT_TRUE_FATAL(sim.result[0].answered);
	CU_ASSERT_TRUE_FATAL(syn_estimate(sim.e, 2 * S, &est));
	CU_ASSERT_EQUAL(est.exchanges, 1);
	CU_ASSERT_EQUAL(est.min_rtt_ns, 31 * MS);
	assert_estimate(sim.e, 2 * S, 16 * MS);
	CU_ASSERT_EQUAL(sim.verdicts[SYN_ACCEPTED], 1);
	CU_ASSERT_EQUAL(sim.verdicts[SYN_DISCARDED_RTT], 2);
	CU_ASSERT_EQUAL(syn_counters(sim.e)->timed_out, 1);
	sim_stop();
}

/* Sends one response payload at raw ms t, with realtime following it. Every verdict these give
 * is asserted, so when the tests pass each response the engine refused is one a test fed it to
 * be refused: those are counted as bad inputs as they go. */
static enum syn_verdict respond_in(const struct dlc_dialect *d, struct syn_engine *e,
                                   const char *text, int64_t t)
{
	struct timespec real = real_ts(t * MS);
	enum syn_verdict v = deliver(d, e, text, t * MS, &real);
	if (v != SYN_ACCEPTED && v != SYN_DISCARDED_RTT)
		runner_add_figure("bad_inputs", 1);
	return v;
}

/* The same in Alibaba's dialect. */
static enum syn_verdict respond(struct syn_engine *e, const char *text, int64_t t)
{
	return respond_in(dialect("aliyun"), e, text, t);
}

static enum syn_verdict answer(struct syn_engine *e, int64_t id, int64_t recv_ms, int64_t send_ms,
                               int64_t t)
{
	char text[DLC_BUF_SIZE];
	response_text(text, sizeof(text), id, recv_ms, send_ms);
	return respond(e, text, t);
}

static void bad_and_unwanted_responses_are_counted_by_verdict(void)
{
	memset(&sim, 0, sizeof(sim));
	struct syn_engine *e = syn_create(&base_cfg);
	int64_t id[4];
	char big[CDC_MAX_PAYLOAD + 2];
	const int64_t P = REAL0_MS + AHEAD_MS; /* platform time at mono 0 */

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE_FATAL(request_due(e, 0, real_ms(0), &id[0]));
	/* 20 ms round trip, then the same answer again. */
	CU_ASSERT_EQUAL(answer(e, id[0], P + 10, P + 12, 22), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(answer(e, id[0], P + 10, P + 12, 23), SYN_REJ_DUPLICATE);
	/* An id never sent. */
	CU_ASSERT_EQUAL(answer(e, id[0] - 1000, P + 10, P + 12, 24), SYN_REJ_UNKNOWN);
	CU_ASSERT_TRUE_FATAL(request_due(e, 200 * MS, real_ms(200 * MS), &id[1]));
	CU_ASSERT_TRUE_FATAL(request_due(e, 400 * MS, real_ms(400 * MS), &id[2]));
	/* Send before receive: rejected without using up the request... */
	CU_ASSERT_EQUAL(answer(e, id[2], P + 415, P + 410, 420), SYN_REJ_SERVER_ORDER);
	/* ...whose real answer still counts: 31 ms, 1 of them on the platform. */
	CU_ASSERT_EQUAL(answer(e, id[2], P + 405, P + 406, 431), SYN_ACCEPTED);
	CU_ASSERT_TRUE_FATAL(request_due(e, 600 * MS, real_ms(600 * MS), &id[3]));
	/* Payloads the codec refuses. */
	CU_ASSERT_EQUAL(respond(e, "not json", 601), SYN_REJ_NOT_JSON);
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(respond(e, big, 601), SYN_REJ_TOO_LARGE);
	CU_ASSERT_EQUAL(respond(e, "{\"deviceSendTime\":\"1\"}", 601), SYN_REJ_MISSING_FIELD);
	CU_ASSERT_EQUAL(answer(e, id[3], 946684799999, P + 610, 602), SYN_REJ_BAD_TIME);
	CU_ASSERT_EQUAL(respond(e,
	                        "{\"deviceSendTime\":\"x\",\"serverRecvTime\":\"1795554000110\","
	                        "\"serverSendTime\":\"1795554000115\"}",
	                        602),
	                SYN_REJ_BAD_VALUE);
	/* 10 ms of processing in a 5 ms exchange is more than ms truncation explains. */
	CU_ASSERT_EQUAL(answer(e, id[3], P + 600, P + 610, 605), SYN_REJ_NEGATIVE_RTT);
	/* Answered after the 1000 ms timeout. */
	CU_ASSERT_EQUAL(answer(e, id[1], P + 800, P + 801, 1201), SYN_REJ_EXPIRED);
	/* Dropped by the caller: published by a local client. */
	syn_count_verdict(e, SYN_REJ_LOCAL_CLIENT);
	syn_count_verdict(e, SYN_REJ_LOCAL_CLIENT);
	syn_count_verdict(e, SYN_VERDICT_COUNT); /* ignored */

	const struct syn_counters *c = syn_counters(e);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_ACCEPTED], 2);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_DUPLICATE], 1);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_UNKNOWN], 1);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_SERVER_ORDER], 1);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_NOT_JSON], 1);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_TOO_LARGE], 1);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_MISSING_FIELD], 1);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_BAD_TIME], 1);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_BAD_VALUE], 1);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_NEGATIVE_RTT], 1);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_EXPIRED], 1);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_LOCAL_CLIENT], 2);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_DISCARDED_RTT], 0);
	CU_ASSERT_EQUAL(c->rejected, 12);
	CU_ASSERT_EQUAL(c->answered, 2);

	/* Both requests without a sound answer (the late one and the one answered only with
	 * an impossible round trip) count as timed out once the poll is done. */
	struct syn_poll_result res;
	CU_ASSERT_TRUE_FATAL(syn_poll_done(e, 1601 * MS, &res));
	CU_ASSERT_TRUE_FATAL(res.answered);
	/* The two accepted, of 20 and 30 ms, hold the platform's time within half the smaller;
	 * the refused ones, far off, moved nothing. */
	assert_estimate(e, 1601 * MS, 11 * MS);
	CU_ASSERT_EQUAL(c->timed_out, 2);
	syn_destroy(e);
}

static void realtime_out_of_range_is_its_own_verdict(void)
{
	struct syn_engine *e = syn_create(&base_cfg);
	int64_t id;
	char text[CDC_BUF_SIZE];
	/* A system clock some 300 years ahead of a 2026 platform. Where time_t has 32 bits it
	 * cannot be: there it is in 1901 and the platform in 2099, also over 2^32 s apart. */
	const bool time_t_64 = sizeof(time_t) >= 8;
	struct timespec real = {
	    .tv_sec = time_t_64 ? (time_t)(INT64_C(1) << 33) : (time_t)INT32_MIN, .tv_nsec = 0};
	const int64_t platform_ms = time_t_64 ? REAL0_MS : INT64_C(4083955200000);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE_FATAL(request_due(e, 0, REAL0_MS, &id));
	response_text(text, sizeof(text), id, platform_ms, platform_ms);
	CU_ASSERT_EQUAL(deliver(dialect("aliyun"), e, text, 10 * MS, &real), SYN_REJ_OUT_OF_RANGE);
	CU_ASSERT_EQUAL(syn_counters(e)->by_verdict[SYN_REJ_OUT_OF_RANGE], 1);
	CU_ASSERT_EQUAL(syn_counters(e)->rejected, 1);
	syn_destroy(e);
}

static void realtime_step_during_a_request_leaves_the_estimate_alone(void)
{
	struct syn_engine *e = syn_create(&base_cfg);
	int64_t id;
	struct syn_poll_result res;
	const int64_t P = REAL0_MS + AHEAD_MS;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	sim.step_ms = 0;
	for (int n = 0; n < 4; n++) {
		CU_ASSERT_TRUE_FATAL(request_due(e, n * 200 * MS, real_ms(n * 200 * MS), &id));
		if (n == 0) {
			/* The system clock is stepped 5 s forward while the first is in flight. */
			sim.step_ms = 5000;
			CU_ASSERT_EQUAL(answer(e, id, P + 10, P + 12, 22), SYN_ACCEPTED);
		}
	}
	CU_ASSERT_TRUE_FATAL(syn_poll_done(e, 1601 * MS, &res));
	CU_ASSERT_TRUE_FATAL(res.answered);
	/* The raw clock says 22 ms, 2 of them on the platform; the system clock's step is in
	 * no part of the estimate, which follows the raw clock alone. */
	assert_estimate(e, 1601 * MS, 11 * MS);
	/* The exchange's own record, for analysis, is against the stepped system clock. */
	struct syn_exchange x;
	CU_ASSERT_TRUE_FATAL(syn_last_exchange(e, &x));
	CU_ASSERT_EQUAL(x.sample.rtt_ns, 20 * MS);
	CU_ASSERT_EQUAL(x.sample.offset_ns, (AHEAD_MS - 5000) * MS);
	sim.step_ms = 0;
	syn_destroy(e);
}

/* Runs the simulation until the engine has finished at least polls polls. */
static void sim_run_polls(int polls)
{
	while (sim.polls < polls && sim.now_ns < 600 * S)
		sim_run_until(sim.now_ns);
	CU_ASSERT_EQUAL_FATAL(sim.polls, polls);
}

static int64_t real_ns(int64_t mono_ns)
{
	return (REAL0_MS + sim.step_ms) * MS + mono_ns;
}

static void slewing_system_clock_is_no_jump(void)
{
	sim_start(rtt_20, &base_cfg);
	sim_run_polls(2);
	CU_ASSERT_TRUE_FATAL(syn_fresh(sim.e));
	/* chrony slewing at 80 ms a second, read twice a second. */
	int64_t t = sim.now_ns;
	for (int i = 0; i < 10; i++, t += 500 * MS)
		CU_ASSERT_EQUAL(syn_note_clocks(sim.e, t, real_ns(t) + i * 40 * MS), 0);
	CU_ASSERT_TRUE(syn_fresh(sim.e));
	sim_stop();
}

static void system_clock_step_holds_the_estimate_until_a_poll_agrees(void)
{
	sim_start(rtt_20, &base_cfg);
	sim_run_polls(2);
	int64_t t = sim.now_ns;
	CU_ASSERT_EQUAL(syn_note_clocks(sim.e, t, real_ns(t)), 0);
	/* The system clock is stepped 5 s forward; the platform's time and the raw clock go
	 * on as before. */
	CU_ASSERT_EQUAL(syn_note_clocks(sim.e, t + 500 * MS, real_ns(t + 500 * MS) + 5 * S), 5 * S);
	CU_ASSERT_FALSE(syn_fresh(sim.e));
	/* The next poll's answers agree with the estimate: it is fresh again, unchanged. */
	sim_run_polls(3);
	CU_ASSERT_TRUE(syn_fresh(sim.e));
	CU_ASSERT_EQUAL(syn_estimator_counters(sim.e)->steps, 0);
	assert_estimate(sim.e, sim.now_ns, 11 * MS);
	sim_stop();
}

static void raw_clock_standing_still_is_followed_as_a_step(void)
{
	sim_start(rtt_20, &base_cfg);
	sim_run_polls(2);
	int64_t t = sim.now_ns;
	CU_ASSERT_EQUAL(syn_note_clocks(sim.e, t, real_ns(t)), 0);
	/* The machine stood still for 5 s that the raw clock did not count: the system clock
	 * and the platform's are 5 s further on against it. */
	sim.step_ms = 5000;
	CU_ASSERT_EQUAL(syn_note_clocks(sim.e, t + 500 * MS, real_ns(t + 500 * MS)), 5 * S);
	CU_ASSERT_FALSE(syn_fresh(sim.e));
	CU_ASSERT_TRUE(syn_in_doubt(sim.e));
	/* Still synchronised: a jump is no outage. */
	CU_ASSERT_TRUE(syn_synced(sim.e));
	/* The next poll's answers conflict with the window until the estimator takes the step;
	 * then the estimate is fresh again, at the platform's new time. */
	sim_run_polls(3);
	CU_ASSERT_TRUE(syn_fresh(sim.e));
	CU_ASSERT_FALSE(syn_in_doubt(sim.e));
	CU_ASSERT_EQUAL(syn_estimator_counters(sim.e)->steps, 1);
	struct est_estimate est;
	CU_ASSERT_TRUE_FATAL(syn_estimate(sim.e, sim.now_ns, &est));
	int64_t truth = (REAL0_MS + AHEAD_MS + 5000) * MS + sim.now_ns;
	int64_t err = est.platform_ns - truth;
	CU_ASSERT(err <= 11 * MS && err >= -11 * MS);
	CU_ASSERT(err <= est.error_ns && -err <= est.error_ns);
	sim.step_ms = 0;
	sim_stop();
}

static void answer_claiming_more_processing_than_the_timeout_is_a_slow_server(void)
{
	struct syn_engine *e = syn_create(&base_cfg);
	int64_t id;
	struct syn_poll_result res;
	const int64_t P = REAL0_MS + AHEAD_MS;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE_FATAL(request_due(e, 0, real_ms(0), &id));
	/* 1001 ms between the platform's receive and send times, with a 1000 ms timeout. */
	CU_ASSERT_EQUAL(answer(e, id, P + 10, P + 1011, 15), SYN_REJ_SLOW_SERVER);
	CU_ASSERT_EQUAL(answer(e, id, P + 10, P + 10 + 86400000, 16), SYN_REJ_SLOW_SERVER);
	/* Exactly the timeout is not slow by that rule, but impossible in a 17 ms exchange. */
	CU_ASSERT_EQUAL(answer(e, id, P + 10, P + 1010, 17), SYN_REJ_NEGATIVE_RTT);
	/* None of them used up the request: its real answer is the sample. */
	CU_ASSERT_EQUAL(answer(e, id, P + 10, P + 12, 22), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(answer(e, id, P + 10, P + 1011, 23), SYN_REJ_SLOW_SERVER);

	const struct syn_counters *c = syn_counters(e);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_SLOW_SERVER], 3);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_NEGATIVE_RTT], 1);
	CU_ASSERT_EQUAL(c->rejected, 4);
	CU_ASSERT_EQUAL(c->answered, 1);
	for (int n = 1; n < 4; n++)
		CU_ASSERT_TRUE_FATAL(request_due(e, n * 200 * MS, real_ms(n * 200 * MS), &id));
	CU_ASSERT_TRUE_FATAL(syn_poll_done(e, 1601 * MS, &res));
	CU_ASSERT_TRUE_FATAL(res.answered);
	assert_estimate(e, 1601 * MS, 11 * MS);
	syn_destroy(e);
}

static void forged_answer_with_a_negative_round_trip_leaves_the_request_open(void)
{
	struct syn_engine *e = syn_create(&base_cfg);
	int64_t id;
	const int64_t P = REAL0_MS + AHEAD_MS;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE_FATAL(request_due(e, 0, real_ms(0), &id));
	/* 10 ms of processing claimed 5 ms after sending, and again 8 ms after. */
	CU_ASSERT_EQUAL(answer(e, id, P + 1, P + 11, 5), SYN_REJ_NEGATIVE_RTT);
	CU_ASSERT_EQUAL(answer(e, id, P + 1, P + 11, 8), SYN_REJ_NEGATIVE_RTT);
	CU_ASSERT_EQUAL(syn_counters(e)->answered, 0);
	/* The real answer still matches, once. */
	CU_ASSERT_EQUAL(answer(e, id, P + 10, P + 12, 22), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(answer(e, id, P + 10, P + 12, 23), SYN_REJ_DUPLICATE);
	CU_ASSERT_EQUAL(syn_counters(e)->answered, 1);
	CU_ASSERT_EQUAL(syn_counters(e)->by_verdict[SYN_REJ_NEGATIVE_RTT], 2);
	syn_destroy(e);
}

static void verdicts_dropped_by_the_caller_are_counted_as_rejected(void)
{
	struct syn_engine *e = syn_create(&base_cfg);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	syn_count_verdict(e, SYN_REJ_OTHER_DEVICE);
	syn_count_verdict(e, SYN_REJ_OTHER_DEVICE);
	syn_count_verdict(e, SYN_REJ_LOCAL_CLIENT);
	syn_count_verdict(e, SYN_REJ_IMPOSTOR);
	const struct syn_counters *c = syn_counters(e);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_OTHER_DEVICE], 2);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_LOCAL_CLIENT], 1);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_IMPOSTOR], 1);
	CU_ASSERT_EQUAL(c->rejected, 4);
	CU_ASSERT_EQUAL(c->answered, 0);
	CU_ASSERT_STRING_EQUAL(syn_verdict_name(SYN_REJ_SLOW_SERVER), "slow_server");
	CU_ASSERT_STRING_EQUAL(syn_verdict_name(SYN_REJ_OTHER_DEVICE), "other_device");
	CU_ASSERT_STRING_EQUAL(syn_verdict_name(SYN_REJ_LOCAL_CLIENT), "local_client");
	CU_ASSERT_STRING_EQUAL(syn_verdict_name(SYN_REJ_IMPOSTOR), "impostor");
	CU_ASSERT_STRING_EQUAL(syn_verdict_name(SYN_DISCARDED_RTT), "over_max_rtt");
	syn_destroy(e);
}

static void verdict_names_are_distinct_snake_case(void)
{
	for (int i = 0; i < SYN_VERDICT_COUNT; i++) {
		const char *name = syn_verdict_name((enum syn_verdict)i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(name);
		CU_ASSERT(name[0] != '\0');
		CU_ASSERT_STRING_NOT_EQUAL(name, "unknown");
		CU_ASSERT(strspn(name, "abcdefghijklmnopqrstuvwxyz_") == strlen(name));
		for (int j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(name, syn_verdict_name((enum syn_verdict)j));
	}
	CU_ASSERT_STRING_EQUAL(syn_verdict_name(SYN_VERDICT_COUNT), "unknown");
}

/* ---- how requests are named: echoed T1 (Alibaba), message ids (Tuya), none (Tencent) ---- */

/* The round trip of the exchange the engine last took, in ms. */
static int64_t last_rtt_ms(const struct syn_engine *e)
{
	struct syn_exchange x;

	CU_ASSERT_TRUE_FATAL(syn_last_exchange(e, &x));
	return x.sample.rtt_ns / MS;
}

static void t1_grows_strictly_whatever_the_system_clock_reads(void)
{
	struct syn_config cfg = base_cfg;
	struct syn_engine *e;
	int64_t id[5];
	const int64_t P = REAL0_MS + AHEAD_MS;

	cfg.burst = 5;
	e = syn_create(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	/* The system clock reads the same ms for three requests... */
	CU_ASSERT_TRUE_FATAL(request_due(e, 0, REAL0_MS, &id[0]));
	CU_ASSERT_TRUE_FATAL(request_due(e, 50 * MS, REAL0_MS, &id[1]));
	CU_ASSERT_TRUE_FATAL(request_due(e, 100 * MS, REAL0_MS, &id[2]));
	CU_ASSERT_EQUAL(id[0], REAL0_MS);
	CU_ASSERT_EQUAL(id[1], REAL0_MS + 1);
	CU_ASSERT_EQUAL(id[2], REAL0_MS + 2);
	/* ...then goes back an hour, to a T1 an old request may carry, and on again. */
	CU_ASSERT_TRUE_FATAL(request_due(e, 150 * MS, REAL0_MS - 3600000, &id[3]));
	CU_ASSERT_EQUAL(id[3], REAL0_MS + 3);
	CU_ASSERT_TRUE_FATAL(request_due(e, 200 * MS, REAL0_MS + 200, &id[4]));
	CU_ASSERT_EQUAL(id[4], REAL0_MS + 200);
	/* Each answer matches its own request, by its send time. */
	CU_ASSERT_EQUAL(answer(e, id[1], P + 60, P + 60, 70), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(last_rtt_ms(e), 20);
	CU_ASSERT_EQUAL(answer(e, id[3], P + 160, P + 160, 175), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(last_rtt_ms(e), 25);
	CU_ASSERT_EQUAL(answer(e, id[0], P + 90, P + 90, 180), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(last_rtt_ms(e), 180);
	/* The T1 the stepped clock read was never sent. */
	CU_ASSERT_EQUAL(answer(e, REAL0_MS - 3600000, P + 160, P + 160, 185), SYN_REJ_UNKNOWN);
	syn_destroy(e);
}

static void t1_never_repeats_while_the_system_clock_wanders(void)
{
	struct syn_config cfg = base_cfg;
	struct syn_engine *e;
	int64_t last = 0, real = REAL0_MS;
	uint32_t sent = 0;

	cfg.timeout_ns = 100 * MS;
	cfg.steady_ns = SCH_MIN_INTERVAL_NS;
	e = syn_create(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	srand(20);
	for (int64_t t = 0; t < 1000 * S && sent < 400; t += 10 * MS) {
		struct syn_request req;
		struct syn_poll_result res;
		/* Back as well as forth, by up to 300 ms a step. */
		real += 10 + rand() % 601 - 300;
		if (syn_request_due(e, t, real, &req)) {
			CU_ASSERT_FATAL(sent == 0 || req.t1_ms > last);
			CU_ASSERT(req.t1_ms >= real);
			CU_ASSERT_EQUAL(req.seq, ++sent);
			last = req.t1_ms;
		}
		syn_poll_done(e, t, &res);
	}
	CU_ASSERT_EQUAL(sent, 400);
	syn_destroy(e);
}

static void message_ids_match_only_their_own_request(void)
{
	const struct dlc_dialect *tuya = dialect("tuya");
	struct syn_engine *e = syn_create(&base_cfg);
	struct syn_request req;
	char text[4][DLC_BUF_SIZE], ans[DLC_BUF_SIZE];
	int len[4];
	const int64_t P = REAL0_MS + AHEAD_MS;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	/* Three requests while the system clock reads the same ms: their msgIds differ. */
	for (int k = 0; k < 3; k++) {
		CU_ASSERT_TRUE_FATAL(syn_request_due(e, k * 50 * MS, REAL0_MS, &req));
		len[k] = send_request(tuya, e, &req, text[k], sizeof(text[k]));
	}
	CU_ASSERT_STRING_NOT_EQUAL(text[0], text[1]);
	CU_ASSERT_STRING_NOT_EQUAL(text[1], text[2]);
	/* Answered out of order, each is matched by its msgId to its own send time. */
	platform_answer(tuya, text[2], len[2], P + 110, P + 110, ans, sizeof(ans));
	CU_ASSERT_EQUAL(respond_in(tuya, e, ans, 120), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(last_rtt_ms(e), 20);
	platform_answer(tuya, text[0], len[0], P + 65, P + 65, ans, sizeof(ans));
	CU_ASSERT_EQUAL(respond_in(tuya, e, ans, 130), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(last_rtt_ms(e), 130);
	/* The same answer again is a duplicate. */
	CU_ASSERT_EQUAL(respond_in(tuya, e, ans, 131), SYN_REJ_DUPLICATE);
	/* A msgId this engine never sent, though written alike, is unknown. */
	struct dlc_id never;
	len[3] = tuya->encode_request(REAL0_MS, 9, &never, text[3], sizeof(text[3]));
	platform_answer(tuya, text[3], len[3], P + 70, P + 70, ans, sizeof(ans));
	CU_ASSERT_EQUAL(respond_in(tuya, e, ans, 132), SYN_REJ_UNKNOWN);
	platform_answer(tuya, text[1], len[1], P + 90, P + 90, ans, sizeof(ans));
	CU_ASSERT_EQUAL(respond_in(tuya, e, ans, 140), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(last_rtt_ms(e), 90);

	const struct syn_counters *c = syn_counters(e);
	CU_ASSERT_EQUAL(c->answered, 3);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_DUPLICATE], 1);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_UNKNOWN], 1);
	CU_ASSERT_EQUAL(c->rejected, 2);
	syn_destroy(e);
}

/* Tuya's document leaves open whether the answer echoes msgId, dst or both: one that echoes
 * only dst is matched by it, to its own request. */
static void tuya_answers_that_echo_only_dst_are_matched_by_it(void)
{
	const struct dlc_dialect *tuya = dialect("tuya");
	struct syn_engine *e = syn_create(&base_cfg);
	struct syn_request req;
	char text[DLC_BUF_SIZE], ans[DLC_BUF_SIZE];
	int64_t t1[2];
	const int64_t P = REAL0_MS + AHEAD_MS;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	for (int k = 0; k < 2; k++) {
		CU_ASSERT_TRUE_FATAL(syn_request_due(e, k * 50 * MS, REAL0_MS, &req));
		send_request(tuya, e, &req, text, sizeof(text));
		t1[k] = req.t1_ms;
	}
	CU_ASSERT_NOT_EQUAL(t1[0], t1[1]);
	/* The second answered first, without msgId. */
	snprintf(ans, sizeof(ans),
	         "{\"time\":%" PRId64 ",\"data\":{\"bizType\":\"NTP\",\"dst\":%" PRId64
	         ",\"srt\":%" PRId64 ",\"sst\":%" PRId64 "}}",
	         (P + 80) / 1000, t1[1], P + 80, P + 80);
	CU_ASSERT_EQUAL(respond_in(tuya, e, ans, 100), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(last_rtt_ms(e), 50);
	CU_ASSERT_EQUAL(respond_in(tuya, e, ans, 101), SYN_REJ_DUPLICATE);
	/* A dst no request sent is unknown. */
	snprintf(ans, sizeof(ans),
	         "{\"data\":{\"bizType\":\"NTP\",\"dst\":%" PRId64 ",\"srt\":%" PRId64
	         ",\"sst\":%" PRId64 "}}",
	         t1[1] + 1, P + 90, P + 90);
	CU_ASSERT_EQUAL(respond_in(tuya, e, ans, 102), SYN_REJ_UNKNOWN);
	snprintf(ans, sizeof(ans),
	         "{\"data\":{\"bizType\":\"NTP\",\"dst\":\"%" PRId64 "\",\"srt\":%" PRId64
	         ",\"sst\":%" PRId64 "}}",
	         t1[0], P + 60, P + 60);
	CU_ASSERT_EQUAL(respond_in(tuya, e, ans, 110), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(last_rtt_ms(e), 110);
	CU_ASSERT_EQUAL(syn_counters(e)->answered, 2);
	syn_destroy(e);
}

static void without_ids_one_request_is_in_flight_at_a_time(void)
{
	const struct dlc_dialect *tencent = dialect("tencent");
	struct syn_config cfg = base_cfg;
	struct syn_engine *e;
	struct syn_request req;
	struct syn_poll_result res;
	char text[DLC_BUF_SIZE], ans[DLC_BUF_SIZE];
	int len;
	const int64_t P = REAL0_MS + AHEAD_MS;

	cfg.one_in_flight = true;
	e = syn_create(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE_FATAL(syn_request_due(e, 0, real_ms(0), &req));
	len = send_request(tencent, e, &req, text, sizeof(text));
	/* The burst's spacing is 50 ms, but the second waits for the first's answer or its
	 * timeout. */
	CU_ASSERT_FALSE(syn_request_due(e, 50 * MS, real_ms(50 * MS), &req));
	CU_ASSERT_EQUAL(syn_next_due_ns(e, 50 * MS), 1000 * MS + 1);
	platform_answer(tencent, text, len, P + 35, P + 36, ans, sizeof(ans));
	CU_ASSERT_EQUAL(respond_in(tencent, e, ans, 70), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(last_rtt_ms(e), 69);
	/* Answered: the second is due at once. */
	CU_ASSERT(syn_next_due_ns(e, 70 * MS) <= 70 * MS);
	CU_ASSERT_TRUE_FATAL(syn_request_due(e, 70 * MS, real_ms(70 * MS), &req));
	send_request(tencent, e, &req, text, sizeof(text));
	/* It is never answered: the third waits for its timeout, then a timeout more, so that
	 * a late answer to the second finds none waiting. */
	CU_ASSERT_FALSE(syn_request_due(e, 120 * MS, real_ms(120 * MS), &req));
	CU_ASSERT_EQUAL(syn_next_due_ns(e, 120 * MS), 1070 * MS + 1);
	CU_ASSERT_FALSE(syn_request_due(e, 1070 * MS, real_ms(1070 * MS), &req));
	CU_ASSERT_EQUAL(syn_counters(e)->timed_out, 0);
	CU_ASSERT_FALSE(syn_request_due(e, 1070 * MS + 1, real_ms(1071 * MS), &req));
	CU_ASSERT_EQUAL(syn_counters(e)->timed_out, 1);
	CU_ASSERT_EQUAL(syn_next_due_ns(e, 1070 * MS + 1), 2070 * MS);
	CU_ASSERT_FALSE(syn_request_due(e, 2070 * MS - 1, real_ms(2070 * MS - 1), &req));
	CU_ASSERT_TRUE_FATAL(syn_request_due(e, 2070 * MS, real_ms(2070 * MS), &req));
	len = send_request(tencent, e, &req, text, sizeof(text));
	platform_answer(tencent, text, len, P + 2080, P + 2080, ans, sizeof(ans));
	CU_ASSERT_EQUAL(respond_in(tencent, e, ans, 2090), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(last_rtt_ms(e), 20);
	/* With none in flight, the same answer again is a duplicate. */
	CU_ASSERT_EQUAL(respond_in(tencent, e, ans, 2095), SYN_REJ_DUPLICATE);
	/* The fourth keeps the spacing from the third. */
	CU_ASSERT_FALSE(syn_request_due(e, 2120 * MS - 1, real_ms(2120 * MS - 1), &req));
	CU_ASSERT_TRUE_FATAL(syn_request_due(e, 2120 * MS, real_ms(2120 * MS), &req));
	len = send_request(tencent, e, &req, text, sizeof(text));
	platform_answer(tencent, text, len, P + 2130, P + 2130, ans, sizeof(ans));
	CU_ASSERT_EQUAL(respond_in(tencent, e, ans, 2140), SYN_ACCEPTED);
	CU_ASSERT_TRUE_FATAL(syn_poll_done(e, 2140 * MS, &res));
	CU_ASSERT_TRUE(res.answered);

	const struct syn_counters *c = syn_counters(e);
	CU_ASSERT_EQUAL(c->sent, 4);
	CU_ASSERT_EQUAL(c->answered, 3);
	CU_ASSERT_EQUAL(c->timed_out, 1);
	CU_ASSERT_EQUAL(c->by_verdict[SYN_REJ_DUPLICATE], 1);
	CU_ASSERT_EQUAL(c->rejected, 1);
	syn_destroy(e);
}

/* Not an answer before a request was sent, nor one to a request not yet named. */
static void without_ids_an_answer_with_nothing_sent_is_unknown(void)
{
	struct syn_config cfg = base_cfg;
	struct syn_engine *e;
	struct syn_request req;
	struct dlc_answer a = {.id = {.kind = DLC_ID_NONE},
	                       .t2_ms = REAL0_MS + AHEAD_MS,
	                       .t3_ms = REAL0_MS + AHEAD_MS};
	struct timespec real = real_ts(10 * MS);
	const struct dlc_id none = {.kind = DLC_ID_NONE};

	cfg.one_in_flight = true;
	e = syn_create(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(syn_answer(e, &a, 10 * MS, &real), SYN_REJ_UNKNOWN);
	CU_ASSERT_TRUE_FATAL(syn_request_due(e, 20 * MS, real_ms(20 * MS), &req));
	real = real_ts(30 * MS);
	CU_ASSERT_EQUAL(syn_answer(e, &a, 30 * MS, &real), SYN_REJ_UNKNOWN);
	syn_request_named(e, &none);
	/* Named once only. */
	syn_request_named(e, &none);
	real = real_ts(40 * MS);
	CU_ASSERT_EQUAL(syn_answer(e, &a, 40 * MS, &real), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(syn_answer(e, &a, 41 * MS, &real), SYN_REJ_DUPLICATE);
	syn_destroy(e);
}

static int rtt_120(int n)
{
	(void)n;
	return 120;
}

static void without_ids_a_burst_takes_its_answers_in_turn(void)
{
	struct syn_config cfg = base_cfg;

	/* Round trips longer than the 50 ms spacing: each request waits for the one before. */
	cfg.one_in_flight = true;
	sim_start_in(dialect("tencent"), rtt_120, &cfg);
	sim_run_until(1000 * MS);
	CU_ASSERT_EQUAL_FATAL(sim.requests, 4);
	for (int n = 0; n < 4; n++)
		CU_ASSERT_EQUAL(sim.sent_ns[n], n * 122 * MS);
	CU_ASSERT_EQUAL(sim.verdicts[SYN_ACCEPTED], 4);
	CU_ASSERT_EQUAL_FATAL(sim.polls, 1);
	CU_ASSERT_TRUE(sim.result[0].answered);
	CU_ASSERT_EQUAL(sim.poll_end_ns[0], 4 * 122 * MS);
	assert_estimate(sim.e, 1000 * MS, 61 * MS);
	sim_stop();
}

static void without_ids_a_lost_request_holds_the_next_until_its_timeout_and_one_more(void)
{
	static const int64_t want_ns[] = {0, 2000 * MS, 2082 * MS, 2164 * MS};
	struct syn_config cfg = base_cfg;

	cfg.one_in_flight = true;
	/* Ticking every ms, and ticking only when due or when an answer comes: the same. */
	for (int on_request = 0; on_request < 2; on_request++) {
		sim_start_in(dialect("tencent"), rtt_first_lost, &cfg);
		/* To the end of the poll: the next would start at the next tick. */
		if (on_request)
			sim_run_on_request_until(2246 * MS);
		else
			sim_run_until(2246 * MS);
		CU_ASSERT_EQUAL_FATAL(sim.requests, 4);
		for (int n = 0; n < 4; n++) {
			CU_ASSERT(sim.sent_ns[n] <= want_ns[n] && sim.sent_ns[n] > want_ns[n] - MS);
			if (!on_request) {
				CU_ASSERT_EQUAL(sim.sent_ns[n], want_ns[n]);
			}
		}
		CU_ASSERT_EQUAL(sim.verdicts[SYN_ACCEPTED], 3);
		CU_ASSERT_EQUAL(syn_counters(sim.e)->timed_out, 1);
		CU_ASSERT_EQUAL_FATAL(sim.polls, 1);
		CU_ASSERT_TRUE(sim.result[0].answered);
		CU_ASSERT(sim.poll_end_ns[0] <= 2246 * MS && sim.poll_end_ns[0] > 2245 * MS);
		if (!on_request) {
			CU_ASSERT_EQUAL(sim.poll_end_ns[0], 2246 * MS);
		}
		sim_stop();
	}
}

/* Tencent's document leaves open whether an answer can come after the device gave up on it.
 * If it can, one that comes after the timeout finds no request waiting. */
static void without_ids_a_late_answer_finds_no_request_waiting_and_is_expired(void)
{
	const struct dlc_dialect *tencent = dialect("tencent");
	struct syn_config cfg = base_cfg;
	struct syn_request req;
	char text[DLC_BUF_SIZE], ans[DLC_BUF_SIZE];
	const int64_t P = REAL0_MS + AHEAD_MS;

	cfg.one_in_flight = true;
	struct syn_engine *e = syn_create(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE_FATAL(syn_request_due(e, 0, real_ms(0), &req));
	int len = send_request(tencent, e, &req, text, sizeof(text));
	CU_ASSERT_FALSE(syn_request_due(e, 1000 * MS + 1, real_ms(1001 * MS), &req));
	CU_ASSERT_EQUAL(syn_counters(e)->timed_out, 1);
	/* Its answer, 1.5 s late: there is nothing it could answer. */
	platform_answer(tencent, text, len, P + 700, P + 700, ans, sizeof(ans));
	CU_ASSERT_EQUAL(respond_in(tencent, e, ans, 1500), SYN_REJ_EXPIRED);
	/* The next goes a timeout after the timeout, and its own answer counts. */
	CU_ASSERT_FALSE(syn_request_due(e, 1999 * MS, real_ms(1999 * MS), &req));
	CU_ASSERT_TRUE_FATAL(syn_request_due(e, 2000 * MS, real_ms(2000 * MS), &req));
	len = send_request(tencent, e, &req, text, sizeof(text));
	platform_answer(tencent, text, len, P + 2010, P + 2010, ans, sizeof(ans));
	CU_ASSERT_EQUAL(respond_in(tencent, e, ans, 2020), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(syn_counters(e)->answered, 1);
	CU_ASSERT_EQUAL(syn_counters(e)->by_verdict[SYN_REJ_EXPIRED], 1);
	syn_destroy(e);
}

/* If it comes later still, while the next request waits, its T2 gives it away: the platform
 * stamped it before that request was sent. */
static void without_ids_an_answer_stamped_before_its_request_was_sent_is_expired(void)
{
	const struct dlc_dialect *tencent = dialect("tencent");
	struct syn_config cfg = base_cfg;
	struct syn_request req;
	char text[DLC_BUF_SIZE], late[DLC_BUF_SIZE], ans[DLC_BUF_SIZE];
	const int64_t P = REAL0_MS + AHEAD_MS;

	cfg.one_in_flight = true;
	struct syn_engine *e = syn_create(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE_FATAL(syn_request_due(e, 0, real_ms(0), &req));
	int len = send_request(tencent, e, &req, text, sizeof(text));
	platform_answer(tencent, text, len, P + 20, P + 20, ans, sizeof(ans));
	CU_ASSERT_EQUAL(respond_in(tencent, e, ans, 40), SYN_ACCEPTED);
	/* The second reaches the platform at 80 ms; its answer is held up for 2 s. */
	CU_ASSERT_TRUE_FATAL(syn_request_due(e, 50 * MS, real_ms(50 * MS), &req));
	len = send_request(tencent, e, &req, text, sizeof(text));
	platform_answer(tencent, text, len, P + 80, P + 80, late, sizeof(late));
	CU_ASSERT_FALSE(syn_request_due(e, 1051 * MS, real_ms(1051 * MS), &req));
	CU_ASSERT_TRUE_FATAL(syn_request_due(e, 2050 * MS, real_ms(2050 * MS), &req));
	len = send_request(tencent, e, &req, text, sizeof(text));
	/* 50 ms of round trip would pass, and the offset be 2 s off. */
	CU_ASSERT_EQUAL(respond_in(tencent, e, late, 2100), SYN_REJ_EXPIRED);
	/* The third's own answer still finds it waiting. */
	platform_answer(tencent, text, len, P + 2080, P + 2080, ans, sizeof(ans));
	CU_ASSERT_EQUAL(respond_in(tencent, e, ans, 2110), SYN_ACCEPTED);
	CU_ASSERT_EQUAL(last_rtt_ms(e), 60);
	syn_destroy(e);
}

/* Ends the poll, ticking every ms from *t_ms; the result is whether it was answered. */
static bool finish_poll(struct syn_engine *e, int64_t *t_ms)
{
	struct syn_poll_result res;

	for (; *t_ms < 100000; ++*t_ms) {
		if (syn_poll_done(e, *t_ms * MS, &res))
			return res.answered;
	}
	CU_FAIL("the poll never ended");
	return false;
}

/* Were the platform's clock stepped back, its answers would all look stamped too early: after
 * a poll without an answer, they are taken again. */
static void without_ids_a_platform_stepped_back_is_heard_again_after_a_poll(void)
{
	const struct dlc_dialect *tencent = dialect("tencent");
	struct syn_config cfg = base_cfg;
	struct syn_request req;
	char text[DLC_BUF_SIZE], ans[DLC_BUF_SIZE];
	const int64_t P = REAL0_MS + AHEAD_MS, BACK = 5000;
	int64_t t = 0;

	cfg.one_in_flight = true;
	cfg.burst = 1;
	struct syn_engine *e = syn_create(&cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE_FATAL(syn_request_due(e, 0, real_ms(0), &req));
	int len = send_request(tencent, e, &req, text, sizeof(text));
	platform_answer(tencent, text, len, P + 10, P + 10, ans, sizeof(ans));
	CU_ASSERT_EQUAL(respond_in(tencent, e, ans, 20), SYN_ACCEPTED);
	t = 20;
	CU_ASSERT_TRUE(finish_poll(e, &t));
	/* Stepped back by 5 s: refused, and the poll goes unanswered. */
	for (; !syn_request_due(e, t * MS, real_ms(t * MS), &req); t++)
		CU_ASSERT_FATAL(t < 100000);
	len = send_request(tencent, e, &req, text, sizeof(text));
	platform_answer(tencent, text, len, P + t + 10 - BACK, P + t + 10 - BACK, ans, sizeof(ans));
	t += 20;
	CU_ASSERT_EQUAL(respond_in(tencent, e, ans, t), SYN_REJ_EXPIRED);
	CU_ASSERT_FALSE(finish_poll(e, &t));
	/* The next poll's answer is taken. */
	for (; !syn_request_due(e, t * MS, real_ms(t * MS), &req); t++)
		CU_ASSERT_FATAL(t < 100000);
	len = send_request(tencent, e, &req, text, sizeof(text));
	platform_answer(tencent, text, len, P + t + 10 - BACK, P + t + 10 - BACK, ans, sizeof(ans));
	t += 20;
	CU_ASSERT_EQUAL(respond_in(tencent, e, ans, t), SYN_ACCEPTED);
	syn_destroy(e);
}

static int init_sync_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(first_poll_is_due_at_once),
	    RUNNER_TEST(an_exchange_is_timed_from_when_its_request_left),
	    RUNNER_TEST(burst_sends_burst_requests_spacing_apart),
	    RUNNER_TEST(late_tick_does_not_stretch_the_burst),
	    RUNNER_TEST(answered_poll_gives_an_estimate_within_its_bound),
	    RUNNER_TEST(poll_done_reports_each_poll_once),
	    RUNNER_TEST(unanswered_poll_ends_after_the_timeout_without_a_sample),
	    RUNNER_TEST(lost_request_ends_the_poll_early),
	    RUNNER_TEST(ticks_only_when_due_keep_the_schedule),
	    RUNNER_TEST(late_answer_after_an_early_end_still_reaches_the_estimator),
	    RUNNER_TEST(sync_is_lost_after_max_failed_polls_and_regained_by_a_good_one),
	    RUNNER_TEST(first_fast_polls_come_fast_interval_apart_then_poll_interval),
	    RUNNER_TEST(fast_polls_number_the_same_when_the_platform_is_silent),
	    RUNNER_TEST(regaining_sync_brings_fast_polls_back),
	    RUNNER_TEST(step_of_the_platform_brings_quick_polls_within_the_budget),
	    RUNNER_TEST(over_max_rtt_is_discarded_not_rejected),
	    RUNNER_TEST(answers_over_max_rtt_never_reach_the_estimate),
	    RUNNER_TEST(bad_and_unwanted_responses_are_counted_by_verdict),
	    RUNNER_TEST(realtime_out_of_range_is_its_own_verdict),
	    RUNNER_TEST(realtime_step_during_a_request_leaves_the_estimate_alone),
	    RUNNER_TEST(slewing_system_clock_is_no_jump),
	    RUNNER_TEST(system_clock_step_holds_the_estimate_until_a_poll_agrees),
	    RUNNER_TEST(raw_clock_standing_still_is_followed_as_a_step),
	    RUNNER_TEST(answer_claiming_more_processing_than_the_timeout_is_a_slow_server),
	    RUNNER_TEST(forged_answer_with_a_negative_round_trip_leaves_the_request_open),
	    RUNNER_TEST(verdicts_dropped_by_the_caller_are_counted_as_rejected),
	    RUNNER_TEST(verdict_names_are_distinct_snake_case),
	    RUNNER_TEST(t1_grows_strictly_whatever_the_system_clock_reads),
	    RUNNER_TEST(t1_never_repeats_while_the_system_clock_wanders),
	    RUNNER_TEST(message_ids_match_only_their_own_request),
	    RUNNER_TEST(tuya_answers_that_echo_only_dst_are_matched_by_it),
	    RUNNER_TEST(without_ids_one_request_is_in_flight_at_a_time),
	    RUNNER_TEST(without_ids_an_answer_with_nothing_sent_is_unknown),
	    RUNNER_TEST(without_ids_a_burst_takes_its_answers_in_turn),
	    RUNNER_TEST(without_ids_a_lost_request_holds_the_next_until_its_timeout_and_one_more),
	    RUNNER_TEST(without_ids_a_late_answer_finds_no_request_waiting_and_is_expired),
	    RUNNER_TEST(without_ids_an_answer_stamped_before_its_request_was_sent_is_expired),
	    RUNNER_TEST(without_ids_a_platform_stepped_back_is_heard_again_after_a_poll),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("sync", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_sync_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
