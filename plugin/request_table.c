/* SPDX-License-Identifier: Apache-2.0 */
#include "request_table.h"

#include <stdbool.h>
#include <stdlib.h>

enum rqt_state { RQT_FREE = 0, RQT_WAITING, RQT_ANSWERED, RQT_TIMED_OUT };

struct rqt_entry {
	struct dlc_id id;
	int64_t sent_ns;
	enum rqt_state state;
};

struct rqt_table {
	struct rqt_entry e[RQT_CAPACITY];
	unsigned next;
	unsigned waiting;
	/* No waiting request was sent before this: rqt_expire runs on every broker tick and
	 * scans the table only once one may be overdue. */
	int64_t oldest_ns;
	int64_t timeout_ns;
};

struct rqt_table *rqt_create(int64_t timeout_ns)
{
	struct rqt_table *t = calloc(1, sizeof(*t));
	if (t != NULL)
		t->timeout_ns = timeout_ns;
	return t;
}

void rqt_destroy(struct rqt_table *t)
{
	free(t);
}

void rqt_add(struct rqt_table *t, const struct dlc_id *id, int64_t mono_ns)
{
	struct rqt_entry *e = &t->e[t->next];

	if (e->state == RQT_WAITING)
		t->waiting--;
	if (t->waiting == 0 || mono_ns < t->oldest_ns)
		t->oldest_ns = mono_ns;
	e->id = *id;
	e->sent_ns = mono_ns;
	e->state = RQT_WAITING;
	t->waiting++;
	t->next = (t->next + 1) % RQT_CAPACITY;
}

void rqt_left(struct rqt_table *t, int64_t mono_ns)
{
	struct rqt_entry *e = &t->e[(t->next + RQT_CAPACITY - 1) % RQT_CAPACITY];

	/* oldest_ns stays a lower bound of the waiting entries' send times. */
	if (e->state == RQT_WAITING && mono_ns > e->sent_ns)
		e->sent_ns = mono_ns;
}

/* The entry an answer with id refers to, or -1. Ids are unique but for DLC_ID_NONE, which all
 * such entries share: then the one waiting is meant or, with none waiting, the newest, so that
 * a repeated or late answer is still told from an unknown one. */
static int find(const struct rqt_table *t, const struct dlc_id *id)
{
	int newest = -1;

	for (unsigned n = 1; n <= RQT_CAPACITY; n++) {
		int i = (int)((t->next + RQT_CAPACITY - n) % RQT_CAPACITY);
		if (t->e[i].state == RQT_FREE || !dlc_same_id(&t->e[i].id, id))
			continue;
		if (t->e[i].state == RQT_WAITING)
			return i;
		if (newest < 0)
			newest = i;
	}
	return newest;
}

static bool overdue(const struct rqt_table *t, const struct rqt_entry *e, int64_t now_ns)
{
	return now_ns - e->sent_ns > t->timeout_ns;
}

static enum rqt_match classify(const struct rqt_table *t, const struct rqt_entry *e, int64_t now_ns)
{
	if (e == NULL)
		return RQT_UNKNOWN;
	if (e->state == RQT_ANSWERED)
		return RQT_DUPLICATE;
	/* An overdue entry still waiting is left for rqt_expire to count as a timeout. */
	if (e->state == RQT_TIMED_OUT || overdue(t, e, now_ns))
		return RQT_EXPIRED;
	return RQT_MATCHED;
}

/* What an answer to entry i (-1: none) at now_ns is; on RQT_MATCHED gives the send time. */
static enum rqt_match lookup(const struct rqt_table *t, int i, int64_t now_ns, int64_t *sent_ns)
{
	const struct rqt_entry *e = i < 0 ? NULL : &t->e[i];
	enum rqt_match m = classify(t, e, now_ns);

	if (m == RQT_MATCHED)
		*sent_ns = e->sent_ns;
	return m;
}

enum rqt_match rqt_find(const struct rqt_table *t, const struct dlc_id *id, int64_t now_ns,
                        int64_t *sent_ns)
{
	return lookup(t, find(t, id), now_ns, sent_ns);
}

enum rqt_match rqt_match(struct rqt_table *t, const struct dlc_id *id, int64_t now_ns,
                         int64_t *sent_ns)
{
	int i = find(t, id);
	enum rqt_match m = lookup(t, i, now_ns, sent_ns);

	if (m == RQT_MATCHED) {
		t->e[i].state = RQT_ANSWERED;
		t->waiting--;
	}
	return m;
}

unsigned rqt_expire(struct rqt_table *t, int64_t now_ns)
{
	unsigned n = 0;
	bool any = false;
	int64_t oldest = 0;

	if (t->waiting == 0 || now_ns - t->oldest_ns <= t->timeout_ns)
		return 0;
	for (unsigned i = 0; i < RQT_CAPACITY; i++) {
		struct rqt_entry *e = &t->e[i];
		if (e->state != RQT_WAITING)
			continue;
		if (overdue(t, e, now_ns)) {
			e->state = RQT_TIMED_OUT;
			t->waiting--;
			n++;
		} else if (!any || e->sent_ns < oldest) {
			oldest = e->sent_ns;
			any = true;
		}
	}
	t->oldest_ns = oldest;
	return n;
}

unsigned rqt_outstanding(const struct rqt_table *t)
{
	return t->waiting;
}

const char *rqt_match_name(enum rqt_match m)
{
	switch (m) {
	case RQT_MATCHED:
		return "matched";
	case RQT_UNKNOWN:
		return "unknown request";
	case RQT_DUPLICATE:
		return "duplicate";
	case RQT_EXPIRED:
		return "expired";
	}
	return "unknown";
}
