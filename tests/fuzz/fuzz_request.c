/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_request: the serve role (the emulated platform, and serve_lan). The input is a topic, a
 * newline, and a request payload: the topic goes through every dialect's reply_topic, the
 * payload through srv_answer in every dialect, and through Alibaba's codec both ways.
 *
 * Besides crashes, leaks and undefined behaviour, checked: a response topic is one of that
 * dialect's, made from a request topic it recognises (Alibaba's: the request topic with its
 * last level renamed); a topic that does not fit is refused at every size, never overrun; an
 * answer fits the buffer it was given, or is refused; an answer decodes, in its own dialect, as
 * a response that carries the request's id and the times given; the Alibaba dialect answers
 * byte for byte as the codec did before it; and the codec's fast scan agrees with its general
 * parser.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "dialect.h"
#include "serve.h"
#include "fuzz_check.h"

/* The platform's clock as the emulator reads it: receive and send times in ms. */
#define RECV_MS INT64_C(1700000000123)
#define SEND_MS INT64_C(1700000000124)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static void check_topic(const struct dlc_dialect *d, const char *topic)
{
	size_t tlen = strlen(topic);
	char *out = malloc(DLC_TOPIC_SIZE);
	size_t olen = 0;

	if (out == NULL)
		return;
	bool ok = d->reply_topic(topic, out, DLC_TOPIC_SIZE);
	if (ok) {
		olen = strlen(out);
		CHECK(d->is_topic(topic, DLC_REQUEST));
		CHECK(d->is_topic(out, DLC_RESPONSE) && !d->is_topic(out, DLC_REQUEST));
		if (strcmp(d->name, "aliyun") == 0) {
			CHECK(strncmp(topic, "/ext/ntp/", 9) == 0 && ends_with(topic, "/request"));
			CHECK(olen == tlen + 1);
			CHECK(ends_with(out, "/response"));
			CHECK(memcmp(out, topic, tlen - 7) == 0);
		}
	}
	free(out);
	if (!ok)
		return;

	/* Exactly too small and exactly big enough, on the heap so an overflow is caught. */
	for (size_t size = olen; size <= olen + 1; size++) {
		out = malloc(size);
		if (out == NULL)
			return;
		bool fits = d->reply_topic(topic, out, size);
		CHECK(fits == (size == olen + 1));
		if (fits)
			CHECK(strlen(out) == olen);
		free(out);
	}
}

/* What the dialect's status is for the codec's. */
static enum dlc_status as_dialect(enum cdc_status st)
{
	switch (st) {
	case CDC_OK:
		return DLC_OK;
	case CDC_TOO_LARGE:
		return DLC_TOO_LARGE;
	case CDC_NOT_JSON:
		return DLC_NOT_JSON;
	case CDC_MISSING_FIELD:
		return DLC_MISSING_FIELD;
	case CDC_BAD_VALUE:
		return DLC_BAD_VALUE;
	case CDC_BAD_TIME:
		return DLC_BAD_TIME;
	}
	return DLC_NOT_OURS;
}

/* Alibaba's: the codec both ways, and the dialect's answer the codec's byte for byte. */
static void check_codec(const uint8_t *payload, size_t len)
{
	struct cdc_request req;
	enum cdc_status st = cdc_decode_request(payload, len, &req);
	struct cdc_request general;
	enum dlc_status why;

	/* The fast scan of the usual shape reads every payload as the general parser does. */
	CHECK(cdc_decode_request_general(payload, len, &general) == st);
	CHECK(cdc_status_name(st) != NULL);
	if (st == CDC_OK)
		CHECK(general.device_send == req.device_send && general.as_string == req.as_string);

	char *mine = malloc(DLC_BUF_SIZE), *codec = malloc(CDC_BUF_SIZE);
	if (mine == NULL || codec == NULL) {
		free(mine);
		free(codec);
		return;
	}
	int n = srv_answer(dlc_find("aliyun"), payload, len, RECV_MS, SEND_MS, mine, DLC_BUF_SIZE,
	                   &why);
	CHECK(why == as_dialect(st));
	if (st == CDC_OK) {
		CHECK(req.device_send >= 0);
		/* Every request the codec accepts gets an answer in a buffer of CDC_BUF_SIZE. */
		int m = cdc_encode_response(codec, CDC_BUF_SIZE, &req, RECV_MS, SEND_MS);
		CHECK(m > 0 && (size_t)m < CDC_BUF_SIZE && n == m && strcmp(mine, codec) == 0);
		if (req.as_string)
			CHECK(strstr(mine, "\"deviceSendTime\":\"") != NULL);
	} else {
		CHECK(n == -1);
	}
	free(mine);
	free(codec);
}

static void check_answer(const struct dlc_dialect *d, const uint8_t *payload, size_t len)
{
	struct dlc_request req;
	enum dlc_status st = d->decode_request(payload, len, &req);
	enum dlc_status why;
	char *out = malloc(DLC_BUF_SIZE);

	CHECK(dlc_status_name(st) != NULL);
	if (out == NULL)
		return;
	int n = srv_answer(d, payload, len, RECV_MS, SEND_MS, out, DLC_BUF_SIZE, &why);
	CHECK(why == st);
	if (st != DLC_OK) {
		CHECK(n == -1);
		free(out);
		return;
	}
	/* Every request a dialect accepts gets an answer in a buffer of DLC_BUF_SIZE. */
	CHECK(n > 0 && (size_t)n < DLC_BUF_SIZE && out[n] == '\0' && strlen(out) == (size_t)n);

	struct dlc_answer a;
	CHECK(d->owner(DLC_RESPONSE, out, (size_t)n) == DLC_OWNER_TIME);
	CHECK(d->decode_response(out, (size_t)n, &a) == DLC_OK);
	CHECK(dlc_same_id(&a.id, &req.id));
	CHECK(a.t2_ms == RECV_MS && a.t3_ms == SEND_MS);
	if (req.has_t1 && a.has_t1)
		CHECK(a.t1_ms == req.t1_ms);
	free(out);

	/* A buffer one byte short of the answer is refused, not overrun. */
	char *small = malloc((size_t)n);
	if (small == NULL)
		return;
	CHECK(srv_answer(d, payload, len, RECV_MS, SEND_MS, small, (size_t)n, &why) == -1);
	CHECK(why == DLC_OK);
	free(small);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t tlen = nl != NULL ? (size_t)(nl - data) : size;
	const uint8_t *payload = nl != NULL ? nl + 1 : data + size;
	size_t plen = size - (size_t)(payload - data);

	/* MQTT topics are NUL-free strings; mosquitto hands them over NUL-terminated. */
	char *topic = malloc(tlen + 1);
	if (topic == NULL)
		return 0;
	memcpy(topic, data, tlen);
	topic[tlen] = '\0';
	for (int i = 0; dlc_all[i] != NULL; i++)
		check_topic(dlc_all[i], topic);
	free(topic);

	/* The payload exactly as received, without a terminating NUL. */
	uint8_t *copy = malloc(plen > 0 ? plen : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, payload, plen);
	check_codec(copy, plen);
	for (int i = 0; dlc_all[i] != NULL; i++)
		check_answer(dlc_all[i], copy, plen);
	free(copy);
	return 0;
}
