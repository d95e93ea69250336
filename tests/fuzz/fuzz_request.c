/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_request: the serve role (the emulated platform). The input is a topic, a newline, and
 * a request payload: the topic goes through the Alibaba dialect's reply_topic, the payload
 * through cdc_decode_request and srv_answer.
 *
 * Besides crashes, leaks and undefined behaviour, checked: a response topic is the request
 * topic with its last level renamed; an answer fits the buffer it was given, or is refused;
 * an answer decodes as a response that echoes the request's deviceSendTime; and the codec's
 * fast scan agrees with its general parser.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "dialect.h"
#include "serve.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The platform's clock as the emulator reads it: receive and send times in ms. */
#define RECV_MS INT64_C(1700000000123)
#define SEND_MS INT64_C(1700000000124)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static void check_topic(const char *topic)
{
	size_t tlen = strlen(topic);
	char *out = malloc(DLC_TOPIC_SIZE);

	if (out == NULL)
		return;
	if (dlc_find("aliyun")->reply_topic(topic, out, DLC_TOPIC_SIZE)) {
		CHECK(strncmp(topic, "/ext/ntp/", 9) == 0 && ends_with(topic, "/request"));
		CHECK(strlen(out) == tlen + 1);
		CHECK(ends_with(out, "/response"));
		CHECK(memcmp(out, topic, tlen - 7) == 0);
	}
	free(out);

	/* Exactly too small and exactly big enough, on the heap so an overflow is caught. */
	for (size_t size = tlen + 1; size <= tlen + 2; size++) {
		out = malloc(size);
		if (out == NULL)
			return;
		bool ok = dlc_find("aliyun")->reply_topic(topic, out, size);
		if (ok)
			CHECK(size == tlen + 2 && strlen(out) == tlen + 1);
		free(out);
	}
}

static void check_answer(const uint8_t *payload, size_t len)
{
	struct cdc_request req;
	enum cdc_status st = cdc_decode_request(payload, len, &req);
	enum cdc_status why;
	struct cdc_request general;

	/* The fast scan of the usual shape reads every payload as the general parser does. */
	CHECK(cdc_decode_request_general(payload, len, &general) == st);
	if (st == CDC_OK)
		CHECK(general.device_send == req.device_send && general.as_string == req.as_string);
	char *out = malloc(CDC_BUF_SIZE);

	if (out == NULL)
		return;
	int n = srv_answer(payload, len, RECV_MS, SEND_MS, out, CDC_BUF_SIZE, &why);
	CHECK(why == st);
	CHECK(cdc_status_name(why) != NULL);
	if (st != CDC_OK) {
		CHECK(n == -1);
		free(out);
		return;
	}
	CHECK(req.device_send >= 0);
	/* Every request the codec accepts gets an answer in a buffer of CDC_BUF_SIZE. */
	CHECK(n > 0 && (size_t)n < CDC_BUF_SIZE && out[n] == '\0' && strlen(out) == (size_t)n);

	struct cdc_response r;
	CHECK(cdc_decode_response(out, (size_t)n, &r) == CDC_OK);
	CHECK(r.device_send == req.device_send);
	CHECK(r.server_recv == RECV_MS && r.server_send == SEND_MS);
	if (req.as_string)
		CHECK(strstr(out, "\"deviceSendTime\":\"") != NULL);
	free(out);

	/* A buffer one byte short of the answer is refused, not overrun. */
	char *small = malloc((size_t)n);
	if (small == NULL)
		return;
	CHECK(srv_answer(payload, len, RECV_MS, SEND_MS, small, (size_t)n, &why) == -1);
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
	check_topic(topic);
	free(topic);

	/* The payload exactly as received, without a terminating NUL. */
	uint8_t *copy = malloc(plen > 0 ? plen : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, payload, plen);
	check_answer(copy, plen);
	free(copy);
	return 0;
}
