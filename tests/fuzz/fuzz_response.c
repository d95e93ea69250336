/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_response: a response payload as it arrives from the bridge, through Alibaba's dialect
 * (the codec) and the sync engine's whole validator path (request table, exchange arithmetic,
 * burst selection), as the broker adapter hands it over.
 *
 * Each input is offered to fresh engines with a burst outstanding: in time, again (a replay),
 * after the timeout, and with the system clock unset (1970) or far in the future. Besides
 * crashes, leaks and undefined behaviour, the engine's promises are checked: only a payload
 * the codec accepts, echoing a request really sent, can become a sample; an answer is used
 * once; a sample's round trip is within the configured maximum; the codec's fast scan agrees
 * with its general parser; and the dialect reads every payload as the codec does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "codec.h"
#include "dialect.h"
#include "sync.h"
#include "fuzz_check.h"

#define MS INT64_C(1000000)

/* The engine's clocks: monotonic since boot, and the realtime of a gateway in 2023. */
#define MONO_START (INT64_C(86400) * XCH_NS_PER_S)
#define REAL_START INT64_C(1700000000000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct syn_config config = {
    .max_per_day = 86400,
    .steady_ns = 16 * XCH_NS_PER_S,
    .spacing_ns = 200 * MS,
    .timeout_ns = 3000 * MS,
    .max_rtt_ns = 1000 * MS,
    .burst = 4,
    .max_failed_polls = 3,
    .stamp_lo_ns = 0,
    .stamp_hi_ns = MS,
};

struct burst {
	int64_t ids[16];
	unsigned count;
};

/* Ticks the engine every 50 ms until the burst is sent, written and named in Alibaba's
 * dialect; records the ids published. */
static void send_burst(struct syn_engine *e, struct burst *b)
{
	const struct dlc_dialect *aliyun = dlc_find("aliyun");

	b->count = 0;
	for (int64_t t = 0; t <= 2000 * MS; t += 50 * MS) {
		struct syn_request req;
		struct dlc_id id;
		char text[DLC_BUF_SIZE];
		if (syn_request_due(e, MONO_START + t, REAL_START + t / MS, &req)) {
			CHECK(aliyun->encode_request(req.t1_ms, req.seq, &id, text, sizeof(text)) >
			      0);
			CHECK(id.kind == DLC_ID_NUMBER && id.number == req.t1_ms);
			syn_request_named(e, &id);
			CHECK(b->count < sizeof(b->ids) / sizeof(b->ids[0]));
			b->ids[b->count++] = req.t1_ms;
		}
	}
	CHECK(b->count == config.burst);
	CHECK(syn_counters(e)->sent == config.burst);
}

static bool sent_id(const struct burst *b, int64_t id)
{
	for (unsigned i = 0; i < b->count; i++) {
		if (b->ids[i] == id)
			return true;
	}
	return false;
}

/* What the codec made of the payload, to hold the engine's verdicts against. */
struct decoded {
	enum cdc_status status;
	struct cdc_response r;
};

static enum syn_verdict offer(struct syn_engine *e, const struct burst *b, const struct decoded *d,
                              const uint8_t *data, size_t size, int64_t mono_ns,
                              const struct timespec *real)
{
	struct dlc_answer a;
	enum dlc_status st = dlc_find("aliyun")->decode_response(data, size, &a);

	/* The dialect reads the payload as the codec does. */
	CHECK((st == DLC_OK) == (d->status == CDC_OK));
	CHECK(st != DLC_NOT_OURS);
	if (st == DLC_OK)
		CHECK(a.id.kind == DLC_ID_NUMBER && a.id.number == d->r.device_send &&
		      a.t2_ms == d->r.server_recv && a.t3_ms == d->r.server_send);
	enum syn_verdict v = st == DLC_OK ? syn_answer(e, &a, mono_ns, real) : syn_undecoded(e, st);

	CHECK((unsigned)v < SYN_VERDICT_COUNT);
	/* Only the caller tells where a message came from. */
	CHECK(v != SYN_REJ_LOCAL_CLIENT && v != SYN_REJ_OTHER_DEVICE);
	if (d->status != CDC_OK)
		CHECK(v >= SYN_REJ_TOO_LARGE && v <= SYN_REJ_BAD_TIME);
	if (v == SYN_ACCEPTED || v == SYN_DISCARDED_RTT) {
		CHECK(d->status == CDC_OK);
		CHECK(sent_id(b, d->r.device_send));
		CHECK(d->r.server_send >= d->r.server_recv);
	}
	return v;
}

static void finish_poll(struct syn_engine *e, int64_t mono_ns)
{
	struct syn_poll_result res;

	if (!syn_poll_done(e, mono_ns, &res))
		return;
	if (res.answered) {
		struct est_estimate est;
		CHECK(res.synced);
		/* Whatever the payload, an answered poll leaves an estimate whose window's
		 * exchanges kept to the maximum round trip. */
		CHECK(syn_estimate(e, mono_ns, &est));
		CHECK(est.min_rtt_ns <= config.max_rtt_ns + MS);
		CHECK(est.error_ns >= 0);
	}
	CHECK(!syn_poll_done(e, mono_ns, &res));
}

/* One engine: a burst goes out, the payload comes back offset_ns after the burst started and
 * is replayed; then it comes after every request timed out, and the poll is closed. */
static void run(const uint8_t *data, size_t size, const struct decoded *d, int64_t offset_ns,
                time_t real_s)
{
	struct syn_engine *e = syn_create(&config);
	struct burst b;

	if (e == NULL)
		return;
	send_burst(e, &b);

	int64_t at = MONO_START + offset_ns;
	struct timespec real = {.tv_sec = real_s, .tv_nsec = (long)(offset_ns % XCH_NS_PER_S)};
	enum syn_verdict first = offer(e, &b, d, data, size, at, &real);
	enum syn_verdict again = offer(e, &b, d, data, size, at + 10 * MS, &real);
	if (first == SYN_ACCEPTED || first == SYN_DISCARDED_RTT)
		CHECK(again == SYN_REJ_DUPLICATE);
	if (first == SYN_REJ_UNKNOWN)
		CHECK(again == SYN_REJ_UNKNOWN);
	fzc_check_counters(e, 2);

	/* Nothing is answered after the timeout; the poll then ends, with or without a sample. */
	at = MONO_START + 2000 * MS + config.timeout_ns + 1;
	enum syn_verdict late = offer(e, &b, d, data, size, at, &real);
	CHECK(late != SYN_ACCEPTED && late != SYN_DISCARDED_RTT);
	finish_poll(e, at);
	fzc_check_counters(e, 3);
	/* An answer with impossible times does not close its request: the same payload a
	 * little later may then be sound. */
	if (first != SYN_ACCEPTED && again != SYN_ACCEPTED)
		CHECK(syn_counters(e)->samples == 0);
	else
		CHECK(syn_counters(e)->samples == 1);
	syn_destroy(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decoded d;

	d.status = cdc_decode_response(data, size, &d.r);
	CHECK(cdc_status_name(d.status) != NULL);
	/* The fast scan of the usual shape reads every payload as the general parser does. */
	struct cdc_response general;
	CHECK(cdc_decode_response_general(data, size, &general) == d.status);
	if (d.status == CDC_OK)
		CHECK(general.device_send == d.r.device_send &&
		      general.server_recv == d.r.server_recv &&
		      general.server_send == d.r.server_send);
	if (d.status == CDC_OK) {
		CHECK(d.r.device_send >= 0);
		CHECK(d.r.server_recv >= CDC_MIN_SERVER_MS && d.r.server_recv < CDC_MAX_SERVER_MS);
		CHECK(d.r.server_send >= CDC_MIN_SERVER_MS && d.r.server_send < CDC_MAX_SERVER_MS);
	}

	/* The burst went out from 0 to 600 ms. In time, on a gateway whose clock is right. */
	run(data, size, &d, 700 * MS, (time_t)(REAL_START / 1000));
	/* After the first requests timed out, on a gateway without a battery-backed clock. */
	run(data, size, &d, 3500 * MS, 0);
	/* A clock set far in the future: offsets beyond what the exchange represents. */
	run(data, size, &d, 650 * MS, (time_t)(INT64_C(1) << 40));
	return 0;
}
