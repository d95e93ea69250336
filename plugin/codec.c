#include "codec.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Doubles hold every integer below 2^53 exactly; from there on a JSON number may have been
 * rounded and is not trusted. */
#define CDC_MAX_EXACT_DOUBLE 9007199254740992.0

static enum cdc_status parse_digits(const char *s, int64_t *out)
{
	int64_t v = 0;
	size_t n = 0;

	if (s[0] == '\0')
		return CDC_BAD_VALUE;
	/* One zero is a value; a leading zero before other digits is not a plain integer. */
	if (s[0] == '0' && s[1] != '\0')
		return CDC_BAD_VALUE;
	for (; s[n] != '\0'; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= CDC_MAX_DIGITS)
			return CDC_BAD_VALUE;
		int d = s[n] - '0';
		if (v > (INT64_MAX - d) / 10)
			return CDC_BAD_VALUE;
		v = v * 10 + d;
	}
	*out = v;
	return CDC_OK;
}

static enum cdc_status parse_ms(const cJSON *item, int64_t *out, bool *as_string)
{
	if (item == NULL || cJSON_IsNull(item))
		return CDC_MISSING_FIELD;
	if (cJSON_IsString(item)) {
		if (as_string != NULL)
			*as_string = true;
		return parse_digits(item->valuestring, out);
	}
	if (cJSON_IsNumber(item)) {
		double d = item->valuedouble;
		if (!isfinite(d) || d < 0 || d >= CDC_MAX_EXACT_DOUBLE || d != floor(d))
			return CDC_BAD_VALUE;
		if (as_string != NULL)
			*as_string = false;
		*out = (int64_t)d;
		return CDC_OK;
	}
	return CDC_BAD_VALUE;
}

static bool timestamp_key(const char *key, size_t n)
{
	/* An escaped key may decode to one of ours: check its value as if it were. */
	if (memchr(key, '\\', n) != NULL)
		return true;
	return (n == 14 && memcmp(key, "deviceSendTime", n) == 0) ||
	       (n == 14 && memcmp(key, "serverRecvTime", n) == 0) ||
	       (n == 14 && memcmp(key, "serverSendTime", n) == 0);
}

static bool plain_integer(const char *s, size_t n)
{
	if (n == 0 || (s[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

/*
 * cJSON turns 1e12, 1000000000000.0 and -0 into the same double, so the text is checked: a
 * timestamp written as a JSON number must be plain digits. The payload has already parsed, so
 * this scan only needs to track strings, nesting and the member name.
 */
static bool numbers_are_plain(const char *text, size_t len)
{
	const char *key = NULL;
	size_t key_len = 0;
	int depth = 0;
	bool after_colon = false;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == '"') {
			size_t start = ++i;
			while (i < len && text[i] != '"')
				i += text[i] == '\\' ? 2 : 1;
			if (depth == 1 && !after_colon) {
				key = text + start;
				key_len = i - start;
			}
			after_colon = false;
		} else if (c == '{' || c == '[') {
			depth++;
			after_colon = false;
		} else if (c == '}' || c == ']') {
			depth--;
		} else if (c == ':') {
			after_colon = true;
		} else if (c == ',') {
			after_colon = false;
		} else if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
			size_t start = i;
			while (i + 1 < len && strchr("0123456789+-.eE", text[i + 1]) != NULL)
				i++;
			if (depth == 1 && after_colon && key != NULL &&
			    timestamp_key(key, key_len) &&
			    !plain_integer(text + start, i - start + 1))
				return false;
			after_colon = false;
		}
	}
	return true;
}

static cJSON *parse_object(const void *payload, size_t len, enum cdc_status *status)
{
	if (len > CDC_MAX_PAYLOAD) {
		*status = CDC_TOO_LARGE;
		return NULL;
	}
	if (payload == NULL || len == 0) {
		*status = CDC_NOT_JSON;
		return NULL;
	}
	const char *end = NULL;
	const char *text = payload;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	/* One object and nothing after it but white space. */
	if (root != NULL && end != NULL) {
		for (; end < text + len; end++) {
			if (*end != ' ' && *end != '\t' && *end != '\r' && *end != '\n')
				break;
		}
	}
	if (root == NULL || !cJSON_IsObject(root) || end != text + len) {
		cJSON_Delete(root);
		*status = CDC_NOT_JSON;
		return NULL;
	}
	if (!numbers_are_plain(text, len)) {
		cJSON_Delete(root);
		*status = CDC_BAD_VALUE;
		return NULL;
	}
	*status = CDC_OK;
	return root;
}

static enum cdc_status parse_server_ms(const cJSON *root, const char *name, int64_t *out)
{
	enum cdc_status st = parse_ms(cJSON_GetObjectItemCaseSensitive(root, name), out, NULL);
	if (st == CDC_OK && (*out < CDC_MIN_SERVER_MS || *out >= CDC_MAX_SERVER_MS))
		return CDC_BAD_TIME;
	return st;
}

enum cdc_status cdc_decode_response(const void *payload, size_t len, struct cdc_response *out)
{
	enum cdc_status st;
	cJSON *root = parse_object(payload, len, &st);
	if (root == NULL)
		return st;

	st = parse_ms(cJSON_GetObjectItemCaseSensitive(root, "deviceSendTime"), &out->device_send,
	              NULL);
	if (st == CDC_OK)
		st = parse_server_ms(root, "serverRecvTime", &out->server_recv);
	if (st == CDC_OK)
		st = parse_server_ms(root, "serverSendTime", &out->server_send);
	cJSON_Delete(root);
	return st;
}

enum cdc_status cdc_decode_request(const void *payload, size_t len, struct cdc_request *out)
{
	enum cdc_status st;
	cJSON *root = parse_object(payload, len, &st);
	if (root == NULL)
		return st;

	st = parse_ms(cJSON_GetObjectItemCaseSensitive(root, "deviceSendTime"), &out->device_send,
	              &out->as_string);
	cJSON_Delete(root);
	return st;
}

static int checked_length(int n, size_t size)
{
	return (n < 0 || (size_t)n >= size) ? -1 : n;
}

int cdc_encode_request(char *buf, size_t size, int64_t device_send_ms)
{
	int n = snprintf(buf, size, "{\"deviceSendTime\":\"%" PRId64 "\"}", device_send_ms);
	return checked_length(n, size);
}

int cdc_encode_response(char *buf, size_t size, const struct cdc_request *req, int64_t recv_ms,
                        int64_t send_ms)
{
	const char *quote = req->as_string ? "\"" : "";
	int n = snprintf(buf, size,
	                 "{\"deviceSendTime\":%s%" PRId64 "%s,\"serverRecvTime\":\"%" PRId64
	                 "\",\"serverSendTime\":\"%" PRId64 "\"}",
	                 quote, req->device_send, quote, recv_ms, send_ms);
	return checked_length(n, size);
}

const char *cdc_status_name(enum cdc_status status)
{
	switch (status) {
	case CDC_OK:
		return "ok";
	case CDC_TOO_LARGE:
		return "payload too large";
	case CDC_NOT_JSON:
		return "not a JSON object";
	case CDC_MISSING_FIELD:
		return "missing field";
	case CDC_BAD_VALUE:
		return "bad value";
	case CDC_BAD_TIME:
		return "implausible server time";
	}
	return "unknown";
}
