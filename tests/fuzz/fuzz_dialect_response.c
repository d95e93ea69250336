/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_dialect_response: an answer payload as it arrives from the bridge, read in every
 * platform's dialect and handed to a sync engine that sent its requests in that dialect, as
 * the broker adapter does. fuzz_response goes deeper into Alibaba's (its codec's two readers);
 * this harness holds every dialect to the same promises.
 *
 * Besides crashes, leaks and undefined behaviour:
 *   - the two readers of a shared topic agree where it matters: what the decoder takes for an
 *     answer the owner test calls the time service's. The router leaves alone, from anyone,
 *     what the owner test calls another service's: were the decoder to take it, a LAN client
 *     could forge an answer there. The owner test may be the laxer (Tencent's calls an answer
 *     with "time" alone the time service's, which the decoder leaves to the broker);
 *   - only an answer that names a request really sent (or, where answers name none, the one in
 *     flight) becomes an exchange, once; nothing is taken after the timeout; the counters add
 *     up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dialect.h"
#include "sync.h"
#include "fuzz_check.h"

#define MS INT64_C(1000000)

/* The engine's clocks: monotonic since boot, and the realtime of a gateway in 2023. */
#define MONO_START (INT64_C(86400) * XCH_NS_PER_S)
#define REAL_START INT64_C(1700000000000)
#define BURST      4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const dialects[] = {"aliyun", "huawei", "tuya", "tencent"};

struct burst {
	struct dlc_id ids[BURST];
	unsigned count;
};

/* Ticks the engine every 50 ms for 2 s, writing and naming its requests in dialect d; records
 * the ids the requests carry. */
static void send_burst(const struct dlc_dialect *d, struct syn_engine *e, struct burst *b)
{
	b->count = 0;
	for (int64_t t = 0; t <= 2000 * MS; t += 50 * MS) {
		struct syn_request req;
		struct dlc_id id;
		char text[DLC_BUF_SIZE];
		if (syn_request_due(e, MONO_START + t, REAL_START + t / MS, &req)) {
			CHECK(d->encode_request(req.t1_ms, req.seq, &id, text, sizeof(text)) > 0);
			CHECK(id.kind == d->id_kind);
			syn_request_named(e, &id);
			CHECK(b->count < BURST);
			b->ids[b->count++] = id;
		}
	}
	/* With one in flight, the next waits for an answer that never comes here. */
	CHECK(b->count == (d->id_kind == DLC_ID_NONE ? 1 : BURST));
}

static bool sent(const struct burst *b, const struct dlc_id *id)
{
	for (unsigned i = 0; i < b->count; i++) {
		if (dlc_same_id(&b->ids[i], id))
			return true;
	}
	return false;
}

static enum syn_verdict offer(const struct dlc_dialect *d, struct syn_engine *e,
                              const struct burst *b, const uint8_t *data, size_t size,
                              int64_t mono_ns, const struct timespec *real)
{
	struct dlc_answer a;
	enum dlc_status st = d->decode_response(data, size, &a);

	CHECK(dlc_status_name(st) != NULL);
	if (st == DLC_NOT_OURS)
		return SYN_VERDICT_COUNT;
	enum syn_verdict v = st == DLC_OK ? syn_answer(e, &a, mono_ns, real) : syn_undecoded(e, st);
	CHECK((unsigned)v < SYN_VERDICT_COUNT);
	CHECK(v != SYN_REJ_LOCAL_CLIENT && v != SYN_REJ_OTHER_DEVICE);
	if (v == SYN_ACCEPTED || v == SYN_DISCARDED_RTT) {
		CHECK(st == DLC_OK);
		CHECK(a.t3_ms >= a.t2_ms);
		CHECK(d->id_kind == DLC_ID_NONE || sent(b, &a.id));
	}
	return v;
}

/* The owner test and the decoder of a shared topic read the payload alike. */
static void readers_agree(const struct dlc_dialect *d, const uint8_t *data, size_t size)
{
	if (!d->shared_topic[DLC_RESPONSE])
		return;
	struct dlc_answer a;
	enum dlc_status st = d->decode_response(data, size, &a);
	enum dlc_owner own = d->owner(DLC_RESPONSE, data, size);
	if (st == DLC_OK)
		CHECK(own == DLC_OWNER_TIME);
}

/* One engine in dialect d: a burst goes out, the payload comes back in time and again; then
 * after the timeout, and the poll is closed. */
static void run(const struct dlc_dialect *d, const uint8_t *data, size_t size, int64_t offset_ns)
{
	struct syn_config config = {
	    .max_per_day = 86400,
	    .steady_ns = 16 * XCH_NS_PER_S,
	    .spacing_ns = 200 * MS,
	    .timeout_ns = 3000 * MS,
	    .max_rtt_ns = 1000 * MS,
	    .burst = BURST,
	    .max_failed_polls = 3,
	    .stamp_lo_ns = -MS / 2,
	    .stamp_hi_ns = MS,
	    .one_in_flight = d->id_kind == DLC_ID_NONE,
	};
	struct syn_engine *e = syn_create(&config);
	struct burst b;
	uint64_t answers = 0;

	if (e == NULL)
		return;
	send_burst(d, e, &b);
	int64_t at = MONO_START + offset_ns;
	struct timespec real = {.tv_sec = (time_t)(REAL_START / 1000 + offset_ns / XCH_NS_PER_S),
	                        .tv_nsec = (long)(offset_ns % XCH_NS_PER_S)};
	enum syn_verdict first = offer(d, e, &b, data, size, at, &real);
	enum syn_verdict again = offer(d, e, &b, data, size, at + 10 * MS, &real);
	answers += (first != SYN_VERDICT_COUNT) + (again != SYN_VERDICT_COUNT);
	/* An answer is taken once. */
	CHECK(!(first == SYN_ACCEPTED && again == SYN_ACCEPTED));
	fzc_check_counters(e, answers);

	at = MONO_START + 2000 * MS + config.timeout_ns + 1;
	enum syn_verdict late = offer(d, e, &b, data, size, at, &real);
	answers += late != SYN_VERDICT_COUNT;
	CHECK(late != SYN_ACCEPTED && late != SYN_DISCARDED_RTT);
	struct syn_poll_result res;
	if (syn_poll_done(e, at, &res))
		CHECK(!syn_poll_done(e, at, &res));
	fzc_check_counters(e, answers);
	syn_destroy(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++) {
		const struct dlc_dialect *d = dlc_find(dialects[i]);
		CHECK(d != NULL);
		readers_agree(d, data, size);
		/* The answer 30 ms after the burst began, and 1.2 s after. */
		run(d, data, size, 30 * MS);
		run(d, data, size, 1200 * MS);
	}
	return 0;
}
