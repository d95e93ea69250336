/* SPDX-License-Identifier: Apache-2.0 */
#include "mqtt_tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

bool tool_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool tool_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	/* strtoull takes "-1" as a huge number: a sign is refused first. */
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

int64_t tool_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct mosquitto *tool_client(const char *tool, const char *id, void *userdata)
{
	struct mosquitto *mosq = mosquitto_new(id, true, userdata);
	if (mosq == NULL) {
		fprintf(stderr, "%s: cannot create the client\n", tool);
		return NULL;
	}
	mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
	return mosq;
}
