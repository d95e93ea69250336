/* SPDX-License-Identifier: Apache-2.0 */
/*
 * host_clock_watch: tells whether this machine's own clock moved under an end-to-end test.
 *
 *   host_clock_watch OUT_FILE MAX_SECONDS
 *
 * The chain's emulated platform stamps with this machine's CLOCK_REALTIME (shifted by
 * libfaketime), and the gateway's plugin measures it against CLOCK_MONOTONIC_RAW. On a real
 * gateway the platform's clock is far away and nothing the gateway does moves it; here, anything
 * that steps or slews this machine's clock (a time daemon, a virtual machine restored or
 * migrated and its clock set again) moves the emulated platform's clock against the raw one
 * too, and the test then measures the machine, not iotntp.
 *
 * Every 50 ms it reads both clocks. Their difference may drift at a constant rate (a host whose
 * clock is disciplined runs at a steady frequency); the rate is taken from the first 10 s.
 * What it reports is how far the difference has moved from that line since the start
 * (moved_ms), and, to tell what a failed run went through, the longest gap between two readings
 * beyond the period (stall_ms: the machine did not run this process, or the virtual machine was
 * paused). OUT_FILE is rewritten, whole, each time either
 * grows:
 *     moved_ms=<x> stall_ms=<y>
 * It exits after MAX_SECONDS, or on SIGTERM or SIGINT.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PERIOD_NS   50000000LL
#define RATE_FIT_NS 10000000000LL

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long long ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* realtime - raw, with the raw time it applies to: the raw clock is read on both sides and its
 * middle taken. A reading that this process was preempted in (the two raw readings more than
 * READ_MAX_NS apart) could be off by that much: it is read again, up to READ_TRIES times;
 * false if every try was preempted. */
#define READ_MAX_NS 50000LL
#define READ_TRIES  5
static bool difference(long long *raw, long long *d)
{
	for (int i = 0; i < READ_TRIES; i++) {
		long long a = ns(CLOCK_MONOTONIC_RAW);
		long long r = ns(CLOCK_REALTIME);
		long long b = ns(CLOCK_MONOTONIC_RAW);
		if (b - a <= READ_MAX_NS) {
			*raw = a + (b - a) / 2;
			*d = r - *raw;
			return true;
		}
	}
	return false;
}

static int report(const char *path, double moved_ms, double stall_ms)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	FILE *f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "moved_ms=%.3f stall_ms=%.3f\n", moved_ms, stall_ms);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

int main(int argc, char **argv)
{
	if (argc != 3 || atof(argv[2]) <= 0) {
		fprintf(stderr, "usage: %s OUT_FILE MAX_SECONDS\n", argv[0]);
		return 2;
	}
	const char *out = argv[1];
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	long long raw0, d0, raw, d, last_raw;
	while (!difference(&raw0, &d0))
		;
	const long long end = raw0 + (long long)(atof(argv[2]) * 1e9);
	double rate = 0, moved = 0, stall = 0;
	int have_rate = 0;
	last_raw = raw0;
	if (report(out, 0, 0) != 0) {
		perror(out);
		return 1;
	}
	while (!stop) {
		struct timespec nap = {0, PERIOD_NS};
		nanosleep(&nap, NULL);
		if (ns(CLOCK_MONOTONIC_RAW) >= end)
			break;
		if (!difference(&raw, &d))
			continue;
		double gap = (double)(raw - last_raw - PERIOD_NS) / 1e6;
		last_raw = raw;
		/* Within the first 10 s the rate is still being learnt: movement is measured from
		 * the start alone; after it, from the line. */
		if (!have_rate && raw - raw0 >= RATE_FIT_NS) {
			rate = (double)(d - d0) / (double)(raw - raw0);
			/* A rate beyond any oscillator's (0.05 %) is the clock being slewed, not a
			 * steady frequency: the line stays flat and the slew counts as movement. */
			if (fabs(rate) > 5e-4)
				rate = 0;
			have_rate = 1;
		}
		double m = fabs((double)(d - d0) - rate * (double)(raw - raw0)) / 1e6;
		if (m > moved + 0.001 || gap > stall + 0.001) {
			moved = fmax(moved, m);
			stall = fmax(stall, gap);
			if (report(out, moved, stall) != 0) {
				perror(out);
				return 1;
			}
		}
	}
	return 0;
}
