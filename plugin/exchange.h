/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exchange: the four-timestamp arithmetic of one NTP-over-MQTT exchange.
 *
 * The platform answers with serverRecvTime (T2) and serverSendTime (T3) in whole
 * milliseconds. On our side only the interval between sending the request (T1) and
 * receiving the answer (T4) matters, so it is measured on CLOCK_MONOTONIC_RAW in
 * nanoseconds, and the result is anchored to CLOCK_REALTIME read at receipt. A step of
 * the system clock during the exchange then cannot corrupt the sample.
 */
#ifndef IOTNTP_EXCHANGE_H
#define IOTNTP_EXCHANGE_H

#include <stdint.h>
#include <time.h>

#define XCH_NS_PER_MS 1000000LL
#define XCH_NS_PER_S  1000000000LL

/* A negative round trip down to this is explained by ms truncation of T2 and T3. */
#define XCH_MIN_RTT_NS (-XCH_NS_PER_MS)

/* One exchange reduced to what chrony needs. */
struct xch_sample {
	struct timespec recv_real; /* CLOCK_REALTIME when the response arrived */
	int64_t offset_ns;         /* platform time minus system time at recv_real */
	int64_t rtt_ns;            /* round trip without the platform's processing time */
	int64_t recv_raw_ns;       /* CLOCK_MONOTONIC_RAW at receipt, set by the caller */
};

enum xch_status {
	XCH_OK = 0,
	XCH_SERVER_ORDER, /* serverSendTime before serverRecvTime */
	XCH_NEGATIVE_RTT, /* processing longer than our interval, beyond ms rounding */
	XCH_OUT_OF_RANGE, /* system clock and platform too far apart to represent */
};

/* The platform document's formula, all four timestamps in ms: the device's time at T4. */
int64_t xch_platform_time_ms(int64_t t1, int64_t t2, int64_t t3, int64_t t4);

/* Offset and round trip from four ms timestamps, exact in ns (the offset can end in .5 ms). */
enum xch_status xch_from_ms(int64_t t1, int64_t t2, int64_t t3, int64_t t4, int64_t *offset_ns,
                            int64_t *rtt_ns);

/* A sample from the platform's T2, T3 (ms), our monotonic interval T4-T1 (ns) and the realtime
 * read at T4. */
enum xch_status xch_compute(int64_t server_recv_ms, int64_t server_send_ms, int64_t interval_ns,
                            const struct timespec *recv_real, struct xch_sample *out);

/* t moved by ns (either sign), normalised; the result must fit in time_t. */
struct timespec xch_timespec_add(const struct timespec *t, int64_t ns);

/* Human-readable name of a status, for logs and counters. */
const char *xch_status_name(enum xch_status status);

#endif
