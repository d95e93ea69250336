/* SPDX-License-Identifier: Apache-2.0 */
#include "status.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

struct sts_out {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
};

__attribute__((format(printf, 2, 3))) static void put(struct sts_out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len)
		o->overflow = true;
	else
		o->len += (size_t)n;
}

static void put_utc(struct sts_out *o, const struct timespec *ts)
{
	struct tm tm;
	char when[32];
	time_t sec = ts->tv_sec;

	if (gmtime_r(&sec, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		put(o, "null");
		return;
	}
	put(o, "\"%s.%03ldZ\"", when, ts->tv_nsec / 1000000);
}

int sts_format(char *buf, size_t size, const struct sts_view *v)
{
	struct sts_out o = {buf, size, 0, false};
	const struct syn_counters *c = v->counters;

	if (size == 0)
		return -1;
	put(&o, "{\"synced\":%s,\"since_utc\":", v->synced ? "true" : "false");
	put_utc(&o, &v->since);
	if (v->have_sample) {
		put(&o,
		    ",\"offset_s\":%.9f,\"rtt_ms\":%.3f,\"error_bound_ms\":%.3f,\"last_sample_"
		    "utc\":",
		    (double)v->last_sample.offset_ns / 1e9, (double)v->last_sample.rtt_ns / 1e6,
		    (double)v->error_ns / 1e6);
		put_utc(&o, &v->last_sample.recv_real);
	} else {
		put(&o, ",\"offset_s\":null,\"rtt_ms\":null,\"error_bound_ms\":null,"
		        "\"last_sample_utc\":null");
	}
	put(&o,
	    ",\"sent\":%" PRIu64 ",\"answered\":%" PRIu64 ",\"timed_out\":%" PRIu64
	    ",\"rejected\":%" PRIu64 ",\"polls\":%" PRIu64 ",\"samples\":%" PRIu64,
	    c->sent, c->answered, c->timed_out, c->rejected, c->polls, c->samples);
	if (v->have_schedule)
		put(&o,
		    ",\"poll_s\":%.1f,\"poll_adapts\":%s,\"requests_24h\":%llu,"
		    "\"max_requests_per_day\":%u",
		    v->poll_s, v->poll_adapts ? "true" : "false", v->requests_24h,
		    v->max_requests_per_day);
	put(&o, ",\"dropped_by\":{");
	const char *sep = "";
	for (int i = SYN_ACCEPTED + 1; i < SYN_VERDICT_COUNT; i++) {
		put(&o, "%s\"%s\":%" PRIu64, sep, syn_verdict_name((enum syn_verdict)i),
		    c->by_verdict[i]);
		sep = ",";
	}
	put(&o, "},\"refclock_connected\":%s,\"samples_to_chrony\":%llu",
	    v->refclock_connected ? "true" : "false", v->samples_to_chrony);
	if (v->estimator != NULL)
		put(&o,
		    ",\"estimator\":{\"outliers\":%" PRIu64 ",\"steps\":%" PRIu64
		    ",\"shortened\":%" PRIu64 ",\"bent\":%" PRIu64 "}",
		    v->estimator->outliers, v->estimator->steps, v->estimator->shortened,
		    v->estimator->bent);
	if (v->route != NULL)
		put(&o, ",\"denied_own_topics\":%llu", v->route->own_topic);
	if (v->serve != NULL)
		put(&o,
		    ",\"lan\":{\"answered\":%llu,\"bad_request\":%llu,\"rate_limited\":%llu,"
		    "\"unsynced\":%llu,\"forged_answer\":%llu}",
		    v->serve->answered, v->serve->bad_request, v->serve->rate_limited,
		    v->serve->unsynced, v->serve->forged_answer);
	put(&o, "}");
	return o.overflow ? -1 : (int)o.len;
}

int sts_format_exchange(char *buf, size_t size, const struct syn_exchange *x)
{
	int n =
	    snprintf(buf, size,
	             "{\"t1\":%" PRId64 ",\"t2\":%" PRId64 ",\"t3\":%" PRId64 ",\"t4\":%" PRId64
	             ",\"offset_ns\":%" PRId64 ",\"rtt_ns\":%" PRId64 "}",
	             x->t1_ms, x->t2_ms, x->t3_ms, x->t4_ms, x->sample.offset_ns, x->sample.rtt_ns);
	return (n < 0 || (size_t)n >= size) ? -1 : n;
}
