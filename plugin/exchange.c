/* SPDX-License-Identifier: Apache-2.0 */
#include "exchange.h"

/* Seconds apart beyond which an offset no longer fits comfortably in int64 ns. */
#define XCH_MAX_OFFSET_S (INT64_C(1) << 32)

int64_t xch_platform_time_ms(int64_t t1, int64_t t2, int64_t t3, int64_t t4)
{
	return (t2 + t3 + t4 - t1) / 2;
}

enum xch_status xch_from_ms(int64_t t1, int64_t t2, int64_t t3, int64_t t4, int64_t *offset_ns,
                            int64_t *rtt_ns)
{
	if (t3 < t2)
		return XCH_SERVER_ORDER;
	int64_t rtt = (t4 - t1) - (t3 - t2);
	if (rtt * XCH_NS_PER_MS < XCH_MIN_RTT_NS)
		return XCH_NEGATIVE_RTT;
	/* Multiply before halving so an odd sum keeps its half millisecond. */
	*offset_ns = ((t2 - t1) + (t3 - t4)) * XCH_NS_PER_MS / 2;
	*rtt_ns = rtt * XCH_NS_PER_MS;
	return XCH_OK;
}

enum xch_status xch_compute(int64_t server_recv_ms, int64_t server_send_ms, int64_t interval_ns,
                            const struct timespec *recv_real, struct xch_sample *out)
{
	if (server_send_ms < server_recv_ms)
		return XCH_SERVER_ORDER;
	int64_t processing_ns = (server_send_ms - server_recv_ms) * XCH_NS_PER_MS;
	int64_t rtt_ns = interval_ns - processing_ns;
	if (rtt_ns < XCH_MIN_RTT_NS)
		return XCH_NEGATIVE_RTT;

	/* T3 minus T4 as a seconds difference plus a nanoseconds difference, so no epoch count
	 * of nanoseconds is ever formed (gpsd's approach). */
	int64_t t3_s = server_send_ms / 1000;
	int64_t t3_ns = (server_send_ms % 1000) * XCH_NS_PER_MS;
	int64_t diff_s = t3_s - (int64_t)recv_real->tv_sec;
	if (diff_s > XCH_MAX_OFFSET_S || diff_s < -XCH_MAX_OFFSET_S)
		return XCH_OUT_OF_RANGE;
	int64_t t3_minus_t4 = diff_s * XCH_NS_PER_S + (t3_ns - (int64_t)recv_real->tv_nsec);

	/* True time at T4 is T3 plus the return leg, taken as half the round trip. */
	out->recv_real = *recv_real;
	out->recv_raw_ns = 0;
	out->rtt_ns = rtt_ns;
	out->offset_ns = t3_minus_t4 + rtt_ns / 2;
	return XCH_OK;
}

struct timespec xch_timespec_add(const struct timespec *t, int64_t ns)
{
	int64_t n = (int64_t)t->tv_nsec + ns % XCH_NS_PER_S;
	/* In int64 until the end: where time_t has 32 bits, ns alone can be more seconds than it
	 * holds, though the sum is not. */
	int64_t sec = (int64_t)t->tv_sec + ns / XCH_NS_PER_S + n / XCH_NS_PER_S;
	struct timespec out;

	n %= XCH_NS_PER_S;
	if (n < 0) {
		n += XCH_NS_PER_S;
		sec--;
	}
	out.tv_sec = (time_t)sec;
	out.tv_nsec = (long)n;
	return out;
}

const char *xch_status_name(enum xch_status status)
{
	switch (status) {
	case XCH_OK:
		return "ok";
	case XCH_SERVER_ORDER:
		return "server send before receive";
	case XCH_NEGATIVE_RTT:
		return "negative round trip";
	case XCH_OUT_OF_RANGE:
		return "offset out of range";
	}
	return "unknown";
}
