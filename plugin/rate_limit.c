#include "rate_limit.h"

#include <stdlib.h>

#define RTL_NS_PER_S 1000000000LL

struct rtl_bucket {
	uint64_t key; /* 0: free */
	int64_t last_ns;
	/* Tokens in ns of refill time, so refilling needs no division. */
	int64_t credit_ns;
};

struct rtl_limiter {
	struct rtl_bucket *b;
	unsigned size;
	int64_t cost_ns; /* one request */
	int64_t max_credit_ns;
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
	if (rate_per_s == 0 || burst == 0 || max_clients == 0)
		return NULL;
	struct rtl_limiter *l = calloc(1, sizeof(*l));
	if (l == NULL)
		return NULL;
	l->b = calloc(max_clients, sizeof(*l->b));
	if (l->b == NULL) {
		free(l);
		return NULL;
	}
	l->size = max_clients;
	l->cost_ns = RTL_NS_PER_S / rate_per_s;
	l->max_credit_ns = l->cost_ns * burst;
	return l;
}

void rtl_destroy(struct rtl_limiter *l)
{
	if (l == NULL)
		return;
	free(l->b);
	free(l);
}

static struct rtl_bucket *slot(struct rtl_limiter *l, uint64_t key, int64_t now_ns)
{
	/* Linear probing over a few slots; past them, the longest idle of those is reused. */
	unsigned probes = l->size < 8 ? l->size : 8;
	unsigned start = (unsigned)(key % l->size);
	struct rtl_bucket *oldest = NULL;

	for (unsigned i = 0; i < probes; i++) {
		struct rtl_bucket *b = &l->b[(start + i) % l->size];
		if (b->key == key)
			return b;
		if (b->key == 0 || oldest == NULL || b->last_ns < oldest->last_ns)
			oldest = b;
		if (b->key == 0)
			break;
	}
	oldest->key = key;
	oldest->last_ns = now_ns;
	oldest->credit_ns = l->max_credit_ns;
	return oldest;
}

bool rtl_allow(struct rtl_limiter *l, const char *client, int64_t mono_ns)
{
	struct rtl_bucket *b = slot(l, hash_id(client != NULL ? client : ""), mono_ns);

	int64_t elapsed = mono_ns - b->last_ns;
	if (elapsed > 0) {
		b->credit_ns += elapsed;
		if (b->credit_ns > l->max_credit_ns)
			b->credit_ns = l->max_credit_ns;
	}
	b->last_ns = mono_ns;
	if (b->credit_ns < l->cost_ns)
		return false;
	b->credit_ns -= l->cost_ns;
	return true;
}
