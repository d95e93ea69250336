/* SPDX-License-Identifier: Apache-2.0 */
#include "tick_slots.h"

bool tks_starts_pass(struct tks_state *s, unsigned slot, int64_t now_ns)
{
	bool first = !s->called || slot <= s->last_slot || now_ns - s->last_ns > TKS_PASS_GAP_NS;
	s->called = true;
	s->last_slot = slot;
	s->last_ns = now_ns;
	return first;
}
