/*
 * broker_clock: the two clocks every exchange is measured with.
 */
#ifndef IOTNTP_BROKER_CLOCK_H
#define IOTNTP_BROKER_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in ns: intervals, immune to steps of the system clock. */
static inline int64_t bck_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
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
