/* SPDX-License-Identifier: Apache-2.0 */
/*
 * schedule: when the sync role polls and how many requests a poll sends, within the budget of
 * requests a day.
 *
 * Every request and every answer is a message the platform bills, so the operator gives a
 * budget (max_requests_per_day) and the schedule never sends more than that in any 24 hours.
 * As chrony moves between minpoll and maxpoll, the interval adapts: quick polls (every
 * SCH_QUICK_INTERVAL_NS) at the start, when sync is regained after it was lost, and when the
 * estimate is in doubt (a step, exchanges held aside, the estimate moved or the window
 * shortened as the rate bent); steady polls otherwise, also while the platform does not answer. The
 * estimator's window holds as many exchanges as the budget brings in an hour, so accuracy comes
 * from the count, not from their rate, and steady polls spend the budget evenly: SCH_STEADY_SHARE
 * of it. The rest pays for the quick polls: a credit that starts full at half the rest and refills
 * by as much a day, so that steady and quick polls together stay within the budget in any 24 hours;
 * quick polls stop when it is spent. A poll never sends more than the requests the last 24 hours
 * leave of the budget.
 *
 * A steady poll sends burst requests, a quick one at least quick_burst; bursts stay well
 * within the platform's 30 messages a second (at most 16 requests, at least 10 ms apart, and
 * quick polls 2 s apart).
 */
#ifndef IOTNTP_SCHEDULE_H
#define IOTNTP_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

#define SCH_NS_PER_S  1000000000LL
#define SCH_DAY_NS    (86400 * SCH_NS_PER_S)
#define SCH_MINUTE_NS (60 * SCH_NS_PER_S)

/* Quick polls in a row, and their interval. */
#define SCH_QUICK_POLLS       8
#define SCH_QUICK_INTERVAL_NS (2 * SCH_NS_PER_S)
/* What the plugin has a quick poll send at least (the burst, if larger). The first estimate
 * comes from the first poll alone, and the corridor's edges come from its least delayed
 * exchanges: on a path of 20 +-10 ms each way, 4 exchanges leave the middle more than 5 ms
 * off now and then, 8 rarely (each edge's excess shrinks as 1 / (n + 1)). LAN clients then
 * get time within a few ms in the first seconds, for a few dozen requests from the credit. */
#define SCH_QUICK_BURST 8
/* The share of the budget steady polls spend. */
#define SCH_STEADY_SHARE 0.9
/* Steady polls come at least this far apart, whatever the budget. */
#define SCH_MIN_INTERVAL_NS SCH_QUICK_INTERVAL_NS

struct sch_config {
	uint32_t max_per_day; /* requests in any 24 hours at most */
	int64_t steady_ns;    /* between steady polls; 0: from the budget */
	unsigned burst;       /* requests a poll */
	unsigned quick_burst; /* requests a quick poll at least, as the credit allows
	                       * (SCH_QUICK_BURST); 0: the burst */
};

/* What happened in a poll, as the schedule needs to know it. */
struct sch_outcome {
	bool synced;     /* sync is held after it */
	bool was_synced; /* and was before it */
	bool in_doubt;   /* the estimator stepped, held exchanges aside, shortened its window as
	                  * its bounds no longer held a line, or the poll moved the estimate
	                  * beyond what its noise explains */
};

struct sch_state;

/* The steady interval the configuration gives (steady_ns, or the budget's share spread
 * evenly); 0 if the configuration is out of range. */
int64_t sch_steady_interval(const struct sch_config *cfg);

/* Requests a day the steady polls alone send. */
uint64_t sch_steady_per_day(const struct sch_config *cfg);

/* A schedule whose first poll is quick and due at once, or NULL when out of memory or cfg is
 * out of range (sch_steady_interval() returns 0). */
struct sch_state *sch_create(const struct sch_config *cfg, int64_t now_ns);

/* Frees it. */
void sch_destroy(struct sch_state *s);

/* Called as a poll starts at now_ns: how many requests it may send (0: none, until the last
 * 24 hours leave room; ask again later). */
unsigned sch_poll_start(struct sch_state *s, int64_t now_ns);

/* Counts one request sent at now_ns. */
void sch_sent(struct sch_state *s, int64_t now_ns);

/* Called as a poll ends: the interval from its start to the next poll's start. */
int64_t sch_poll_end(struct sch_state *s, const struct sch_outcome *o);

/* Whether the poll under way (or the next, between polls) is a quick one. */
bool sch_quick(const struct sch_state *s);

/* The interval last chosen (the steady one before the first poll ends). */
int64_t sch_interval(const struct sch_state *s);

/* Requests sent in the last 24 hours, counted by the minute (so up to a minute more). */
uint64_t sch_sent_last_day(struct sch_state *s, int64_t now_ns);

#endif
