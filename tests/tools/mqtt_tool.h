/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mqtt_tool: what the MQTT test tools (impostor, loadgen, sdk_ntp_client) share: reading
 * numbers from their arguments strictly, the monotonic clock, and a libmosquitto client set up
 * as they all want it.
 */
#ifndef IOTNTP_MQTT_TOOL_H
#define IOTNTP_MQTT_TOOL_H

#include <mosquitto.h>
#include <stdbool.h>
#include <stdint.h>

/* A whole decimal number in [min, max], the whole string, nothing else; false otherwise. */
bool tool_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
bool tool_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* CLOCK_MONOTONIC in ns. */
int64_t tool_mono_ns(void);

/* A clean-session client with that id and userdata whose packets go out when written, not
 * held back for the broker's delayed ACK (the tools measure round trips); NULL, said on
 * stderr under the tool's name, when it cannot be made. mosquitto_lib_init() comes first. */
struct mosquitto *tool_client(const char *tool, const char *id, void *userdata);

#endif
