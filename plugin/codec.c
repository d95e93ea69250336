#include "codec.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

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
