/* SPDX-License-Identifier: Apache-2.0 */
#include "text_out.h"

#include <string.h>

struct txo_out txo_start(char *buf, size_t size)
{
	struct txo_out o = {
	    .buf = buf, .p = buf, .end = buf + (size > 0 ? size - 1 : 0), .over = size == 0};
	return o;
}

void txo_put_n(struct txo_out *o, const char *s, size_t n)
{
	if (o->over || (size_t)(o->end - o->p) < n) {
		o->over = true;
		return;
	}
	memcpy(o->p, s, n);
	o->p += n;
}

void txo_put(struct txo_out *o, const char *s)
{
	txo_put_n(o, s, strlen(s));
}

void txo_put_int(struct txo_out *o, int64_t v)
{
	char digits[20];
	size_t n = sizeof(digits);
	/* Negated as unsigned: INT64_MIN has no positive int64_t. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	do {
		digits[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		txo_put_n(o, "-", 1);
	txo_put_n(o, digits + n, sizeof(digits) - n);
}

void txo_put_ms(struct txo_out *o, int64_t v, bool quoted)
{
	if (quoted)
		txo_put_n(o, "\"", 1);
	txo_put_int(o, v);
	if (quoted)
		txo_put_n(o, "\"", 1);
}

int txo_finish(struct txo_out *o)
{
	if (o->over)
		return -1;
	*o->p = '\0';
	return (int)(o->p - o->buf);
}
