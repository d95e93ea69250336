/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rate_limit: a token bucket per client id, so one chatty or hostile LAN device cannot make
 * the broker answer more than its share of time requests.
 *
 * Clients are kept in a fixed table keyed by a hash of their id; when it is full the client
 * idle the longest gives up its slot. Memory is fixed at creation and nothing is allocated
 * per request.
 */
#ifndef IOTNTP_RATE_LIMIT_H
#define IOTNTP_RATE_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct rtl_limiter;

/* A limiter allowing rate_per_s requests per second per client, bursts of up to burst, for
 * up to max_clients clients at once; NULL when out of memory or a value is zero. */
struct rtl_limiter *rtl_create(unsigned rate_per_s, unsigned burst, unsigned max_clients);

/* Frees the limiter. */
void rtl_destroy(struct rtl_limiter *l);

/* Whether client may have one more request answered at mono_ns; takes a token if so. */
bool rtl_allow(struct rtl_limiter *l, const char *client, int64_t mono_ns);

#endif
