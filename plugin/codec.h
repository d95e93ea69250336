/* SPDX-License-Identifier: Apache-2.0 */
/*
 * codec: Alibaba's JSON payloads, spoken through its dialect (dialect_aliyun.c).
 *
 *   request   {"deviceSendTime":"<ms>"}
 *   response  {"deviceSendTime":<echo>,"serverRecvTime":"<ms>","serverSendTime":"<ms>"}
 *
 * The platform accepts and sends each value as a JSON number or a string; both are read.
 * Sizes are checked before any parsing, and every value must be a plain integer.
 */
#ifndef IOTNTP_CODEC_H
#define IOTNTP_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest payload looked at; a real response is under 100 bytes. */
#define CDC_MAX_PAYLOAD 512
/* Room for any encoded request or response, terminating NUL included. */
#define CDC_BUF_SIZE 160
/* Longest integer text accepted: 19 digits reach 2^63. */
#define CDC_MAX_DIGITS 19

/* Server timestamps outside [2000-01-01, 2100-01-01) are not plausible. */
#define CDC_MIN_SERVER_MS INT64_C(946684800000)
#define CDC_MAX_SERVER_MS INT64_C(4102444800000)

enum cdc_status {
	CDC_OK = 0,
	CDC_TOO_LARGE,     /* payload over CDC_MAX_PAYLOAD */
	CDC_NOT_JSON,      /* not a JSON object */
	CDC_MISSING_FIELD, /* a required member is absent or null */
	CDC_BAD_VALUE,     /* a member is not a plain non-negative integer */
	CDC_BAD_TIME,      /* a server timestamp outside the plausible range */
};

struct cJSON;

/* Reads a ms value: a JSON number that is a non-negative integer a double holds exactly, or,
 * with allow_string, a string of 1 to max_digits (at most CDC_MAX_DIGITS) decimal digits
 * without a leading zero. *as_string (if not NULL) says which it was. Returns CDC_OK,
 * CDC_MISSING_FIELD (absent or null) or CDC_BAD_VALUE. */
enum cdc_status cdc_read_ms(const struct cJSON *item, bool allow_string, size_t max_digits,
                            int64_t *out, bool *as_string);

/* A decoded response; all values in ms. */
struct cdc_response {
	int64_t device_send;
	int64_t server_recv;
	int64_t server_send;
};

/* A decoded request, with how deviceSendTime was written so the answer echoes it alike. */
struct cdc_request {
	int64_t device_send;
	bool as_string;
};

/* Writes a request payload into buf (CDC_BUF_SIZE bytes); returns its length or -1. */
int cdc_encode_request(char *buf, size_t size, int64_t device_send_ms);

/* Decodes and validates a response payload (not NUL-terminated). */
enum cdc_status cdc_decode_response(const void *payload, size_t len, struct cdc_response *out);

/* Decodes and validates a request payload, as the serve role receives it. */
enum cdc_status cdc_decode_request(const void *payload, size_t len, struct cdc_request *out);

/*
 * The two decoders above with the general JSON parser only. They read the usual payload with
 * a faster scan and hand anything else to the general parser; these let tests check that both
 * ways agree on every input.
 */
enum cdc_status cdc_decode_response_general(const void *payload, size_t len,
                                            struct cdc_response *out);
enum cdc_status cdc_decode_request_general(const void *payload, size_t len,
                                           struct cdc_request *out);

/* Writes a response payload into buf; returns its length or -1. */
int cdc_encode_response(char *buf, size_t size, const struct cdc_request *req, int64_t recv_ms,
                        int64_t send_ms);

/* Human-readable name of a status, for the tests' messages (the plugin logs the dialect's
 * status, dlc_status_name). */
const char *cdc_status_name(enum cdc_status status);

#endif
