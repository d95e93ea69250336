/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json_plain: whether a payload's timestamps are written as plain integers in its text.
 *
 * cJSON reads 1e12, 1000000000000.0 and 1000000000000 as the same double, and keeps no text,
 * so a reader of its tree cannot refuse a timestamp written with a fraction, an exponent or a
 * sign. This scans the text itself. The payload has already parsed as JSON, so the scan only
 * tracks strings, nesting and the member each value belongs to.
 */
#ifndef IOTNTP_JSON_PLAIN_H
#define IOTNTP_JSON_PLAIN_H

#include <stdbool.h>
#include <stddef.h>

/* A timestamp member: its name and its nesting depth in the text (1: a member of the top
 * object; each object or array it sits in adds one). */
struct jpl_stamp {
	const char *name;
	int depth;
};

/* Whether every JSON number that is the value of a member in stamps[0..n-1] is written as
 * digits alone, without a leading zero. text must be valid JSON. A member name written with an
 * escape may decode to a timestamp's name, so its numbers at a timestamp's depth are checked
 * too. */
bool jpl_stamps_plain(const char *text, size_t len, const struct jpl_stamp stamps[], size_t n);

#endif
