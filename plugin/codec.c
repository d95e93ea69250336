/* SPDX-License-Identifier: Apache-2.0 */
#include "codec.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "json_plain.h"
#include "text_out.h"

/* Doubles hold every integer below 2^53 exactly; from there on a JSON number may have been
 * rounded and is not trusted. */
#define CDC_MAX_EXACT_DOUBLE 9007199254740992.0

static enum cdc_status parse_digits(const char *s, size_t max_digits, int64_t *out)
{
	int64_t v = 0;
	size_t n = 0;

	if (s[0] == '\0')
		return CDC_BAD_VALUE;
	/* One zero is a value; a leading zero before other digits is not a plain integer. */
	if (s[0] == '0' && s[1] != '\0')
		return CDC_BAD_VALUE;
	for (; s[n] != '\0'; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= max_digits)
			return CDC_BAD_VALUE;
		int d = s[n] - '0';
		if (v > (INT64_MAX - d) / 10)
			return CDC_BAD_VALUE;
		v = v * 10 + d;
	}
	*out = v;
	return CDC_OK;
}

enum cdc_status cdc_read_ms(const cJSON *item, bool allow_string, size_t max_digits, int64_t *out,
                            bool *as_string)
{
	if (item == NULL || cJSON_IsNull(item))
		return CDC_MISSING_FIELD;
	if (cJSON_IsString(item) && allow_string) {
		if (as_string != NULL)
			*as_string = true;
		return parse_digits(item->valuestring,
		                    max_digits < CDC_MAX_DIGITS ? max_digits : CDC_MAX_DIGITS, out);
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

/* Alibaba's timestamps: members of the top object. */
static const struct jpl_stamp stamps[] = {
    {"deviceSendTime", 1}, {"serverRecvTime", 1}, {"serverSendTime", 1}};

/* The payload's size has been checked; one object, its timestamps written plainly. */
static cJSON *parse_object(const void *payload, size_t len, enum cdc_status *status)
{
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
	if (!jpl_stamps_plain(text, len, stamps, sizeof(stamps) / sizeof(stamps[0]))) {
		cJSON_Delete(root);
		*status = CDC_BAD_VALUE;
		return NULL;
	}
	*status = CDC_OK;
	return root;
}

/* The members we read, in the order a response is checked. */
enum cdc_field { CDC_DEVICE_SEND, CDC_SERVER_RECV, CDC_SERVER_SEND, CDC_FIELDS };

static const char *const field_name[CDC_FIELDS] = {"deviceSendTime", "serverRecvTime",
                                                   "serverSendTime"};

/* Each member's value, or why it has none. */
struct cdc_fields {
	enum cdc_status st[CDC_FIELDS];
	int64_t v[CDC_FIELDS];
	bool quoted[CDC_FIELDS];
};

/* Reads a plain integer of at most max_digits at *s; false: not one, or too long to be sure. */
static bool scan_int(const char **s, const char *end, size_t max_digits, int64_t *out)
{
	const char *p = *s;
	int64_t v = 0;

	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if ((size_t)(p - *s) == max_digits)
			return false;
		v = v * 10 + (*p - '0');
	}
	if (p == *s || (p - *s > 1 && **s == '0'))
		return false;
	*s = p;
	*out = v;
	return true;
}

/*
 * The usual payload, as the platform and our own gateways write it: one flat object without
 * white space whose members are our names, each once, with a plain integer, bare or quoted.
 * This reads that shape without building a cJSON tree, which is most of the cost of an answer.
 * Anything else (white space, escapes, other members or values, a repeated name, a zero-led or
 * long number) returns false and goes to cJSON, which decides. Every value accepted here is
 * one the general path reads the same: bare numbers stay below 10^15 < 2^53, where a double is
 * exact, and quoted ones below 10^18, where int64_t cannot overflow.
 */
static bool scan_flat(const char *s, size_t len, struct cdc_fields *f)
{
	const char *end = s + len;

	if (len < 2 || *s++ != '{')
		return false;
	for (int k = 0; k < CDC_FIELDS; k++)
		f->st[k] = CDC_MISSING_FIELD;
	for (;;) {
		int k = 0;
		if (end - s < 17 || s[0] != '"' || s[15] != '"' || s[16] != ':')
			return false;
		while (k < CDC_FIELDS && memcmp(s + 1, field_name[k], 14) != 0)
			k++;
		if (k == CDC_FIELDS || f->st[k] == CDC_OK)
			return false;
		s += 17;
		f->quoted[k] = s < end && *s == '"';
		if (f->quoted[k])
			s++;
		if (!scan_int(&s, end, f->quoted[k] ? 18 : 15, &f->v[k]))
			return false;
		if (f->quoted[k] && (s == end || *s++ != '"'))
			return false;
		f->st[k] = CDC_OK;
		if (s == end)
			return false;
		if (*s == '}')
			return s + 1 == end;
		if (*s++ != ',')
			return false;
	}
}

/* The general path: any JSON cJSON takes, with the checks of parse_object. */
static enum cdc_status parse_fields(const void *payload, size_t len, struct cdc_fields *f)
{
	enum cdc_status st;
	cJSON *root = parse_object(payload, len, &st);
	if (root == NULL)
		return st;
	for (int k = 0; k < CDC_FIELDS; k++)
		f->st[k] = cdc_read_ms(cJSON_GetObjectItemCaseSensitive(root, field_name[k]), true,
		                       CDC_MAX_DIGITS, &f->v[k], &f->quoted[k]);
	cJSON_Delete(root);
	return CDC_OK;
}

/* Reads the payload's members; CDC_OK once it is an object with a valid deviceSendTime, which
 * every payload has. */
static enum cdc_status read_fields(const void *payload, size_t len, bool general,
                                   struct cdc_fields *f)
{
	if (len > CDC_MAX_PAYLOAD)
		return CDC_TOO_LARGE;
	if (payload == NULL || len == 0)
		return CDC_NOT_JSON;
	if (general || !scan_flat(payload, len, f)) {
		enum cdc_status st = parse_fields(payload, len, f);
		if (st != CDC_OK)
			return st;
	}
	return f->st[CDC_DEVICE_SEND];
}

static enum cdc_status server_ms(const struct cdc_fields *f, enum cdc_field k, int64_t *out)
{
	if (f->st[k] != CDC_OK)
		return f->st[k];
	*out = f->v[k];
	return (*out < CDC_MIN_SERVER_MS || *out >= CDC_MAX_SERVER_MS) ? CDC_BAD_TIME : CDC_OK;
}

static enum cdc_status decode_response(const void *payload, size_t len, bool general,
                                       struct cdc_response *out)
{
	struct cdc_fields f;
	enum cdc_status st = read_fields(payload, len, general, &f);

	if (st != CDC_OK)
		return st;
	out->device_send = f.v[CDC_DEVICE_SEND];
	st = server_ms(&f, CDC_SERVER_RECV, &out->server_recv);
	return st != CDC_OK ? st : server_ms(&f, CDC_SERVER_SEND, &out->server_send);
}

static enum cdc_status decode_request(const void *payload, size_t len, bool general,
                                      struct cdc_request *out)
{
	struct cdc_fields f;
	enum cdc_status st = read_fields(payload, len, general, &f);

	if (st == CDC_OK) {
		out->device_send = f.v[CDC_DEVICE_SEND];
		out->as_string = f.quoted[CDC_DEVICE_SEND];
	}
	return st;
}

enum cdc_status cdc_decode_response(const void *payload, size_t len, struct cdc_response *out)
{
	return decode_response(payload, len, false, out);
}

enum cdc_status cdc_decode_request(const void *payload, size_t len, struct cdc_request *out)
{
	return decode_request(payload, len, false, out);
}

enum cdc_status cdc_decode_response_general(const void *payload, size_t len,
                                            struct cdc_response *out)
{
	return decode_response(payload, len, true, out);
}

enum cdc_status cdc_decode_request_general(const void *payload, size_t len, struct cdc_request *out)
{
	return decode_request(payload, len, true, out);
}

int cdc_encode_request(char *buf, size_t size, int64_t device_send_ms)
{
	struct txo_out o = txo_start(buf, size);

	TXO_PUT_LIT(&o, "{\"deviceSendTime\":\"");
	txo_put_int(&o, device_send_ms);
	TXO_PUT_LIT(&o, "\"}");
	return txo_finish(&o);
}

int cdc_encode_response(char *buf, size_t size, const struct cdc_request *req, int64_t recv_ms,
                        int64_t send_ms)
{
	struct txo_out o = txo_start(buf, size);

	TXO_PUT_LIT(&o, "{\"deviceSendTime\":");
	txo_put_ms(&o, req->device_send, req->as_string);
	TXO_PUT_LIT(&o, ",\"serverRecvTime\":\"");
	txo_put_int(&o, recv_ms);
	TXO_PUT_LIT(&o, "\",\"serverSendTime\":\"");
	txo_put_int(&o, send_ms);
	TXO_PUT_LIT(&o, "\"}");
	return txo_finish(&o);
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
