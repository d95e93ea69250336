/* SPDX-License-Identifier: Apache-2.0 */
/*
 * carry: the gateway's other topics on its platform, carried over iotntp's bridge.
 *
 * A platform takes one connection per device identity: when a second client logs in with the
 * same credentials, the first is taken offline, and if both reconnect they take each other
 * offline for good. A gateway whose own application already talks to the platform with this
 * identity must therefore send that traffic through the one bridge (or give iotntp a second
 * identity). Each carried topic pattern must lie within the device's own topic space on that
 * platform, as the credentials table describes it (crd_platform.topic_spaces), since a topic
 * outside it would be refused or cost the connection; and must leave the time service's two
 * topics to the lines the bridge already has for them, since a second subscription to the
 * same topic would carry every message twice.
 */
#ifndef IOTNTP_CARRY_H
#define IOTNTP_CARRY_H

#include <stdbool.h>
#include <stddef.h>

#include "credentials.h"

/* Longest pattern taken: room for any of the platforms' topics with the longest identities. */
#define CARRY_PATTERN_MAX 320

enum carry_direction {
	CARRY_IN,   /* platform to gateway: the bridge subscribes on the platform */
	CARRY_OUT,  /* gateway to platform: the bridge subscribes in the gateway's broker */
	CARRY_BOTH, /* both */
};

struct carry_topic {
	enum carry_direction direction;
	const char *pattern; /* an MQTT topic filter; points into the argument parsed */
};

/* mosquitto's word for a direction in a bridge's topic line: "in", "out" or "both". */
const char *carry_direction_name(enum carry_direction direction);

/*
 * Parses "DIRECTION:PATTERN" (DIRECTION in, out or both) into out; the pattern is not yet
 * checked against a platform. 0, or -1 with a message in err naming --carry-topic.
 */
int carry_parse(const char *arg, struct carry_topic *out, char *err, size_t err_size);

/*
 * Checks a parsed topic for the platform and device who: a well-formed MQTT filter of
 * printable ASCII without spaces, within one of the device's own topic spaces with no
 * wildcard before the end of it, no wildcard at all where it is subscribed to on a platform
 * that documents none, and matching neither of the time service's topics (request,
 * response). 0, or -1 with a message in err that says why and what would do.
 */
int carry_check(const struct carry_topic *t, const struct crd_platform *p,
                const struct crd_identity *who, const char *request, const char *response,
                char *err, size_t err_size);

/* Whether the MQTT topic filter matches the topic, as a broker would route it. */
bool carry_filter_matches(const char *filter, const char *topic);

/* Whether a message could be carried by both in the same direction: the directions meet and
 * some topic matches both filters. Such a message would be carried twice. */
bool carry_overlap(const struct carry_topic *a, const struct carry_topic *b);

#endif
