/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dialect_json: what the dialect_*.c files share: reading JSON members strictly and the topic
 * shapes {prefix}{id}/{id}{suffix}. Only the dialect files include this; the rest of the plugin
 * sees dialect.h.
 */
#ifndef IOTNTP_DIALECT_JSON_H
#define IOTNTP_DIALECT_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dialect.h"
#include "json_plain.h"
#include "text_out.h"

/* Parses one JSON object of at most DLC_MAX_PAYLOAD bytes, nothing after it but white space,
 * no object in it naming a member twice (else DLC_NOT_JSON), whose timestamps, stamps[0..n-1],
 * are written as plain integers where they are numbers (else DLC_BAD_VALUE); NULL with *st
 * set otherwise. The caller deletes the tree. */
cJSON *dlj_parse(const void *payload, size_t len, const struct jpl_stamp stamps[], size_t n,
                 enum dlc_status *st);

/* Whose a payload on a shared topic of direction dir is: DLC_OWNER_UNKNOWN unless it is one
 * JSON object of at most DLC_MAX_SHARED bytes whose members' names differ even without regard
 * to case; then time_service(root, dir) tells the time service's from another's. */
enum dlc_owner dlj_owner(const void *payload, size_t len, enum dlc_direction dir,
                         bool (*time_service)(const cJSON *root, enum dlc_direction dir));

/* Whether obj has a member key whose value is the string want, names and value compared
 * without regard to case: the owner tests' reading, laxer than any reader's. */
bool dlj_string_is_nocase(const cJSON *obj, const char *key, const char *want);

/* Reads a ms count: a JSON integer below 2^53 (where a double is exact; dlj_parse has checked
 * how it was written) or, where allowed, a string of at most 18 digits without a leading zero;
 * *quoted tells which (NULL: not wanted). */
enum dlc_status dlj_ms(const cJSON *item, bool allow_string, int64_t *out, bool *quoted);

/* As dlj_ms, and the value must be a plausible platform timestamp. */
enum dlc_status dlj_server_ms(const cJSON *item, bool allow_string, int64_t *out);

/* Whether obj has member key (case-sensitive) whose value is the string want. */
bool dlj_string_is(const cJSON *obj, const char *key, const char *want);

/* Copies a string member into id as DLC_ID_STRING: 1 to DLC_ID_MAX printable ASCII characters
 * with no '"' or '\\', so that it is echoed without escaping. */
enum dlc_status dlj_string_id(const cJSON *item, struct dlc_id *id);

/* A topic made of a fixed prefix, `levels` id levels joined by '/', and a fixed suffix. */
struct dlj_shape {
	const char *prefix; /* ends with '/' */
	int levels;         /* 1 or 2 */
	const char *suffix; /* "" or starts with '/' */
};

/* Writes the shape with ids[0..levels-1]; -1 when an id is not a valid level under its max or
 * the topic does not fit in size bytes. */
int dlj_topic(const struct dlj_shape *shape, const char *const ids[], const size_t max[], char *out,
              size_t size);

/* Whether topic has the shape, each level non-empty and free of wildcards. */
bool dlj_matches(const struct dlj_shape *shape, const char *topic);

/* If request_topic has shape `from`, writes the topic of shape `to` with the same ids. */
bool dlj_rewrite(const struct dlj_shape *from, const struct dlj_shape *to,
                 const char *request_topic, char *out, size_t size);

#endif
