/* SPDX-License-Identifier: Apache-2.0 */
#include "sync.h"

#include <stdlib.h>

#include "request_table.h"
#include "schedule.h"

enum syn_phase { SYN_IDLE, SYN_SENDING, SYN_WAITING };

struct syn_engine {
	struct syn_config cfg;
	struct syn_counters count;
	struct rqt_table *requests;
	struct est_state *estimator;
	struct sch_state *schedule;
	bool answered_in_poll;
	int64_t slowest_in_poll; /* the longest round trip answered in this poll */
	enum syn_phase phase;
	bool started;
	int64_t next_poll_ns;
	int64_t burst_start_ns;
	int64_t next_send_ns;
	int64_t last_send_ns;
	int64_t last_t1_ms; /* the last request's T1 */
	uint32_t seq;       /* the last request's number */
	bool unnamed;       /* the last request awaits syn_request_named */
	bool leaving;       /* and, named, syn_request_left */
	unsigned sent_in_burst;
	unsigned burst_now;         /* requests this poll sends, as the schedule allows */
	struct est_estimate before; /* the estimate as the poll started */
	bool have_before;
	struct est_counters est_before; /* what the estimator had done by then */
	unsigned failed_streak;
	struct syn_exchange last_exchange;
	bool have_exchange;
	bool ever_sampled;
	bool doubt; /* the clocks jumped: no estimate until a poll agrees again */
	/* With one in flight: no request before this, after one timed out (expire). */
	int64_t quiet_until_ns;
	/* The last sound answer's T3 and its arrival on the raw clock (stamped_after); cleared
	 * when a poll ends unanswered. */
	bool have_ref;
	int64_t ref_t3_ms;
	int64_t ref_raw_ns;
	bool have_clocks;     /* a reading of both clocks was noted */
	int64_t clocks_raw;   /* its raw reading */
	int64_t clocks_apart; /* and the system clock's minus the raw one */
};

struct est_config syn_estimator_config(int64_t stamp_lo_ns, int64_t stamp_hi_ns)
{
	struct est_config ec = {
	    .stamp_lo_ns = stamp_lo_ns,
	    .stamp_hi_ns = stamp_hi_ns,
	    .window_ns = SYN_WINDOW_NS,
	    .window_max = SYN_WINDOW_EXCHANGES,
	    .max_skew = SYN_MAX_SKEW,
	    .tolerance_ns = SYN_TOLERANCE_NS,
	    .step_min = SYN_STEP_MIN,
	    .skew_group_ns = SYN_SKEW_GROUP_NS,
	};
	return ec;
}

struct syn_engine *syn_create(const struct syn_config *cfg)
{
	struct syn_engine *e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	const struct est_config ec = syn_estimator_config(cfg->stamp_lo_ns, cfg->stamp_hi_ns);
	struct sch_config sc = {
	    .max_per_day = cfg->max_per_day,
	    .steady_ns = cfg->steady_ns,
	    .burst = cfg->burst,
	    .quick_burst = cfg->quick_burst,
	};
	e->requests = rqt_create(cfg->timeout_ns);
	e->estimator = est_create(&ec);
	e->schedule = sch_create(&sc, 0);
	if (e->requests == NULL || e->estimator == NULL || e->schedule == NULL) {
		syn_destroy(e);
		return NULL;
	}
	e->cfg = *cfg;
	e->phase = SYN_IDLE;
	return e;
}

void syn_destroy(struct syn_engine *e)
{
	if (e == NULL)
		return;
	rqt_destroy(e->requests);
	est_destroy(e->estimator);
	sch_destroy(e->schedule);
	free(e);
}

/* Between this burst's requests. */
static int64_t spacing(const struct syn_engine *e)
{
	if (!syn_synced(e) && e->cfg.spacing_ns > SYN_UNSYNCED_SPACING_NS)
		return SYN_UNSYNCED_SPACING_NS;
	return e->cfg.spacing_ns;
}

/*
 * Counts the requests that timed out by raw_ns. With one in flight, the answer to one that timed
 * out may still come, and nothing would tell it from the next request's: the next waits a
 * timeout more, so that an answer up to that late finds no request waiting and is expired.
 */
static void expire(struct syn_engine *e, int64_t raw_ns)
{
	unsigned n = rqt_expire(e->requests, raw_ns);

	e->count.timed_out += n;
	/* The one that timed out was the last sent: none goes while one is out. */
	if (n > 0 && e->cfg.one_in_flight)
		e->quiet_until_ns = e->last_send_ns + 2 * e->cfg.timeout_ns;
}

bool syn_request_due(struct syn_engine *e, int64_t raw_ns, int64_t real_ms, struct syn_request *req)
{
	if (e->phase == SYN_IDLE) {
		if (e->started && raw_ns < e->next_poll_ns)
			return false;
		e->started = true;
		e->burst_now = sch_poll_start(e->schedule, raw_ns);
		if (e->burst_now == 0) {
			/* The last 24 hours hold the whole budget: ask again in a while. */
			e->next_poll_ns = raw_ns + SYN_BUDGET_RETRY_NS;
			return false;
		}
		e->phase = SYN_SENDING;
		e->burst_start_ns = raw_ns;
		e->next_send_ns = raw_ns;
		e->sent_in_burst = 0;
		e->answered_in_poll = false;
		e->slowest_in_poll = 0;
		e->have_before = syn_estimate(e, raw_ns, &e->before);
		e->est_before = *est_counters(e->estimator);
	}
	if (e->phase != SYN_SENDING || raw_ns < e->next_send_ns)
		return false;
	if (e->cfg.one_in_flight) {
		/* Answers that name no request are told apart by their order alone. */
		expire(e, raw_ns);
		if (rqt_outstanding(e->requests) > 0 || raw_ns < e->quiet_until_ns)
			return false;
	}

	/* T1 only grows, so that two requests in the same ms, or after the system clock was
	 * stepped back, still differ, and no old answer that echoes T1 matches a new request. */
	req->t1_ms = (e->count.sent > 0 && real_ms <= e->last_t1_ms) ? e->last_t1_ms + 1 : real_ms;
	req->seq = ++e->seq;
	e->last_t1_ms = req->t1_ms;
	e->unnamed = true;
	sch_sent(e->schedule, raw_ns);
	e->count.sent++;
	e->last_send_ns = raw_ns;
	/* Spacing counts from the schedule, not from a late tick, so a slow loop does not
	 * stretch the burst; but a request that waited for the answer before it keeps the
	 * spacing to the next, whose rate the platform limits. */
	if (e->cfg.one_in_flight)
		e->next_send_ns = raw_ns + spacing(e);
	else
		e->next_send_ns += spacing(e);
	if (++e->sent_in_burst >= e->burst_now)
		e->phase = SYN_WAITING;
	return true;
}

void syn_request_named(struct syn_engine *e, const struct dlc_id *id)
{
	if (!e->unnamed)
		return;
	rqt_add(e->requests, id, e->last_send_ns);
	e->unnamed = false;
	e->leaving = true;
}

void syn_request_left(struct syn_engine *e, int64_t raw_ns)
{
	if (!e->leaving)
		return;
	e->leaving = false;
	rqt_left(e->requests, raw_ns);
}

static enum syn_verdict from_status(enum dlc_status st)
{
	switch (st) {
	case DLC_TOO_LARGE:
		return SYN_REJ_TOO_LARGE;
	case DLC_NOT_JSON:
		return SYN_REJ_NOT_JSON;
	case DLC_MISSING_FIELD:
		return SYN_REJ_MISSING_FIELD;
	case DLC_BAD_TIME:
		return SYN_REJ_BAD_TIME;
	default:
		return SYN_REJ_BAD_VALUE;
	}
}

static enum syn_verdict from_match(enum rqt_match m)
{
	switch (m) {
	case RQT_DUPLICATE:
		return SYN_REJ_DUPLICATE;
	case RQT_EXPIRED:
		return SYN_REJ_EXPIRED;
	default:
		return SYN_REJ_UNKNOWN;
	}
}

static enum syn_verdict from_exchange(enum xch_status st)
{
	switch (st) {
	case XCH_SERVER_ORDER:
		return SYN_REJ_SERVER_ORDER;
	case XCH_NEGATIVE_RTT:
		return SYN_REJ_NEGATIVE_RTT;
	default:
		return SYN_REJ_OUT_OF_RANGE;
	}
}

/*
 * Whether an answer's T2 can have been stamped after its request was sent at sent_ns, as far as
 * the last sound answer tells: the platform's time then was at least that answer's T3 plus the
 * raw time since it arrived, at the slowest rate the platform may run against the raw clock.
 * With one in flight nothing else tells a late answer to an earlier request, stamped before
 * this one was sent, from this one's. (A pause of the machine, which the raw clock does not
 * count, only makes the test weaker; a platform clock stepped back fails it until a poll ends
 * unanswered and the reference is dropped.)
 */
static bool stamped_after(const struct syn_engine *e, const struct dlc_answer *a, int64_t sent_ns)
{
	if (!e->have_ref || sent_ns < e->ref_raw_ns)
		return true;
	double since = (double)(sent_ns - e->ref_raw_ns) * (1.0 - SYN_MAX_SKEW);
	int64_t earliest = e->ref_t3_ms * XCH_NS_PER_MS + e->cfg.stamp_lo_ns + (int64_t)since;
	/* The stamp t2_ms stands for a time in [t2 + stamp_lo, t2 + stamp_hi). */
	return a->t2_ms * XCH_NS_PER_MS + e->cfg.stamp_hi_ns > earliest;
}

static enum syn_verdict judge(struct syn_engine *e, const struct dlc_answer *a, int64_t raw_ns,
                              const struct timespec *real)
{
	struct xch_sample s;
	int64_t sent_ns;

	/* No request waits longer than the timeout, so no genuine answer took longer to make. */
	if (a->t3_ms - a->t2_ms > e->cfg.timeout_ns / XCH_NS_PER_MS)
		return SYN_REJ_SLOW_SERVER;
	enum rqt_match m = rqt_find(e->requests, &a->id, raw_ns, &sent_ns);
	if (m != RQT_MATCHED)
		return from_match(m);
	/* Late, to an earlier request: the one waiting keeps its slot for its own answer. */
	if (e->cfg.one_in_flight && !stamped_after(e, a, sent_ns))
		return SYN_REJ_EXPIRED;
	/* The request is closed only once the answer proved sound, so a forged answer with
	 * impossible times cannot use up the real answer's slot. */
	enum xch_status xs = xch_compute(a->t2_ms, a->t3_ms, raw_ns - sent_ns, real, &s);
	if (xs != XCH_OK)
		return from_exchange(xs);
	rqt_match(e->requests, &a->id, raw_ns, &sent_ns);
	e->have_ref = true;
	e->ref_t3_ms = a->t3_ms;
	e->ref_raw_ns = raw_ns;
	s.recv_raw_ns = raw_ns;
	int64_t t4_ns = (int64_t)real->tv_sec * XCH_NS_PER_S + real->tv_nsec;
	e->last_exchange = (struct syn_exchange){
	    .t1_ms = (t4_ns - (raw_ns - sent_ns)) / XCH_NS_PER_MS,
	    .t2_ms = a->t2_ms,
	    .t3_ms = a->t3_ms,
	    .t4_ms = t4_ns / XCH_NS_PER_MS,
	    .sample = s,
	};
	e->have_exchange = true;
	e->count.answered++;
	if (s.rtt_ns > e->cfg.max_rtt_ns)
		return SYN_DISCARDED_RTT;
	struct est_exchange x = {
	    .send_raw_ns = sent_ns,
	    .recv_raw_ns = raw_ns,
	    .server_recv_ms = a->t2_ms,
	    .server_send_ms = a->t3_ms,
	};
	/* Held or completing a step, it is the estimator's to judge: the poll was answered. */
	est_add(e->estimator, &x);
	e->answered_in_poll = true;
	if (raw_ns - sent_ns > e->slowest_in_poll)
		e->slowest_in_poll = raw_ns - sent_ns;
	return SYN_ACCEPTED;
}

void syn_count_verdict(struct syn_engine *e, enum syn_verdict v)
{
	if ((unsigned)v >= SYN_VERDICT_COUNT)
		return;
	e->count.by_verdict[v]++;
	if (v != SYN_ACCEPTED && v != SYN_DISCARDED_RTT)
		e->count.rejected++;
}

enum syn_verdict syn_answer(struct syn_engine *e, const struct dlc_answer *a, int64_t raw_ns,
                            const struct timespec *real)
{
	enum syn_verdict v = judge(e, a, raw_ns, real);

	syn_count_verdict(e, v);
	return v;
}

enum syn_verdict syn_undecoded(struct syn_engine *e, enum dlc_status st)
{
	enum syn_verdict v = from_status(st);

	syn_count_verdict(e, v);
	return v;
}

/* Whether the poll's answers put the estimate in doubt, so that quick polls should settle it:
 * the estimator stepped, holds exchanges aside or shortened its window because the bounds
 * conflicted with a line over it (the rate bending or the floor moving; a shortening by the
 * estimates of two reaches straying apart also comes by chance, a few times a day on a steady
 * path, and quick polls then would spend the budget for nothing), or the poll moved the
 * estimate from where the line before it said the
 * platform's time would be now by more than SYN_MOVED_NOISES times the estimate's noise, and
 * SYN_MOVED_NS at least (a floor that dropped on one side pinches the corridor by up to half the
 * drop until the other side's least delayed exchange comes; while the window is young, its
 * estimate moves by that much at every poll, and its noise says so). */
static bool estimate_in_doubt(const struct syn_engine *e, int64_t raw_ns)
{
	const struct est_counters *c = est_counters(e->estimator);
	struct est_estimate now;

	if (c->steps != e->est_before.steps || c->bent != e->est_before.bent ||
	    est_unsettled(e->estimator))
		return true;
	if (!e->have_before || !est_now(e->estimator, raw_ns, &now))
		return false;
	double dt = (double)(raw_ns - e->before.raw_ns);
	double moved = (double)(now.platform_ns - e->before.platform_ns) - dt - e->before.skew * dt;
	double limit = SYN_MOVED_NOISES * (double)e->before.noise_ns;
	if (limit < SYN_MOVED_NS)
		limit = SYN_MOVED_NS;
	return moved > limit || moved < -limit;
}

/* How long the requests still out may wait once the poll has an answer. */
static int64_t late_after(const struct syn_engine *e)
{
	int64_t t = SYN_LATE_FACTOR * e->slowest_in_poll;
	return t > SYN_LATE_MIN_NS ? t : SYN_LATE_MIN_NS;
}

bool syn_poll_done(struct syn_engine *e, int64_t raw_ns, struct syn_poll_result *res)
{
	expire(e, raw_ns);
	if (e->phase != SYN_WAITING)
		return false;
	if (rqt_outstanding(e->requests) > 0 && raw_ns - e->last_send_ns <= e->cfg.timeout_ns &&
	    !(e->answered_in_poll && raw_ns - e->last_send_ns > late_after(e)))
		return false;

	res->was_synced = syn_synced(e);
	res->answered = e->answered_in_poll;
	e->count.polls++;
	if (res->answered) {
		e->count.samples++;
		e->failed_streak = 0;
		e->ever_sampled = true;
		if (!est_unsettled(e->estimator))
			e->doubt = false;
	} else {
		e->failed_streak++;
		/* Should the platform's clock have stepped back, its answers are taken again. */
		e->have_ref = false;
	}
	res->synced = syn_synced(e);

	struct sch_outcome o = {
	    .synced = res->synced,
	    .was_synced = res->was_synced,
	    .in_doubt = res->answered && estimate_in_doubt(e, raw_ns),
	};
	e->next_poll_ns = e->burst_start_ns + sch_poll_end(e->schedule, &o);
	if (e->next_poll_ns < raw_ns)
		e->next_poll_ns = raw_ns;
	e->phase = SYN_IDLE;
	return true;
}

int64_t syn_next_due_ns(const struct syn_engine *e, int64_t raw_ns)
{
	if (e->phase == SYN_IDLE)
		return e->started ? e->next_poll_ns : raw_ns;
	if (e->phase == SYN_SENDING) {
		int64_t due = e->next_send_ns;
		/* With one in flight, the next waits for its answer or its timeout, and after a
		 * timeout for the quiet time. */
		int64_t timeout = e->last_send_ns + e->cfg.timeout_ns + 1;
		if (e->cfg.one_in_flight && rqt_outstanding(e->requests) > 0 && timeout > due)
			due = timeout;
		if (e->cfg.one_in_flight && e->quiet_until_ns > due)
			due = e->quiet_until_ns;
		return due;
	}
	if (rqt_outstanding(e->requests) == 0)
		return raw_ns;
	/* The first instant syn_poll_done's waits are over: they end strictly after. */
	int64_t wait = e->cfg.timeout_ns;
	if (e->answered_in_poll && late_after(e) < wait)
		wait = late_after(e);
	return e->last_send_ns + wait + 1;
}

bool syn_last_exchange(const struct syn_engine *e, struct syn_exchange *out)
{
	if (e->have_exchange)
		*out = e->last_exchange;
	return e->have_exchange;
}

bool syn_synced(const struct syn_engine *e)
{
	return e->ever_sampled && e->failed_streak < e->cfg.max_failed_polls;
}

bool syn_fresh(const struct syn_engine *e)
{
	return e->ever_sampled && e->failed_streak == 0 && !e->doubt;
}

bool syn_in_doubt(const struct syn_engine *e)
{
	return e->doubt;
}

int64_t syn_note_clocks(struct syn_engine *e, int64_t raw_ns, int64_t real_ns)
{
	int64_t apart = real_ns - raw_ns, jump = 0;

	if (e->have_clocks) {
		int64_t moved = apart - e->clocks_apart;
		double slew = SYN_SLEW_MAX * (double)(raw_ns - e->clocks_raw) + SYN_JUMP_MIN_NS;
		if ((double)(moved < 0 ? -moved : moved) > slew) {
			jump = moved;
			e->doubt = true;
		}
	}
	e->have_clocks = true;
	e->clocks_raw = raw_ns;
	e->clocks_apart = apart;
	return jump;
}

bool syn_estimate(const struct syn_engine *e, int64_t raw_ns, struct est_estimate *out)
{
	return syn_synced(e) && est_now(e->estimator, raw_ns, out);
}

const struct est_counters *syn_estimator_counters(const struct syn_engine *e)
{
	return est_counters(e->estimator);
}

const struct syn_counters *syn_counters(const struct syn_engine *e)
{
	return &e->count;
}

int64_t syn_poll_interval(const struct syn_engine *e)
{
	return sch_interval(e->schedule);
}

uint64_t syn_requests_last_day(struct syn_engine *e, int64_t raw_ns)
{
	return sch_sent_last_day(e->schedule, raw_ns);
}

const char *syn_verdict_name(enum syn_verdict v)
{
	static const char *const names[SYN_VERDICT_COUNT] = {
	    [SYN_ACCEPTED] = "accepted",
	    [SYN_REJ_TOO_LARGE] = "too_large",
	    [SYN_REJ_NOT_JSON] = "not_json",
	    [SYN_REJ_MISSING_FIELD] = "missing_field",
	    [SYN_REJ_BAD_VALUE] = "bad_value",
	    [SYN_REJ_BAD_TIME] = "bad_time",
	    [SYN_REJ_UNKNOWN] = "unknown_request",
	    [SYN_REJ_DUPLICATE] = "duplicate",
	    [SYN_REJ_EXPIRED] = "expired",
	    [SYN_REJ_SERVER_ORDER] = "server_order",
	    [SYN_REJ_NEGATIVE_RTT] = "negative_rtt",
	    [SYN_REJ_OUT_OF_RANGE] = "out_of_range",
	    [SYN_REJ_SLOW_SERVER] = "slow_server",
	    [SYN_REJ_LOCAL_CLIENT] = "local_client",
	    [SYN_REJ_IMPOSTOR] = "impostor",
	    [SYN_REJ_OTHER_DEVICE] = "other_device",
	    [SYN_DISCARDED_RTT] = "over_max_rtt",
	};
	return (unsigned)v < SYN_VERDICT_COUNT ? names[v] : "unknown";
}
