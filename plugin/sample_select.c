#include "sample_select.h"

void sel_init(struct sel_burst *b, int64_t max_rtt_ns)
{
	b->max_rtt_ns = max_rtt_ns;
	b->have = false;
}

bool sel_offer(struct sel_burst *b, const struct xch_sample *s)
{
	if (s->rtt_ns > b->max_rtt_ns)
		return false;
	if (!b->have || s->rtt_ns <= b->best.rtt_ns) {
		b->best = *s;
		b->have = true;
	}
	return true;
}

bool sel_best(const struct sel_burst *b, struct xch_sample *out)
{
	if (b->have)
		*out = b->best;
	return b->have;
}
