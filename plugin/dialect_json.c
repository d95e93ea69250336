/* SPDX-License-Identifier: Apache-2.0 */
#include "dialect_json.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"

/* 18 digits stay below 2^63: a quoted value cannot overflow int64_t. */
#define DLJ_MAX_DIGITS 18

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int by_name_nocase(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether no object in item names a member twice (fold: without regard to case). RFC 8259
 * leaves such a member's value to the reader: cJSON takes the first, others the last, so a
 * payload that names one twice means different things to different readers. The names are
 * sorted, not compared pairwise: a payload of DLC_MAX_SHARED bytes may hold 10,000 of them. */
static bool names_unique(const cJSON *item, bool fold)
{
	const cJSON *c;
	size_t n = 0;
	bool unique = true;

	cJSON_ArrayForEach(c, item)
	{
		n++;
		if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && !names_unique(c, fold))
			return false;
	}
	if (!cJSON_IsObject(item) || n < 2)
		return true;
	/* Out of memory it says no, and the payload is refused, as cJSON refuses one it has no
	 * memory to parse. */
	const char **names = malloc(n * sizeof(*names));
	if (names == NULL)
		return false;
	n = 0;
	cJSON_ArrayForEach(c, item) names[n++] = c->string != NULL ? c->string : "";
	qsort(names, n, sizeof(*names), fold ? by_name_nocase : by_name);
	for (size_t i = 1; i < n && unique; i++)
		unique = (fold ? strcasecmp(names[i - 1], names[i])
		               : strcmp(names[i - 1], names[i])) != 0;
	free(names);
	return unique;
}

/* dlj_parse with a limit of max bytes. */
static cJSON *parse(const void *payload, size_t len, size_t max, bool fold, enum dlc_status *st)
{
	const char *text = payload;
	const char *end = NULL;

	if (len > max) {
		*st = DLC_TOO_LARGE;
		return NULL;
	}
	if (payload == NULL || len == 0) {
		*st = DLC_NOT_JSON;
		return NULL;
	}
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (root != NULL && end != NULL) {
		while (end < text + len && strchr(" \t\r\n", *end) != NULL && *end != '\0')
			end++;
	}
	if (root == NULL || !cJSON_IsObject(root) || end != text + len ||
	    !names_unique(root, fold)) {
		cJSON_Delete(root);
		*st = DLC_NOT_JSON;
		return NULL;
	}
	*st = DLC_OK;
	return root;
}

cJSON *dlj_parse(const void *payload, size_t len, const struct jpl_stamp stamps[], size_t n,
                 enum dlc_status *st)
{
	cJSON *root = parse(payload, len, DLC_MAX_PAYLOAD, false, st);

	if (root != NULL && !jpl_stamps_plain(payload, len, stamps, n)) {
		cJSON_Delete(root);
		*st = DLC_BAD_VALUE;
		return NULL;
	}
	return root;
}

enum dlc_owner dlj_owner(const void *payload, size_t len, enum dlc_direction dir,
                         bool (*time_service)(const cJSON *root, enum dlc_direction dir))
{
	enum dlc_status st;
	cJSON *root = parse(payload, len, DLC_MAX_SHARED, true, &st);

	if (root == NULL)
		return DLC_OWNER_UNKNOWN;
	enum dlc_owner o = time_service(root, dir) ? DLC_OWNER_TIME : DLC_OWNER_OTHER;
	cJSON_Delete(root);
	return o;
}

bool dlj_string_is_nocase(const cJSON *obj, const char *key, const char *want)
{
	/* cJSON_GetObjectItem compares names without regard to case; with names unique even
	 * so (dlj_owner), there is one such member at most. */
	const cJSON *item = cJSON_GetObjectItem(obj, key);
	return cJSON_IsString(item) && strcasecmp(item->valuestring, want) == 0;
}

enum dlc_status dlj_ms(const cJSON *item, bool allow_string, int64_t *out, bool *quoted)
{
	/* The same rule as the Alibaba codec's, with the dialects' shorter digit limit. */
	switch (cdc_read_ms(item, allow_string, DLJ_MAX_DIGITS, out, quoted)) {
	case CDC_OK:
		return DLC_OK;
	case CDC_MISSING_FIELD:
		return DLC_MISSING_FIELD;
	default:
		return DLC_BAD_VALUE;
	}
}

enum dlc_status dlj_server_ms(const cJSON *item, bool allow_string, int64_t *out)
{
	enum dlc_status st = dlj_ms(item, allow_string, out, NULL);

	if (st != DLC_OK)
		return st;
	return (*out < DLC_MIN_SERVER_MS || *out >= DLC_MAX_SERVER_MS) ? DLC_BAD_TIME : DLC_OK;
}

bool dlj_string_is(const cJSON *obj, const char *key, const char *want)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(item) && strcmp(item->valuestring, want) == 0;
}

enum dlc_status dlj_string_id(const cJSON *item, struct dlc_id *id)
{
	if (item == NULL || cJSON_IsNull(item))
		return DLC_MISSING_FIELD;
	if (!cJSON_IsString(item))
		return DLC_BAD_VALUE;
	const char *s = item->valuestring;
	size_t n = strlen(s);
	if (n == 0 || n > DLC_ID_MAX)
		return DLC_BAD_VALUE;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\')
			return DLC_BAD_VALUE;
	}
	id->kind = DLC_ID_STRING;
	id->number = 0;
	id->has_number = false;
	id->quoted = true;
	memcpy(id->text, s, n + 1);
	return DLC_OK;
}

int dlj_topic(const struct dlj_shape *shape, const char *const ids[], const size_t max[], char *out,
              size_t size)
{
	struct txo_out o = txo_start(out, size);

	txo_put(&o, shape->prefix);
	for (int i = 0; i < shape->levels; i++) {
		if (ids[i] == NULL || !dlc_valid_level(ids[i], max[i]))
			return -1;
		if (i > 0)
			txo_put(&o, "/");
		txo_put(&o, ids[i]);
	}
	txo_put(&o, shape->suffix);
	return txo_finish(&o);
}

/* Where topic's id levels start and how long they are, if it has the shape. */
static bool split(const struct dlj_shape *shape, const char *topic, const char **ids, size_t *len)
{
	size_t plen = strlen(shape->prefix), slen = strlen(shape->suffix);
	size_t tlen = strlen(topic);

	if (tlen <= plen + slen || strncmp(topic, shape->prefix, plen) != 0 ||
	    strcmp(topic + tlen - slen, shape->suffix) != 0)
		return false;
	*ids = topic + plen;
	*len = tlen - plen - slen;
	int levels = 1;
	char prev = '/';
	for (size_t i = 0; i < *len; i++) {
		char c = (*ids)[i];
		if (c == '+' || c == '#' || (c == '/' && prev == '/'))
			return false;
		if (c == '/')
			levels++;
		prev = c;
	}
	return prev != '/' && levels == shape->levels;
}

bool dlj_matches(const struct dlj_shape *shape, const char *topic)
{
	const char *ids;
	size_t len;

	return topic != NULL && split(shape, topic, &ids, &len);
}

bool dlj_rewrite(const struct dlj_shape *from, const struct dlj_shape *to,
                 const char *request_topic, char *out, size_t size)
{
	const char *ids;
	size_t len;

	if (request_topic == NULL || !split(from, request_topic, &ids, &len))
		return false;
	struct txo_out o = txo_start(out, size);
	txo_put(&o, to->prefix);
	txo_put_n(&o, ids, len);
	txo_put(&o, to->suffix);
	return txo_finish(&o) >= 0;
}
