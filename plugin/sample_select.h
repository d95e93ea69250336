/*
 * sample_select: picks the one sample of a burst that goes to chrony.
 *
 * Queueing only ever adds delay, so the exchange with the smallest round trip is the one
 * least disturbed by it; exchanges over the configured maximum round trip are discarded.
 * On a tie the later exchange wins, being the fresher measurement.
 */
#ifndef IOTNTP_SAMPLE_SELECT_H
#define IOTNTP_SAMPLE_SELECT_H

#include <stdbool.h>
#include <stdint.h>

#include "exchange.h"

struct sel_burst {
	struct xch_sample best;
	int64_t max_rtt_ns;
	bool have;
};

/* Starts an empty burst that keeps samples with a round trip up to max_rtt_ns. */
void sel_init(struct sel_burst *b, int64_t max_rtt_ns);

/* Offers a sample; returns false if it is discarded for its round trip. */
bool sel_offer(struct sel_burst *b, const struct xch_sample *s);

/* Gives the best sample so far; returns false if there is none. */
bool sel_best(const struct sel_burst *b, struct xch_sample *out);

#endif
