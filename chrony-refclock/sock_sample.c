/* SPDX-License-Identifier: Apache-2.0 */
#include "sock_sample.h"

#include <string.h>

void sock_sample_encode(struct sock_sample *s, const struct timespec *at, double offset)
{
	memset(s, 0, sizeof(*s));
	/* Truncating to microseconds moves the anchor, not the offset: both clocks run on. */
	s->tv.tv_sec = at->tv_sec;
	s->tv.tv_usec = at->tv_nsec / 1000;
	s->offset = offset;
	s->pulse = 0;
	s->leap = 0;
	s->magic = SOCK_SAMPLE_MAGIC;
}
