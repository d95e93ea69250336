/* SPDX-License-Identifier: Apache-2.0 */
#include "rate_limit.h"

#include <stdlib.h>

#define RTL_NS_PER_S 1000000000LL
/* Slots looked at for one client id; with the table at most half full, a run of this many
 * taken slots is too rare to matter. */
#define RTL_PROBES 32

struct rtl_bucket {
	uint64_t key; /* 0: free */
	int64_t last_ns;
	/* Credit in units of 1/rate ns: one request costs one second's worth, so refill is
	 * elapsed ns times the rate and nothing is lost to rounding. */
	int64_t credit;
};

struct rtl_limiter {
	struct rtl_bucket *b;
	unsigned mask;    /* slots - 1; slots is a power of two, at least twice max_clients */
	unsigned clients; /* slots taken */
	unsigned max_clients;
	int64_t rate;
	int64_t max_credit;
};

/* FNV-1a: client ids are short, and 64 bits make a collision between two ids negligible. */
static uint64_t hash_id(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h != 0 ? h : 1;
}

struct rtl_limiter *rtl_create(unsigned rate_per_s, unsigned burst, unsigned max_clients)
{
	if (rate_per_s == 0 || burst == 0 || max_clients == 0 || max_clients > (1u << 24))
		return NULL;
	struct rtl_limiter *l = calloc(1, sizeof(*l));
	if (l == NULL)
		return NULL;
	unsigned slots = 1;
	while (slots < 2 * max_clients)
		slots <<= 1;
	l->b = calloc(slots, sizeof(*l->b));
	if (l->b == NULL) {
		free(l);
		return NULL;
	}
	l->mask = slots - 1;
	l->max_clients = max_clients;
	l->rate = rate_per_s;
	l->max_credit = (int64_t)burst * RTL_NS_PER_S;
	return l;
}

void rtl_destroy(struct rtl_limiter *l)
{
	if (l == NULL)
		return;
	free(l->b);
	free(l);
}

static struct rtl_bucket *claim(struct rtl_limiter *l, struct rtl_bucket *b, uint64_t key,
                                int64_t now_ns)
{
	if (b->key == 0)
		l->clients++;
	b->key = key;
	b->last_ns = now_ns;
	b->credit = l->max_credit;
	return b;
}

static struct rtl_bucket *slot(struct rtl_limiter *l, uint64_t key, int64_t now_ns)
{
	struct rtl_bucket *free_slot = NULL;
	struct rtl_bucket *oldest = NULL;

	for (unsigned i = 0; i < RTL_PROBES && i <= l->mask; i++) {
		struct rtl_bucket *b = &l->b[(key + i) & l->mask];
		if (b->key == key)
			return b;
		if (b->key == 0) {
			if (free_slot == NULL)
				free_slot = b;
		} else if (oldest == NULL || b->last_ns < oldest->last_ns) {
			oldest = b;
		}
	}
	/* A new client: a free slot while under max_clients, else the longest idle one nearby. */
	if (free_slot != NULL && (l->clients < l->max_clients || oldest == NULL))
		return claim(l, free_slot, key, now_ns);
	if (oldest != NULL) {
		oldest->key = 0;
		l->clients--;
		return claim(l, oldest, key, now_ns);
	}
	return claim(l, free_slot, key, now_ns);
}

bool rtl_allow(struct rtl_limiter *l, const char *client, int64_t mono_ns)
{
	struct rtl_bucket *b = slot(l, hash_id(client != NULL ? client : ""), mono_ns);

	int64_t elapsed = mono_ns - b->last_ns;
	if (elapsed > 0) {
		/* Capped before multiplying, so a long idle time cannot overflow. */
		if (elapsed > l->max_credit / l->rate)
			b->credit = l->max_credit;
		else
			b->credit += elapsed * l->rate;
		if (b->credit > l->max_credit)
			b->credit = l->max_credit;
	}
	b->last_ns = mono_ns;
	if (b->credit < RTL_NS_PER_S)
		return false;
	b->credit -= RTL_NS_PER_S;
	return true;
}
