/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wide: exact signed 128-bit integers for the tests' reference arithmetic, the same on every
 * architecture. Products of int64 values need 128 bits, and 32-bit ARM has no __int128.
 */
#ifndef IOTNTP_TEST_WIDE_H
#define IOTNTP_TEST_WIDE_H

#include <stdbool.h>
#include <stdint.h>

/* hi x 2^64 + lo, two's complement. */
struct wide {
	int64_t hi;
	uint64_t lo;
};

static inline struct wide wide_of(int64_t v)
{
	struct wide w = {v < 0 ? -1 : 0, (uint64_t)v};
	return w;
}

static inline struct wide wide_add(struct wide a, struct wide b)
{
	struct wide w;
	w.lo = a.lo + b.lo;
	w.hi = (int64_t)((uint64_t)a.hi + (uint64_t)b.hi + (w.lo < a.lo ? 1u : 0u));
	return w;
}

static inline struct wide wide_neg(struct wide a)
{
	struct wide w;
	w.lo = ~a.lo + 1;
	w.hi = (int64_t)(~(uint64_t)a.hi + (w.lo == 0 ? 1u : 0u));
	return w;
}

static inline struct wide wide_sub(struct wide a, struct wide b)
{
	return wide_add(a, wide_neg(b));
}

/* a x b, exact: the magnitudes multiplied in 32-bit halves, then the sign. */
static inline struct wide wide_mul(int64_t a, int64_t b)
{
	uint64_t ua = a < 0 ? 0 - (uint64_t)a : (uint64_t)a;
	uint64_t ub = b < 0 ? 0 - (uint64_t)b : (uint64_t)b;
	uint64_t a0 = ua & 0xffffffffu, a1 = ua >> 32;
	uint64_t b0 = ub & 0xffffffffu, b1 = ub >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
	struct wide w;

	w.lo = (mid << 32) | (p00 & 0xffffffffu);
	w.hi = (int64_t)(p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32));
	return (a < 0) != (b < 0) ? wide_neg(w) : w;
}

/* -1, 0 or 1 as a is less than, equal to or greater than b. */
static inline int wide_cmp(struct wide a, struct wide b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

static inline bool wide_eq(struct wide a, struct wide b)
{
	return wide_cmp(a, b) == 0;
}

#endif
