/* SPDX-License-Identifier: Apache-2.0 */
#include "schedule.h"

#include <stdlib.h>

#define MINUTES_A_DAY 1440

struct sch_state {
	struct sch_config cfg;
	int64_t steady_ns;
	double credit;       /* requests quick polls may still send */
	double credit_max;   /* what the credit holds at most, and gains a day */
	int64_t credit_at;   /* when the credit was last brought up to date */
	unsigned quick_left; /* quick intervals still to come */
	bool quick;          /* the poll under way, or the next, is a quick one */
	int64_t interval_ns;
	uint32_t minutes[MINUTES_A_DAY]; /* requests sent in each minute of the last day */
	int64_t minute;                  /* the newest minute counted (ns / SCH_MINUTE_NS) */
	uint64_t day_total;              /* their sum */
};

int64_t sch_steady_interval(const struct sch_config *cfg)
{
	if (cfg->burst == 0 || cfg->max_per_day == 0 || cfg->steady_ns < 0)
		return 0;
	if (cfg->steady_ns > 0)
		return cfg->steady_ns;
	double t = (double)cfg->burst * (double)SCH_DAY_NS / (SCH_STEADY_SHARE * cfg->max_per_day);
	return t < (double)SCH_MIN_INTERVAL_NS ? SCH_MIN_INTERVAL_NS : (int64_t)t;
}

uint64_t sch_steady_per_day(const struct sch_config *cfg)
{
	int64_t t = sch_steady_interval(cfg);
	return t > 0 ? (uint64_t)((double)cfg->burst * (double)SCH_DAY_NS / (double)t) : 0;
}

struct sch_state *sch_create(const struct sch_config *cfg, int64_t now_ns)
{
	int64_t steady = sch_steady_interval(cfg);
	if (steady == 0)
		return NULL;
	struct sch_state *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->cfg = *cfg;
	s->steady_ns = steady;
	uint64_t steady_day = sch_steady_per_day(cfg);
	/* Steady polls spend steady_day; the credit starts with half of the rest and gains as
	 * much in a day, so that no 24 hours hold more than the budget. */
	s->credit_max =
	    steady_day < cfg->max_per_day ? (double)(cfg->max_per_day - steady_day) / 2 : 0;
	s->credit = s->credit_max;
	s->credit_at = now_ns;
	/* The first poll is quick by itself; this many quick intervals follow it. */
	s->quick = true;
	s->quick_left = SCH_QUICK_POLLS - 1;
	s->interval_ns = steady;
	s->minute = now_ns / SCH_MINUTE_NS;
	return s;
}

void sch_destroy(struct sch_state *s)
{
	free(s);
}

/* Brings the minutes up to now_ns: those more than a day old leave the count. */
static void advance(struct sch_state *s, int64_t now_ns)
{
	int64_t m = now_ns / SCH_MINUTE_NS;
	if (m - s->minute >= MINUTES_A_DAY) {
		for (unsigned i = 0; i < MINUTES_A_DAY; i++)
			s->minutes[i] = 0;
		s->day_total = 0;
		s->minute = m;
		return;
	}
	while (s->minute < m) {
		s->minute++;
		uint32_t *slot = &s->minutes[s->minute % MINUTES_A_DAY];
		s->day_total -= *slot;
		*slot = 0;
	}
}

static void refill(struct sch_state *s, int64_t now_ns)
{
	if (now_ns > s->credit_at) {
		s->credit += s->credit_max * (double)(now_ns - s->credit_at) / (double)SCH_DAY_NS;
		if (s->credit > s->credit_max)
			s->credit = s->credit_max;
	}
	s->credit_at = now_ns;
}

unsigned sch_poll_start(struct sch_state *s, int64_t now_ns)
{
	advance(s, now_ns);
	refill(s, now_ns);
	uint64_t room = s->cfg.max_per_day > s->day_total ? s->cfg.max_per_day - s->day_total : 0;
	unsigned n = s->cfg.burst;
	/* A quick poll spends the credit: quick_burst requests while it holds them, a burst
	 * when it holds less, and with less than a burst left it is a steady poll. */
	if (s->quick) {
		unsigned q = n > s->cfg.quick_burst ? n : s->cfg.quick_burst;
		if (s->credit >= q)
			n = q;
		else if (s->credit < n)
			s->quick = false;
	}
	if (room < n)
		n = (unsigned)room;
	return n;
}

void sch_sent(struct sch_state *s, int64_t now_ns)
{
	advance(s, now_ns);
	s->minutes[s->minute % MINUTES_A_DAY]++;
	s->day_total++;
	if (s->quick && s->credit >= 1)
		s->credit -= 1;
}

int64_t sch_poll_end(struct sch_state *s, const struct sch_outcome *o)
{
	/* Sync gained (at the start, or again after it was lost): poll quickly, so that LAN
	 * clients have time soon. The estimate in doubt: quickly, to settle it with many
	 * exchanges. While the platform does not answer, polls stay steady: quick ones would
	 * only spend the credit. */
	if ((o->synced && !o->was_synced) || (o->synced && o->in_doubt)) {
		if (s->quick_left < SCH_QUICK_POLLS - 1)
			s->quick_left = SCH_QUICK_POLLS - 1;
	}
	s->quick = s->quick_left > 0 && s->credit >= s->cfg.burst;
	if (s->quick)
		s->quick_left--;
	else
		s->quick_left = 0;
	s->interval_ns = s->quick ? SCH_QUICK_INTERVAL_NS : s->steady_ns;
	return s->interval_ns;
}

bool sch_quick(const struct sch_state *s)
{
	return s->quick;
}

int64_t sch_interval(const struct sch_state *s)
{
	return s->interval_ns;
}

uint64_t sch_sent_last_day(struct sch_state *s, int64_t now_ns)
{
	advance(s, now_ns);
	return s->day_total;
}
