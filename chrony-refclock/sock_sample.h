/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sock_sample: the datagram chrony's SOCK refclock reads (chrony's refclock_sock.c).
 *
 * This struct is the protocol: chronyd drops any datagram whose size or magic differs, so the
 * layout is checked at compile time. Each field as chrony defines it:
 *
 *   tv      system time (CLOCK_REALTIME) at which the offset was measured; chrony drops a
 *           sample whose tv is in the future or older than 2^(poll+1) s
 *   offset  true time minus system time at tv, in seconds
 *   pulse   0: the offset is a full time measurement, not a PPS pulse
 *   leap    0 none, 1 insert, 2 delete; any other value drops the sample
 *   _pad    unused, keeps the layout chrony's
 *   magic   SOCK_SAMPLE_MAGIC ("SOCK")
 */
#ifndef IOTNTP_SOCK_SAMPLE_H
#define IOTNTP_SOCK_SAMPLE_H

#include <stddef.h>
#include <sys/time.h>
#include <time.h>

#define SOCK_SAMPLE_MAGIC 0x534f434b

struct sock_sample {
	struct timeval tv;
	double offset;
	int pulse;
	int leap;
	int _pad;
	int magic;
};

/* chronyd declares the same struct, so its size follows time_t and long: 40 bytes where they
 * have 64 bits (amd64, arm64, and 32-bit builds with a 64-bit time_t), 32 where they have 32
 * (armhf in Debian 12). Which sizes a chronyd reads, from refclock_sock.c at chrony's tags 4.3,
 * 4.4, 4.5, 4.6.1 and 4.8:
 *   - chrony 4.3 and earlier (Debian 12 ships 4.3) reads only the size of its own build's
 *     time_t and drops a datagram of any other length;
 *   - chrony 4.4 and later, when built for a 32-bit architecture with glibc 2.34 or later, also
 *     reads the other width's size (32 or 40 bytes) and converts its tv; a chronyd with a
 *     32-bit time_t then drops a 64-bit tv_sec that does not fit, past January 2038.
 * On 64-bit architectures there is only the one size. */
#if defined(__x86_64__) || defined(__aarch64__)
_Static_assert(sizeof(struct sock_sample) == 40, "sock_sample must be 40 bytes as chrony reads it");
_Static_assert(offsetof(struct sock_sample, offset) == 16, "offset follows the 16-byte timeval");
_Static_assert(offsetof(struct sock_sample, magic) == 36, "magic is the last int");
#elif defined(__arm__)
_Static_assert(sizeof(time_t) != 4 || sizeof(struct sock_sample) == 32,
               "with a 32-bit time_t, sock_sample must be 32 bytes as chrony reads it");
_Static_assert(sizeof(time_t) != 4 || offsetof(struct sock_sample, offset) == 8,
               "offset follows the 8-byte timeval");
/* With a 64-bit time_t (Debian 13's armhf) glibc's timeval holds a 64-bit tv_usec as well
 * (bits/types/struct_timeval.h of glibc 2.41): the 64-bit architectures' layout. */
_Static_assert(sizeof(time_t) != 8 || sizeof(struct sock_sample) == 40,
               "with a 64-bit time_t, sock_sample must be 40 bytes as chrony reads it");
#endif
_Static_assert(offsetof(struct sock_sample, offset) == sizeof(struct timeval),
               "offset directly follows tv");
_Static_assert(offsetof(struct sock_sample, magic) + sizeof(int) == sizeof(struct sock_sample),
               "magic is the last field");

/* Fills s for an offset (seconds) measured at system time at. */
void sock_sample_encode(struct sock_sample *s, const struct timespec *at, double offset);

#endif
