/* SPDX-License-Identifier: Apache-2.0 */
/*
 * broker_clock: the clocks the plugin reads: CLOCK_MONOTONIC_RAW for every interval and the
 * estimate, CLOCK_REALTIME to pair with it for chrony and to stamp requests.
 */
#ifndef IOTNTP_BROKER_CLOCK_H
#define IOTNTP_BROKER_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/timex.h>
#include <time.h>

/* CLOCK_MONOTONIC_RAW in ns: the oscillator alone, untouched by any slew or step. */
static inline int64_t bck_raw_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * CLOCK_MONOTONIC_RAW at the moment CLOCK_REALTIME is read into *real: the realtime is read
 * between two raw readings and paired with their middle. A preemption between the readings
 * would make the pair wrong by as long as it lasted, so the tightest of a few tries is kept.
 */
static inline int64_t bck_raw_at_real(struct timespec *real)
{
	int64_t best_gap = INT64_MAX, best_raw = 0;

	for (int i = 0; i < 4 && best_gap > 20000; i++) {
		struct timespec ts1, now, ts2;
		clock_gettime(CLOCK_MONOTONIC_RAW, &ts1);
		clock_gettime(CLOCK_REALTIME, &now);
		clock_gettime(CLOCK_MONOTONIC_RAW, &ts2);
		int64_t a = (int64_t)ts1.tv_sec * 1000000000 + ts1.tv_nsec;
		int64_t b = (int64_t)ts2.tv_sec * 1000000000 + ts2.tv_nsec;
		if (b - a < best_gap) {
			best_gap = b - a;
			best_raw = a + (b - a) / 2;
			*real = now;
		}
	}
	return best_raw;
}

/* Whether the kernel says an NTP client keeps the system clock synchronised. */
static inline bool bck_kernel_synced(void)
{
	struct timex tx = {0};
	int state = ntp_adjtime(&tx);
	return state != -1 && state != TIME_ERROR && !(tx.status & STA_UNSYNC);
}

/* CLOCK_REALTIME as a timespec: what samples are anchored to. */
static inline struct timespec bck_real(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

/* A timespec in whole ms since the epoch, rounded down. */
static inline int64_t bck_ms(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000 + ts->tv_nsec / 1000000;
}

#endif
