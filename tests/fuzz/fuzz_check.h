/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_check: what the harnesses share: CHECK, which aborts so that libFuzzer keeps the input,
 * and the sync engine's counters' invariants.
 */
#ifndef IOTNTP_FUZZ_CHECK_H
#define IOTNTP_FUZZ_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sync.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* After answers answers were offered to e: each was counted once, by its verdict, and no
 * count runs ahead of what it counts. */
static inline void fzc_check_counters(const struct syn_engine *e, uint64_t answers)
{
	const struct syn_counters *c = syn_counters(e);
	uint64_t sum = 0;

	for (int i = 0; i < SYN_VERDICT_COUNT; i++)
		sum += c->by_verdict[i];
	CHECK(sum == answers);
	CHECK(c->answered <= c->sent);
	CHECK(c->answered + c->timed_out <= c->sent);
	CHECK(c->rejected + c->by_verdict[SYN_ACCEPTED] + c->by_verdict[SYN_DISCARDED_RTT] == sum);
	CHECK(c->samples <= c->polls);
}

#endif
