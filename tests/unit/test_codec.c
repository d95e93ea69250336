/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for codec: the platform's JSON payloads.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "runner.h"

/* 2026-11-24T21:00:00Z in ms. */
#define T0 INT64_C(1795554000000)

/*
 * Every result of these helpers is asserted, so when the tests pass each payload the codec
 * refused is one a test fed it to be refused: those are counted as bad inputs as they go.
 */
static enum cdc_status counted(enum cdc_status st)
{
	if (st != CDC_OK)
		runner_add_figure("bad_inputs", 1);
	return st;
}

/* Decodes a response from a heap copy of exactly strlen(text) bytes, no NUL after it. */
static enum cdc_status decode_response(const char *text, struct cdc_response *out)
{
	size_t len = strlen(text);
	char *copy = malloc(len > 0 ? len : 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, text, len);
	enum cdc_status st = cdc_decode_response(copy, len, out);
	/* The fast scan of the usual shape and the general parser agree on every payload. */
	struct cdc_response general;
	CU_ASSERT_EQUAL(cdc_decode_response_general(copy, len, &general), st);
	if (st == CDC_OK)
		CU_ASSERT(general.device_send == out->device_send &&
		          general.server_recv == out->server_recv &&
		          general.server_send == out->server_send);
	free(copy);
	return counted(st);
}

static enum cdc_status decode_request(const char *text, struct cdc_request *out)
{
	size_t len = strlen(text);
	char *copy = malloc(len > 0 ? len : 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, text, len);
	enum cdc_status st = cdc_decode_request(copy, len, out);
	struct cdc_request general;
	CU_ASSERT_EQUAL(cdc_decode_request_general(copy, len, &general), st);
	if (st == CDC_OK)
		CU_ASSERT(general.device_send == out->device_send &&
		          general.as_string == out->as_string);
	free(copy);
	return counted(st);
}

/* A response whose three values are given as JSON text. */
static enum cdc_status response_with(const char *dev, const char *recv, const char *send,
                                     struct cdc_response *out)
{
	char text[CDC_MAX_PAYLOAD];
	snprintf(text, sizeof(text),
	         "{\"deviceSendTime\":%s,\"serverRecvTime\":%s,\"serverSendTime\":%s}", dev, recv,
	         send);
	return decode_response(text, out);
}

static void request_encoding_is_exactly_the_platform_format(void)
{
	char buf[CDC_BUF_SIZE];
	const char *want = "{\"deviceSendTime\":\"1795554000123\"}";

	CU_ASSERT_EQUAL(cdc_encode_request(buf, sizeof(buf), T0 + 123), (int)strlen(want));
	CU_ASSERT_STRING_EQUAL(buf, want);
	CU_ASSERT_EQUAL(cdc_encode_request(buf, sizeof(buf), 0), 22);
	CU_ASSERT_STRING_EQUAL(buf, "{\"deviceSendTime\":\"0\"}");
	/* The largest id fits in CDC_BUF_SIZE. */
	CU_ASSERT(cdc_encode_request(buf, sizeof(buf), INT64_MAX) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "{\"deviceSendTime\":\"9223372036854775807\"}");
}

static void request_encoding_into_too_small_a_buffer_fails(void)
{
	char buf[CDC_BUF_SIZE];
	size_t need = strlen("{\"deviceSendTime\":\"1795554000123\"}");

	CU_ASSERT_EQUAL(cdc_encode_request(buf, need, T0 + 123), -1);
	CU_ASSERT_EQUAL(cdc_encode_request(buf, need + 1, T0 + 123), (int)need);
	CU_ASSERT_EQUAL(cdc_encode_request(buf, 1, T0), -1);
}

static void response_with_string_timestamps_is_accepted(void)
{
	struct cdc_response r;

	CU_ASSERT_EQUAL_FATAL(
	    response_with("\"1795554000100\"", "\"1795554000110\"", "\"1795554000115\"", &r),
	    CDC_OK);
	CU_ASSERT_EQUAL(r.device_send, T0 + 100);
	CU_ASSERT_EQUAL(r.server_recv, T0 + 110);
	CU_ASSERT_EQUAL(r.server_send, T0 + 115);
}

static void response_with_number_timestamps_is_accepted(void)
{
	struct cdc_response r;

	CU_ASSERT_EQUAL_FATAL(response_with("1795554000100", "1795554000110", "1795554000115", &r),
	                      CDC_OK);
	CU_ASSERT_EQUAL(r.device_send, T0 + 100);
	CU_ASSERT_EQUAL(r.server_recv, T0 + 110);
	CU_ASSERT_EQUAL(r.server_send, T0 + 115);
	/* Mixed, in another member order, with whitespace around. */
	CU_ASSERT_EQUAL_FATAL(decode_response(" {\n \"serverSendTime\" : 1795554000115,"
	                                      "\"deviceSendTime\":\"7\",\t\"serverRecvTime\":"
	                                      "\"1795554000110\" }\n",
	                                      &r),
	                      CDC_OK);
	CU_ASSERT_EQUAL(r.device_send, 7);
	CU_ASSERT_EQUAL(r.server_recv, T0 + 110);
	CU_ASSERT_EQUAL(r.server_send, T0 + 115);
}

static void equal_server_receive_and_send_times_are_accepted(void)
{
	struct cdc_response r;

	CU_ASSERT_EQUAL_FATAL(response_with("\"1\"", "\"1795554000110\"", "\"1795554000110\"", &r),
	                      CDC_OK);
	CU_ASSERT_EQUAL(r.server_recv, r.server_send);
}

static void payloads_that_are_not_json_objects_are_rejected(void)
{
	const char *bad[] = {
	    "hello",
	    "[1,2,3]",
	    "\"{\\\"deviceSendTime\\\":\\\"1\\\"}\"",
	    "42",
	    "null",
	    "{",
	    /* Truncated. */
	    "{\"deviceSendTime\":\"1795554000100\",\"serverRecvTime\":\"1795554000110\","
	    "\"serverSendTime\":\"17955540",
	    "{\"deviceSendTime\":\"1795554000100\",\"serverRecvTime\":\"1795554000110\","
	    "\"serverSendTime\":\"1795554000115\"",
	    "{deviceSendTime:1}",
	};
	struct cdc_response r;
	struct cdc_request q;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(decode_response(bad[i], &r), CDC_NOT_JSON);
		CU_ASSERT_EQUAL(decode_request(bad[i], &q), CDC_NOT_JSON);
	}
	CU_ASSERT_EQUAL(cdc_decode_response("", 0, &r), CDC_NOT_JSON);
	CU_ASSERT_EQUAL(cdc_decode_response(NULL, 0, &r), CDC_NOT_JSON);
	CU_ASSERT_EQUAL(cdc_decode_request(NULL, 0, &q), CDC_NOT_JSON);
}

static void payload_over_the_maximum_is_rejected_before_parsing(void)
{
	const char *json = "{\"deviceSendTime\":\"1\",\"serverRecvTime\":\"1795554000110\","
	                   "\"serverSendTime\":\"1795554000115\"}";
	char buf[CDC_MAX_PAYLOAD + 1];
	struct cdc_response r;
	struct cdc_request q;

	/* Valid JSON padded with spaces to exactly the maximum is fine... */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, json, strlen(json));
	CU_ASSERT_EQUAL(cdc_decode_response(buf, CDC_MAX_PAYLOAD, &r), CDC_OK);
	/* ...one byte more is too large, although it parses. */
	CU_ASSERT_EQUAL(cdc_decode_response(buf, CDC_MAX_PAYLOAD + 1, &r), CDC_TOO_LARGE);
	CU_ASSERT_EQUAL(cdc_decode_request(buf, CDC_MAX_PAYLOAD + 1, &q), CDC_TOO_LARGE);
	/* Garbage too large is too large, not "not JSON". */
	memset(buf, 'x', sizeof(buf));
	CU_ASSERT_EQUAL(cdc_decode_response(buf, CDC_MAX_PAYLOAD + 1, &r), CDC_TOO_LARGE);
	/* The size is checked before the payload is touched at all. */
	CU_ASSERT_EQUAL(cdc_decode_response(NULL, SIZE_MAX, &r), CDC_TOO_LARGE);
	CU_ASSERT_EQUAL(cdc_decode_request(NULL, (size_t)CDC_MAX_PAYLOAD + 1, &q), CDC_TOO_LARGE);
}

static void missing_fields_are_reported(void)
{
	struct cdc_response r;
	struct cdc_request q;

	CU_ASSERT_EQUAL(decode_response("{\"serverRecvTime\":\"1795554000110\","
	                                "\"serverSendTime\":\"1795554000115\"}",
	                                &r),
	                CDC_MISSING_FIELD);
	CU_ASSERT_EQUAL(decode_response("{\"deviceSendTime\":\"1\","
	                                "\"serverSendTime\":\"1795554000115\"}",
	                                &r),
	                CDC_MISSING_FIELD);
	CU_ASSERT_EQUAL(decode_response("{\"deviceSendTime\":\"1\","
	                                "\"serverRecvTime\":\"1795554000110\"}",
	                                &r),
	                CDC_MISSING_FIELD);
	CU_ASSERT_EQUAL(decode_response("{}", &r), CDC_MISSING_FIELD);
	/* Member names are case-sensitive. */
	CU_ASSERT_EQUAL(response_with("1", "1795554000110", "1795554000115", &r), CDC_OK);
	CU_ASSERT_EQUAL(decode_response("{\"devicesendtime\":\"1\",\"serverRecvTime\":"
	                                "\"1795554000110\",\"serverSendTime\":\"1795554000115\"}",
	                                &r),
	                CDC_MISSING_FIELD);
	CU_ASSERT_EQUAL(decode_request("{}", &q), CDC_MISSING_FIELD);
	CU_ASSERT_EQUAL(decode_request("{\"DeviceSendTime\":\"1\"}", &q), CDC_MISSING_FIELD);
}

static void null_fields_count_as_missing(void)
{
	struct cdc_response r;
	struct cdc_request q;

	CU_ASSERT_EQUAL(response_with("null", "1795554000110", "1795554000115", &r),
	                CDC_MISSING_FIELD);
	CU_ASSERT_EQUAL(response_with("1", "null", "1795554000115", &r), CDC_MISSING_FIELD);
	CU_ASSERT_EQUAL(response_with("1", "1795554000110", "null", &r), CDC_MISSING_FIELD);
	CU_ASSERT_EQUAL(decode_request("{\"deviceSendTime\":null}", &q), CDC_MISSING_FIELD);
}

/* Values that are not plain non-negative integers, as JSON text. */
static const char *const not_integers[] = {
    "true",
    "false",
    "[]",
    "[1795554000110]",
    "{}",
    "{\"ms\":1795554000110}",
    "1795554000110.5",
    "-1795554000110",
    "\"-1795554000110\"",
    "\"1795554000110.5\"",
    "\"\"",
    "\" 1795554000110\"",
    "\"1795554000110 \"",
    "\"17955 54000110\"",
    "\"0x1A2058A1F6E\"",
    "\"1A2058A1F6E\"",
    "\"+1795554000110\"",
    "\"1.795554e12\"",
    "\"01795554000110\"",
    "\"00\"",
    /* Past int64 as a string. */
    "\"9223372036854775808\"",
    "\"18446744073709551616\"",
    "\"99999999999999999999999\"",
};

static void non_integer_values_are_bad_in_every_field(void)
{
	struct cdc_response r;
	struct cdc_request q;
	char text[CDC_MAX_PAYLOAD];

	for (size_t i = 0; i < sizeof(not_integers) / sizeof(not_integers[0]); i++) {
		const char *v = not_integers[i];
		CU_ASSERT_EQUAL(response_with(v, "1795554000110", "1795554000115", &r),
		                CDC_BAD_VALUE);
		CU_ASSERT_EQUAL(response_with("1", v, "1795554000115", &r), CDC_BAD_VALUE);
		CU_ASSERT_EQUAL(response_with("1", "1795554000110", v, &r), CDC_BAD_VALUE);
		snprintf(text, sizeof(text), "{\"deviceSendTime\":%s}", v);
		CU_ASSERT_EQUAL(decode_request(text, &q), CDC_BAD_VALUE);
	}
}

static void leading_zeros_are_bad_but_a_lone_zero_is_fine(void)
{
	struct cdc_response r;
	struct cdc_request q;

	CU_ASSERT_EQUAL(response_with("\"0123\"", "1795554000110", "1795554000115", &r),
	                CDC_BAD_VALUE);
	CU_ASSERT_EQUAL(response_with("1", "\"01795554000110\"", "1795554000115", &r),
	                CDC_BAD_VALUE);
	CU_ASSERT_EQUAL_FATAL(response_with("\"0\"", "1795554000110", "1795554000115", &r), CDC_OK);
	CU_ASSERT_EQUAL(r.device_send, 0);
	CU_ASSERT_EQUAL_FATAL(decode_request("{\"deviceSendTime\":\"0\"}", &q), CDC_OK);
	CU_ASSERT_EQUAL(q.device_send, 0);
	CU_ASSERT_EQUAL(decode_request("{\"deviceSendTime\":\"007\"}", &q), CDC_BAD_VALUE);
}

/* Timestamps as JSON numbers that a double reads as a whole number, or that are not plain
 * digits: cJSON alone would take most of them. */
static const char *const not_plain_numbers[] = {
    "1795554000110.0",
    "1795554000110.000",
    "179555400011.0e1",
    "1.795554000110e12",
    "1.7e12",
    "1795554000110e0",
    "1E12",
    "1e12",
    "1e+12",
    "-5",
    "-0",
    "-1795554000110",
    "0123",
    "01795554000110",
    "00",
};

static void timestamps_as_numbers_must_be_plain_digits(void)
{
	struct cdc_response r;
	struct cdc_request q;
	char text[CDC_MAX_PAYLOAD];

	for (size_t i = 0; i < sizeof(not_plain_numbers) / sizeof(not_plain_numbers[0]); i++) {
		const char *v = not_plain_numbers[i];
		enum cdc_status got[4];
		got[0] = response_with(v, "1795554000110", "1795554000115", &r);
		got[1] = response_with("1", v, "1795554000115", &r);
		got[2] = response_with("1", "1795554000110", v, &r);
		snprintf(text, sizeof(text), "{\"deviceSendTime\":%s}", v);
		got[3] = decode_request(text, &q);
		for (int f = 0; f < 4; f++) {
			if (got[f] != CDC_BAD_VALUE)
				fprintf(stderr, "\n  %s in field %d: %s\n", v, f,
				        cdc_status_name(got[f]));
			CU_ASSERT_EQUAL(got[f], CDC_BAD_VALUE);
		}
	}
}

static void a_plus_sign_is_refused(void)
{
	struct cdc_response r;
	struct cdc_request q;

	/* A JSON number cannot start with +: the payload is not JSON at all. */
	CU_ASSERT_EQUAL(response_with("+1", "1795554000110", "1795554000115", &r), CDC_NOT_JSON);
	CU_ASSERT_EQUAL(response_with("1", "+1795554000110", "1795554000115", &r), CDC_NOT_JSON);
	CU_ASSERT_EQUAL(decode_request("{\"deviceSendTime\":+1}", &q), CDC_NOT_JSON);
	/* In a string it is JSON, and a bad value. */
	CU_ASSERT_EQUAL(response_with("\"+1\"", "1795554000110", "1795554000115", &r),
	                CDC_BAD_VALUE);
	CU_ASSERT_EQUAL(response_with("1", "1795554000110", "\"+1795554000115\"", &r),
	                CDC_BAD_VALUE);
	CU_ASSERT_EQUAL(decode_request("{\"deviceSendTime\":\"+1\"}", &q), CDC_BAD_VALUE);
}

static void plain_digit_numbers_are_still_accepted(void)
{
	struct cdc_response r;
	struct cdc_request q;

	CU_ASSERT_EQUAL_FATAL(response_with("0", "1795554000110", "1795554000115", &r), CDC_OK);
	CU_ASSERT_EQUAL(r.device_send, 0);
	CU_ASSERT_EQUAL_FATAL(response_with("7", "946684800000", "4102444799999", &r), CDC_OK);
	CU_ASSERT_EQUAL(r.device_send, 7);
	CU_ASSERT_EQUAL(r.server_recv, CDC_MIN_SERVER_MS);
	CU_ASSERT_EQUAL(r.server_send, CDC_MAX_SERVER_MS - 1);
	/* White space around a number is not part of it. */
	CU_ASSERT_EQUAL_FATAL(decode_response("{\"deviceSendTime\": 12 ,\"serverRecvTime\":\n"
	                                      "1795554000110\t,\"serverSendTime\":1795554000115}",
	                                      &r),
	                      CDC_OK);
	CU_ASSERT_EQUAL(r.device_send, 12);
	CU_ASSERT_EQUAL_FATAL(decode_request("{\"deviceSendTime\":1795554000123}", &q), CDC_OK);
	CU_ASSERT_EQUAL(q.device_send, T0 + 123);
}

static void other_members_may_hold_any_number(void)
{
	struct cdc_response r;
	struct cdc_request q;
	const char *extras[] = {
	    "\"temperature\":21.5",
	    "\"ratio\":1e-3",
	    "\"big\":1.7E12",
	    "\"delta\":-5",
	    "\"list\":[1.5,-2,3e8]",
	    "\"nested\":{\"deviceSendTime\":1.5,\"serverRecvTime\":-1}",
	    "\"deviceSendTimes\":2.5",
	    "\"DeviceSendTime\":2.5",
	    "\"note\":\"deviceSendTime\",\"x\":0.5",
	};
	char text[CDC_MAX_PAYLOAD];

	for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++) {
		snprintf(text, sizeof(text),
		         "{\"deviceSendTime\":42,%s,\"serverRecvTime\":1795554000110,"
		         "\"serverSendTime\":\"1795554000115\"}",
		         extras[i]);
		enum cdc_status st = decode_response(text, &r);
		if (st != CDC_OK)
			fprintf(stderr, "\n  refused with %s: %s\n", extras[i],
			        cdc_status_name(st));
		CU_ASSERT_EQUAL(st, CDC_OK);
		CU_ASSERT_EQUAL(r.device_send, 42);
		CU_ASSERT_EQUAL(r.server_recv, T0 + 110);
		snprintf(text, sizeof(text), "{%s,\"deviceSendTime\":\"9\"}", extras[i]);
		CU_ASSERT_EQUAL(decode_request(text, &q), CDC_OK);
		CU_ASSERT_EQUAL(q.device_send, 9);
	}
}

static void escaped_member_names_are_checked_conservatively(void)
{
	struct cdc_response r;
	struct cdc_request q;

	/* \u0064 is 'd': this is deviceSendTime, and its value is not plain. */
	CU_ASSERT_EQUAL(decode_request("{\"\\u0064eviceSendTime\":1795554000100.0}", &q),
	                CDC_BAD_VALUE);
	CU_ASSERT_EQUAL(decode_response("{\"\\u0064eviceSendTime\":1e3,\"serverRecvTime\":"
	                                "\"1795554000110\",\"serverSendTime\":\"1795554000115\"}",
	                                &r),
	                CDC_BAD_VALUE);
	CU_ASSERT_EQUAL(decode_response("{\"deviceSendTime\":\"1\",\"server\\u0052ecvTime\":"
	                                "1795554000110.0,\"serverSendTime\":\"1795554000115\"}",
	                                &r),
	                CDC_BAD_VALUE);
	/* Written plainly, the escaped name is read as the member it decodes to. */
	CU_ASSERT_EQUAL_FATAL(decode_request("{\"\\u0064eviceSendTime\":5}", &q), CDC_OK);
	CU_ASSERT_EQUAL(q.device_send, 5);
	/* Any escaped name might be one of ours: its number must be plain too. */
	CU_ASSERT_EQUAL(decode_request("{\"deviceSendTime\":\"5\",\"x\\u0041\":1.5}", &q),
	                CDC_BAD_VALUE);
	CU_ASSERT_EQUAL(decode_request("{\"deviceSendTime\":\"5\",\"a\\\"b\":2.5}", &q),
	                CDC_BAD_VALUE);
	CU_ASSERT_EQUAL(decode_request("{\"deviceSendTime\":\"5\",\"x\\u0041\":15}", &q), CDC_OK);
	/* An escape in a value, not a name, changes nothing. */
	CU_ASSERT_EQUAL(
	    decode_request("{\"note\":\"a\\\"b\",\"deviceSendTime\":\"5\",\"t\":1.5}", &q), CDC_OK);
}

static void largest_int64_string_is_the_last_accepted(void)
{
	struct cdc_request q;

	CU_ASSERT_EQUAL_FATAL(decode_request("{\"deviceSendTime\":\"9223372036854775807\"}", &q),
	                      CDC_OK);
	CU_ASSERT_EQUAL(q.device_send, INT64_MAX);
	CU_ASSERT_EQUAL(decode_request("{\"deviceSendTime\":\"9223372036854775808\"}", &q),
	                CDC_BAD_VALUE);
}

static void numbers_beyond_2_pow_53_are_bad(void)
{
	struct cdc_request q;

	/* 2^53 - 1: every integer up to here is exact in a double. */
	CU_ASSERT_EQUAL_FATAL(decode_request("{\"deviceSendTime\":9007199254740991}", &q), CDC_OK);
	CU_ASSERT_EQUAL(q.device_send, INT64_C(9007199254740991));
	CU_ASSERT_EQUAL(decode_request("{\"deviceSendTime\":9007199254740994}", &q), CDC_BAD_VALUE);
	CU_ASSERT_EQUAL(decode_request("{\"deviceSendTime\":1e300}", &q), CDC_BAD_VALUE);
	CU_ASSERT_EQUAL(decode_request("{\"deviceSendTime\":1e999}", &q), CDC_BAD_VALUE);
	/* 2^53 + 1 reads as the double 2^53: accepting it would echo a different id. */
	q.device_send = -1;
	CU_ASSERT_EQUAL(decode_request("{\"deviceSendTime\":9007199254740993}", &q), CDC_BAD_VALUE);
}

static void server_times_outside_2000_to_2100_are_implausible(void)
{
	struct cdc_response r;

	/* 946684800000 is 2000-01-01T00:00:00Z, 4102444800000 is 2100-01-01T00:00:00Z. */
	CU_ASSERT_EQUAL(response_with("1", "\"946684800000\"", "\"946684800000\"", &r), CDC_OK);
	CU_ASSERT_EQUAL(response_with("1", "\"946684799999\"", "\"946684800000\"", &r),
	                CDC_BAD_TIME);
	CU_ASSERT_EQUAL(response_with("1", "946684800000", "946684799999", &r), CDC_BAD_TIME);
	CU_ASSERT_EQUAL(response_with("1", "\"4102444799999\"", "\"4102444799999\"", &r), CDC_OK);
	CU_ASSERT_EQUAL(response_with("1", "\"4102444799999\"", "\"4102444800000\"", &r),
	                CDC_BAD_TIME);
	CU_ASSERT_EQUAL(response_with("1", "4102444800000", "4102444800000", &r), CDC_BAD_TIME);
	CU_ASSERT_EQUAL(response_with("1", "\"0\"", "\"1795554000115\"", &r), CDC_BAD_TIME);
	CU_ASSERT_EQUAL(response_with("1", "\"1795554000110\"", "\"9223372036854775807\"", &r),
	                CDC_BAD_TIME);
	/* deviceSendTime is ours, an id, and has no such range. */
	CU_ASSERT_EQUAL(response_with("\"5\"", "\"1795554000110\"", "\"1795554000110\"", &r),
	                CDC_OK);
}

static void payloads_need_no_terminating_nul(void)
{
	const char *json = "{\"deviceSendTime\":\"1795554000100\",\"serverRecvTime\":"
	                   "\"1795554000110\",\"serverSendTime\":\"1795554000115\"}";
	size_t len = strlen(json);
	const char garbage[] = "9\"}{\"x\":[";
	char *buf = malloc(len + sizeof(garbage));
	struct cdc_response r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	memcpy(buf, json, len);
	memcpy(buf + len, garbage, sizeof(garbage));
	CU_ASSERT_EQUAL(cdc_decode_response(buf, len, &r), CDC_OK);
	CU_ASSERT_EQUAL(r.device_send, T0 + 100);
	CU_ASSERT_EQUAL(r.server_send, T0 + 115);
	/* The length, not the garbage, ends the payload: one byte short is truncated. */
	CU_ASSERT_EQUAL(cdc_decode_response(buf, len - 1, &r), CDC_NOT_JSON);

	struct cdc_request q;
	const char *req = "{\"deviceSendTime\":\"42\"}";
	memcpy(buf, req, strlen(req));
	memcpy(buf + strlen(req), "77\"}", 4);
	CU_ASSERT_EQUAL_FATAL(cdc_decode_request(buf, strlen(req), &q), CDC_OK);
	CU_ASSERT_EQUAL(q.device_send, 42);
	free(buf);
}

static void request_decoding_records_how_the_id_was_written(void)
{
	struct cdc_request q;

	q.as_string = false;
	CU_ASSERT_EQUAL_FATAL(decode_request("{\"deviceSendTime\":\"1795554000123\"}", &q), CDC_OK);
	CU_ASSERT_EQUAL(q.device_send, T0 + 123);
	CU_ASSERT_TRUE(q.as_string);
	q.as_string = true;
	CU_ASSERT_EQUAL_FATAL(decode_request("{\"deviceSendTime\":1795554000123}", &q), CDC_OK);
	CU_ASSERT_EQUAL(q.device_send, T0 + 123);
	CU_ASSERT_FALSE(q.as_string);
	/* Other members are ignored. */
	CU_ASSERT_EQUAL(decode_request("{\"id\":\"x\",\"deviceSendTime\":\"3\",\"v\":[1]}", &q),
	                CDC_OK);
	CU_ASSERT_EQUAL(q.device_send, 3);
}

static void response_echoes_device_send_time_as_it_was_received(void)
{
	char buf[CDC_BUF_SIZE];
	struct cdc_request as_string = {.device_send = T0 + 123, .as_string = true};
	struct cdc_request as_number = {.device_send = T0 + 123, .as_string = false};
	const char *want_string = "{\"deviceSendTime\":\"1795554000123\",\"serverRecvTime\":"
	                          "\"1795554000200\",\"serverSendTime\":\"1795554000201\"}";
	const char *want_number = "{\"deviceSendTime\":1795554000123,\"serverRecvTime\":"
	                          "\"1795554000200\",\"serverSendTime\":\"1795554000201\"}";

	CU_ASSERT_EQUAL(cdc_encode_response(buf, sizeof(buf), &as_string, T0 + 200, T0 + 201),
	                (int)strlen(want_string));
	CU_ASSERT_STRING_EQUAL(buf, want_string);
	CU_ASSERT_EQUAL(cdc_encode_response(buf, sizeof(buf), &as_number, T0 + 200, T0 + 201),
	                (int)strlen(want_number));
	CU_ASSERT_STRING_EQUAL(buf, want_number);
}

static void response_encoding_into_too_small_a_buffer_fails(void)
{
	char buf[CDC_BUF_SIZE];
	struct cdc_request req = {.device_send = INT64_MAX, .as_string = true};

	/* The largest response fits in CDC_BUF_SIZE. */
	int n = cdc_encode_response(buf, sizeof(buf), &req, INT64_MAX, INT64_MAX);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(cdc_encode_response(buf, (size_t)n, &req, INT64_MAX, INT64_MAX), -1);
	CU_ASSERT_EQUAL(cdc_encode_response(buf, (size_t)n + 1, &req, INT64_MAX, INT64_MAX), n);
}

static uint64_t rng_state = 12345;

static uint64_t xorshift64(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void random_values_survive_encoding_and_decoding(void)
{
	char buf[CDC_BUF_SIZE];
	const uint64_t span = (uint64_t)(CDC_MAX_SERVER_MS - CDC_MIN_SERVER_MS);

	rng_state = 12345;
	for (int i = 0; i < 20000; i++) {
		int64_t dev = (int64_t)(xorshift64() >> 1);
		int64_t recv = CDC_MIN_SERVER_MS + (int64_t)(xorshift64() % span);
		int64_t send = recv + (int64_t)(xorshift64() % 1000);
		struct cdc_request q, req = {.device_send = dev, .as_string = (i & 1) != 0};
		struct cdc_response r;

		if (!req.as_string)
			req.device_send = dev >>= 11; /* numbers: within 2^53 */
		int n = cdc_encode_request(buf, sizeof(buf), dev);
		CU_ASSERT_FATAL(n > 0);
		CU_ASSERT_EQUAL_FATAL(cdc_decode_request(buf, (size_t)n, &q), CDC_OK);
		CU_ASSERT_FATAL(q.device_send == dev && q.as_string);

		n = cdc_encode_response(buf, sizeof(buf), &req, recv, send);
		CU_ASSERT_FATAL(n > 0);
		if (send >= CDC_MAX_SERVER_MS) {
			CU_ASSERT_EQUAL_FATAL(cdc_decode_response(buf, (size_t)n, &r),
			                      CDC_BAD_TIME);
			continue;
		}
		CU_ASSERT_EQUAL_FATAL(cdc_decode_response(buf, (size_t)n, &r), CDC_OK);
		CU_ASSERT_FATAL(r.device_send == dev && r.server_recv == recv &&
		                r.server_send == send);
	}
}

/* The encoders write integers by hand: the same text as printf's, at every magnitude. */
static void encoded_integers_match_printf(void)
{
	char buf[CDC_BUF_SIZE], want[CDC_BUF_SIZE];
	int64_t v[] = {0, 1, 9, 10, 99, 100, -1, -9, -10, INT64_MAX, INT64_MIN, INT64_MIN + 1};
	int64_t p = 1;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]) + 3 * 19; i++) {
		int64_t x;
		if (i < sizeof(v) / sizeof(v[0])) {
			x = v[i];
		} else {
			/* 10^k - 1, 10^k and -10^k for k = 0..18. */
			size_t j = i - sizeof(v) / sizeof(v[0]);
			if (j % 3 == 0 && j > 0)
				p *= 10;
			x = j % 3 == 0 ? p - 1 : j % 3 == 1 ? p : -p;
		}
		struct cdc_request req = {.device_send = x, .as_string = (i & 1) != 0};
		int n = cdc_encode_request(buf, sizeof(buf), x);
		snprintf(want, sizeof(want), "{\"deviceSendTime\":\"%" PRId64 "\"}", x);
		CU_ASSERT_EQUAL(n, (int)strlen(want));
		CU_ASSERT_STRING_EQUAL(buf, want);

		n = cdc_encode_response(buf, sizeof(buf), &req, x, -(x / 3));
		snprintf(want, sizeof(want),
		         "{\"deviceSendTime\":%s%" PRId64 "%s,\"serverRecvTime\":\"%" PRId64
		         "\",\"serverSendTime\":\"%" PRId64 "\"}",
		         req.as_string ? "\"" : "", x, req.as_string ? "\"" : "", x, -(x / 3));
		CU_ASSERT_EQUAL(n, (int)strlen(want));
		CU_ASSERT_STRING_EQUAL(buf, want);
	}
}

/* Every buffer size short of the payload fails cleanly and writes nothing past its end. */
static void encoding_fails_at_every_size_too_small(void)
{
	char buf[CDC_BUF_SIZE + 1];
	struct cdc_request req = {.device_send = T0, .as_string = true};
	int full = cdc_encode_response(buf, CDC_BUF_SIZE, &req, T0 + 5, T0 + 6);

	CU_ASSERT_FATAL(full > 0);
	for (size_t size = 0; size <= (size_t)full; size++) {
		memset(buf, 'x', sizeof(buf));
		CU_ASSERT_EQUAL(cdc_encode_response(buf, size, &req, T0 + 5, T0 + 6), -1);
		CU_ASSERT_EQUAL(buf[size], 'x');
		CU_ASSERT_EQUAL(cdc_encode_request(buf, size < 20 ? size : 20, T0), -1);
	}
}

/*
 * Payloads near the usual shape, where the fast scan must either read them exactly as the
 * general parser does or leave them to it; the helpers compare the two on each.
 */
static void usual_shape_and_its_neighbours_decode_alike(void)
{
	static const char *const payloads[] = {
	    "{\"deviceSendTime\":\"1795554000000\",\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":1795554000000,\"serverRecvTime\":1795554000010,"
	    "\"serverSendTime\":1795554000011}",
	    "{\"serverSendTime\":\"1795554000011\",\"deviceSendTime\":\"5\","
	    "\"serverRecvTime\":\"1795554000010\"}",
	    "{\"deviceSendTime\":\"1\",\"deviceSendTime\":\"2\",\"serverRecvTime\":"
	    "\"1795554000010\",\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":999999999999999,\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":9999999999999999,\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":9007199254740993,\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":\"999999999999999999\",\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":\"9223372036854775808\",\"serverRecvTime\":"
	    "\"1795554000010\",\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":\"01\",\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":0,\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":\"0\",\"serverRecvTime\":\"17955540000\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":\"7\",\"serverRecvTime\":\"1795554000010\"}",
	    "{\"deviceSendTime\":\"7\"}",
	    "{\"deviceSendTime\":7}",
	    "{\"deviceSendTime\":7,}",
	    "{\"deviceSendTime\":7}x",
	    "{\"deviceSendTime\":7} ",
	    "{\"deviceSendTime\":\"7}",
	    "{\"deviceSendTime\":\"7\"",
	    "{\"deviceSendTime\":",
	    "{\"deviceSendTime\"",
	    "{\"deviceSendTimeX\":7}",
	    "{\"deviceSendTim\":7}",
	    "{\"devicesendtime\":7}",
	    "{\"deviceSendTime\":-7}",
	    "{\"deviceSendTime\":7.0}",
	    "{\"deviceSendTime\":7e3}",
	    "{\"deviceSendTime\":\"\"}",
	    "{\"deviceSendTime\":null}",
	    "{\"deviceSendTime\":true}",
	    "{\"deviceSendTime\":\"\\u0037\"}",
	    "{\"other\":1,\"deviceSendTime\":7}",
	    "{}",
	    "{",
	    "}",
	};

	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		struct cdc_response r;
		struct cdc_request q;
		decode_response(payloads[i], &r);
		decode_request(payloads[i], &q);
	}
	/* A NUL inside the usual shape is no digit. */
	static const char nul[] = "{\"deviceSendTime\":\"7\0\"}";
	struct cdc_request q, g;
	CU_ASSERT_EQUAL(cdc_decode_request(nul, sizeof(nul) - 1, &q),
	                cdc_decode_request_general(nul, sizeof(nul) - 1, &g));
}

static void status_names_are_distinct(void)
{
	for (int i = CDC_OK; i <= CDC_BAD_TIME; i++) {
		CU_ASSERT_STRING_NOT_EQUAL(cdc_status_name((enum cdc_status)i), "unknown");
		for (int j = CDC_OK; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(cdc_status_name((enum cdc_status)i),
			                           cdc_status_name((enum cdc_status)j));
	}
	CU_ASSERT_STRING_EQUAL(cdc_status_name((enum cdc_status)99), "unknown");
}

static int init_codec_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(request_encoding_is_exactly_the_platform_format),
	    RUNNER_TEST(request_encoding_into_too_small_a_buffer_fails),
	    RUNNER_TEST(response_with_string_timestamps_is_accepted),
	    RUNNER_TEST(response_with_number_timestamps_is_accepted),
	    RUNNER_TEST(equal_server_receive_and_send_times_are_accepted),
	    RUNNER_TEST(payloads_that_are_not_json_objects_are_rejected),
	    RUNNER_TEST(payload_over_the_maximum_is_rejected_before_parsing),
	    RUNNER_TEST(missing_fields_are_reported),
	    RUNNER_TEST(null_fields_count_as_missing),
	    RUNNER_TEST(non_integer_values_are_bad_in_every_field),
	    RUNNER_TEST(leading_zeros_are_bad_but_a_lone_zero_is_fine),
	    RUNNER_TEST(timestamps_as_numbers_must_be_plain_digits),
	    RUNNER_TEST(a_plus_sign_is_refused),
	    RUNNER_TEST(plain_digit_numbers_are_still_accepted),
	    RUNNER_TEST(other_members_may_hold_any_number),
	    RUNNER_TEST(escaped_member_names_are_checked_conservatively),
	    RUNNER_TEST(largest_int64_string_is_the_last_accepted),
	    RUNNER_TEST(numbers_beyond_2_pow_53_are_bad),
	    RUNNER_TEST(server_times_outside_2000_to_2100_are_implausible),
	    RUNNER_TEST(payloads_need_no_terminating_nul),
	    RUNNER_TEST(request_decoding_records_how_the_id_was_written),
	    RUNNER_TEST(response_echoes_device_send_time_as_it_was_received),
	    RUNNER_TEST(response_encoding_into_too_small_a_buffer_fails),
	    RUNNER_TEST(random_values_survive_encoding_and_decoding),
	    RUNNER_TEST(encoded_integers_match_printf),
	    RUNNER_TEST(encoding_fails_at_every_size_too_small),
	    RUNNER_TEST(usual_shape_and_its_neighbours_decode_alike),
	    RUNNER_TEST(status_names_are_distinct),
	    CU_TEST_INFO_NULL,
	};
	return runner_add_suite("codec", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_codec_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
