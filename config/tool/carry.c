/* SPDX-License-Identifier: Apache-2.0 */
#include "carry.h"

#include <stdio.h>
#include <string.h>

const char *carry_direction_name(enum carry_direction direction)
{
	switch (direction) {
	case CARRY_IN:
		return "in";
	case CARRY_OUT:
		return "out";
	case CARRY_BOTH:
		return "both";
	}
	return "?";
}

int carry_parse(const char *arg, struct carry_topic *out, char *err, size_t err_size)
{
	static const enum carry_direction directions[] = {CARRY_IN, CARRY_OUT, CARRY_BOTH};
	const char *colon = strchr(arg, ':');

	for (size_t i = 0; colon != NULL && i < sizeof(directions) / sizeof(directions[0]); i++) {
		const char *name = carry_direction_name(directions[i]);
		if ((size_t)(colon - arg) == strlen(name) &&
		    strncmp(arg, name, strlen(name)) == 0) {
			out->direction = directions[i];
			out->pattern = colon + 1;
			if (out->pattern[0] != '\0')
				return 0;
			snprintf(err, err_size, "--carry-topic '%s' has no pattern after the ':'",
			         arg);
			return -1;
		}
	}
	snprintf(err, err_size,
	         "--carry-topic '%s' is not DIRECTION:PATTERN, with DIRECTION in (from the "
	         "platform), out (to it) or both",
	         arg);
	return -1;
}

bool carry_filter_matches(const char *filter, const char *topic)
{
	/* A wildcard first level does not match a topic of the broker's or platform's own. */
	if (topic[0] == '$' && (filter[0] == '+' || filter[0] == '#'))
		return false;
	for (;;) {
		size_t fl = strcspn(filter, "/");
		size_t tl = strcspn(topic, "/");
		if (fl == 1 && filter[0] == '#')
			return true;
		if (!(fl == 1 && filter[0] == '+') && (fl != tl || memcmp(filter, topic, fl) != 0))
			return false;
		filter += fl;
		topic += tl;
		if (*filter == '\0')
			return *topic == '\0';
		/* "a/#" matches "a" too: '#' includes its parent level. */
		if (*topic == '\0')
			return strcmp(filter, "/#") == 0;
		filter++;
		topic++;
	}
}

/* Whether some topic matches both filters. */
static bool filters_meet(const char *a, const char *b)
{
	for (;;) {
		size_t al = strcspn(a, "/");
		size_t bl = strcspn(b, "/");
		if ((al == 1 && a[0] == '#') || (bl == 1 && b[0] == '#'))
			return true;
		if (!(al == 1 && a[0] == '+') && !(bl == 1 && b[0] == '+') &&
		    (al != bl || memcmp(a, b, al) != 0))
			return false;
		a += al;
		b += bl;
		if (*a == '\0' || *b == '\0')
			return (*a == '\0' && *b == '\0') || strcmp(a, "/#") == 0 ||
			       strcmp(b, "/#") == 0;
		a++;
		b++;
	}
}

bool carry_overlap(const struct carry_topic *a, const struct carry_topic *b)
{
	bool same_way = a->direction == CARRY_BOTH || b->direction == CARRY_BOTH ||
	                a->direction == b->direction;

	return same_way && filters_meet(a->pattern, b->pattern);
}

/* Whether a level of a filter is a wildcard. */
static bool is_wildcard(const char *level, size_t len)
{
	return len == 1 && (level[0] == '+' || level[0] == '#');
}

/* Checks the MQTT filter rules and the characters a mosquitto.conf token can carry. */
static int check_filter(const char *pattern, char *err, size_t err_size)
{
	size_t len = strlen(pattern);

	if (len > CARRY_PATTERN_MAX) {
		snprintf(err, err_size,
		         "--carry-topic: the pattern is %zu characters long; at most %d", len,
		         CARRY_PATTERN_MAX);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)pattern[i];
		if (c <= 0x20 || c >= 0x7f) {
			snprintf(
			    err, err_size,
			    "--carry-topic '%s': character %zu, byte 0x%02x, is not allowed; give "
			    "printable ASCII without spaces",
			    pattern, i + 1, c);
			return -1;
		}
	}
	for (const char *level = pattern;; level++) {
		size_t n = strcspn(level, "/");
		if ((memchr(level, '+', n) != NULL || memchr(level, '#', n) != NULL) &&
		    !is_wildcard(level, n)) {
			snprintf(err, err_size,
			         "--carry-topic '%s': '+' and '#' must each be a whole level",
			         pattern);
			return -1;
		}
		if (n == 1 && level[0] == '#' && level[n] != '\0') {
			snprintf(err, err_size, "--carry-topic '%s': '#' must be the last level",
			         pattern);
			return -1;
		}
		level += n;
		if (*level == '\0')
			return 0;
	}
}

/*
 * Whether pattern starts with the topic space's levels (its identity filled in) and ends or
 * goes on with '/' there. *wild is set when it would, but for a wildcard among those levels.
 */
static bool in_space(const char *space, const struct crd_identity *who, const char *pattern,
                     bool *wild)
{
	const char *s = space;
	const char *p = pattern;
	bool wildcard = false;

	for (;;) {
		size_t sl = strcspn(s, "/");
		size_t pl = strcspn(p, "/");
		const char *want = NULL;
		if (sl == 3 && strncmp(s, "{p}", 3) == 0)
			want = who->product != NULL ? who->product : "";
		else if (sl == 3 && strncmp(s, "{d}", 3) == 0)
			want = who->device;
		if (pl == 1 && p[0] == '#') {
			/* It covers the rest of the space's levels, and other devices' too. */
			*wild = true;
			return false;
		}
		if (is_wildcard(p, pl))
			wildcard = true;
		else if (want != NULL             ? pl != strlen(want) || strncmp(p, want, pl) != 0
		         : sl == 1 && s[0] == '*' ? pl == 0
		                                  : sl != pl || strncmp(s, p, sl) != 0)
			return false;
		s += sl;
		p += pl;
		if (*s == '\0')
			break;
		if (*p == '\0')
			return false;
		s++;
		p++;
	}
	if (*p != '\0' && *p != '/')
		return false;
	*wild = *wild || wildcard;
	return !wildcard;
}

/* Writes the platform's topic spaces for this device, as a list for a message. */
static void list_spaces(const struct crd_platform *p, const struct crd_identity *who, char *out,
                        size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; p->topic_spaces[i] != NULL && n < size; i++) {
		const char *s = p->topic_spaces[i];
		n += (size_t)snprintf(out + n, size - n, "%s", i == 0 ? "" : ", ");
		while (*s != '\0' && n < size) {
			size_t k = strcspn(s, "{*");
			int w = 0;
			if (k > 0)
				w = snprintf(out + n, size - n, "%.*s", (int)k, s);
			else if (strncmp(s, "{p}", 3) == 0)
				w = snprintf(out + n, size - n, "%s", who->product);
			else if (strncmp(s, "{d}", 3) == 0)
				w = snprintf(out + n, size - n, "%s", who->device);
			else
				w = snprintf(out + n, size - n, "<name>");
			n += w > 0 ? (size_t)w : 0;
			s += k > 0 ? k : *s == '*' ? 1 : 3;
		}
		if (n < size)
			n += (size_t)snprintf(out + n, size - n, "/...");
	}
}

int carry_check(const struct carry_topic *t, const struct crd_platform *p,
                const struct crd_identity *who, const char *request, const char *response,
                char *err, size_t err_size)
{
	const char *dir = carry_direction_name(t->direction);
	bool inside = false, wild = false;

	if (check_filter(t->pattern, err, err_size) != 0)
		return -1;
	for (int i = 0; p->topic_spaces[i] != NULL && !inside; i++)
		inside = in_space(p->topic_spaces[i], who, t->pattern, &wild);
	if (!inside && wild) {
		snprintf(err, err_size,
		         "--carry-topic '%s:%s': a wildcard before the end of the device's own "
		         "levels would reach other devices' topics",
		         dir, t->pattern);
		return -1;
	}
	if (!inside) {
		char spaces[768];
		list_spaces(p, who, spaces, sizeof(spaces));
		snprintf(err, err_size,
		         "--carry-topic '%s:%s' is not among this device's topics on platform %s, "
		         "which start %s",
		         dir, t->pattern, p->name, spaces);
		return -1;
	}
	if (t->direction != CARRY_OUT && !p->subscribe_wildcards &&
	    strpbrk(t->pattern, "+#") != NULL) {
		snprintf(err, err_size,
		         "--carry-topic '%s:%s': platform %s documents no subscription with a "
		         "wildcard; name each topic the bridge subscribes to (out takes one: the "
		         "gateway's broker reads it)",
		         dir, t->pattern, p->name);
		return -1;
	}
	const char *time_topic = carry_filter_matches(t->pattern, request)    ? request
	                         : carry_filter_matches(t->pattern, response) ? response
	                                                                      : NULL;
	if (time_topic != NULL) {
		snprintf(err, err_size,
		         "--carry-topic '%s:%s' covers %s, a topic of the time service, which the "
		         "bridge carries already (with any other service's messages on it): a "
		         "second line would carry each message twice. Name the other topics",
		         dir, t->pattern, time_topic);
		return -1;
	}
	return 0;
}
