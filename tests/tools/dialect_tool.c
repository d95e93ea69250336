/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dialect_tool: a platform's dialect (plugin/dialect_*.c) from the shell, so that the
 * end-to-end tests and the benchmarks speak any platform through the plugin's own tables
 * instead of each script spelling out every platform's topics and payloads.
 *
 *   dialect_tool topics PLATFORM PRODUCT DEVICE
 *       prints "name value" lines: request_topic, response_topic, request_filter and
 *       response_filter (every device's, as subscription filters), request_qos, id_kind
 *       (none, number, string) and response_shared (1 where the response topic carries the
 *       platform's other services too). PRODUCT is "-" on a platform that names devices by
 *       one id.
 *   dialect_tool request PLATFORM T1_MS SEQ
 *       prints a request sent at T1_MS, as the gateway writes it.
 *   dialect_tool answer PLATFORM T2_MS T3_MS REQUEST
 *       prints the platform's answer to the request payload REQUEST, received at T2_MS and
 *       sent at T3_MS, as the serve role writes it.
 *   dialect_tool answers PLATFORM
 *       reads lines "RECEIVED ... PAYLOAD" (what mosquitto_sub -F '%U %p' or '%U %t %p'
 *       prints; the payload starts at the first '{') and prints "RECEIVED T1 T2 T3" for each
 *       payload that is a valid answer of the platform's, T1 "-" where the answer echoes none.
 *       Other lines are skipped.
 *
 * Exit status: 0, 1 when the platform or a value is not valid, 2 on bad usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"

/* Placeholders that no identity level holds, replaced by "+" to make a filter. */
#define DT_ANY_PRODUCT "iotntp-any-product"
#define DT_ANY_DEVICE  "iotntp-any-device"
#define DT_LINE_MAX    (DLC_MAX_PAYLOAD + 256)

static int usage(void)
{
	fprintf(stderr, "usage: dialect_tool topics PLATFORM PRODUCT|- DEVICE\n"
	                "       dialect_tool request PLATFORM T1_MS SEQ\n"
	                "       dialect_tool answer PLATFORM T2_MS T3_MS REQUEST\n"
	                "       dialect_tool answers PLATFORM < LINES\n");
	return 2;
}

static int parse_ms(const char *s, int64_t *out)
{
	char *end;

	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0)
		return -1;
	*out = v;
	return 0;
}

/* The dialect's topic of dir for who, with every placeholder level made "+". */
static int filter(const struct dlc_dialect *d, enum dlc_direction dir, char *out, size_t size)
{
	const struct dlc_identity any = {d->product_max > 0 ? DT_ANY_PRODUCT : NULL, DT_ANY_DEVICE};
	char t[DLC_TOPIC_SIZE];
	const char *p;
	size_t n = 0;

	if (d->topic(&any, dir, t, sizeof(t)) < 0)
		return -1;
	for (p = t; *p != '\0';) {
		size_t skip = 0;
		if (strncmp(p, DT_ANY_PRODUCT, strlen(DT_ANY_PRODUCT)) == 0)
			skip = strlen(DT_ANY_PRODUCT);
		else if (strncmp(p, DT_ANY_DEVICE, strlen(DT_ANY_DEVICE)) == 0)
			skip = strlen(DT_ANY_DEVICE);
		if (n + 2 > size)
			return -1;
		out[n++] = skip > 0 ? '+' : *p;
		p += skip > 0 ? skip : 1;
	}
	out[n] = '\0';
	return 0;
}

static const char *id_kind_name(enum dlc_id_kind kind)
{
	switch (kind) {
	case DLC_ID_NUMBER:
		return "number";
	case DLC_ID_STRING:
		return "string";
	case DLC_ID_NONE:
	default:
		return "none";
	}
}

static int topics(const struct dlc_dialect *d, const char *product, const char *device)
{
	const struct dlc_identity who = {strcmp(product, "-") == 0 ? NULL : product, device};
	char req[DLC_TOPIC_SIZE], resp[DLC_TOPIC_SIZE], req_f[DLC_TOPIC_SIZE],
	    resp_f[DLC_TOPIC_SIZE];

	if ((who.product != NULL) != (d->product_max > 0)) {
		fprintf(stderr, "dialect_tool: platform %s %s a product id\n", d->name,
		        d->product_max > 0 ? "needs" : "takes no");
		return 1;
	}
	if (d->topic(&who, DLC_REQUEST, req, sizeof(req)) < 0 ||
	    d->topic(&who, DLC_RESPONSE, resp, sizeof(resp)) < 0) {
		fprintf(stderr, "dialect_tool: not a valid identity on platform %s\n", d->name);
		return 1;
	}
	if (filter(d, DLC_REQUEST, req_f, sizeof(req_f)) < 0 ||
	    filter(d, DLC_RESPONSE, resp_f, sizeof(resp_f)) < 0)
		return 1;
	printf("request_topic %s\nresponse_topic %s\nrequest_filter %s\nresponse_filter %s\n"
	       "request_qos %d\nid_kind %s\nresponse_shared %d\n",
	       req, resp, req_f, resp_f, d->request_qos, id_kind_name(d->id_kind),
	       d->shared_topic[DLC_RESPONSE] ? 1 : 0);
	return 0;
}

static int request(const struct dlc_dialect *d, const char *t1, const char *seq)
{
	int64_t t1_ms, n;
	struct dlc_id id;
	char out[DLC_BUF_SIZE];

	if (parse_ms(t1, &t1_ms) < 0 || parse_ms(seq, &n) < 0 || n > UINT32_MAX ||
	    d->encode_request(t1_ms, (uint32_t)n, &id, out, sizeof(out)) < 0) {
		fprintf(stderr, "dialect_tool: cannot write a request at '%s', seq '%s'\n", t1,
		        seq);
		return 1;
	}
	puts(out);
	return 0;
}

static int answer(const struct dlc_dialect *d, const char *t2, const char *t3, const char *req)
{
	int64_t t2_ms, t3_ms;
	struct dlc_request r;
	char out[DLC_BUF_SIZE];

	if (parse_ms(t2, &t2_ms) < 0 || parse_ms(t3, &t3_ms) < 0) {
		fprintf(stderr, "dialect_tool: '%s' and '%s' must be ms\n", t2, t3);
		return 1;
	}
	enum dlc_status st = d->decode_request(req, strlen(req), &r);
	if (st != DLC_OK) {
		fprintf(stderr, "dialect_tool: not a %s request (%s): %s\n", d->name,
		        dlc_status_name(st), req);
		return 1;
	}
	if (d->encode_response(&r, t2_ms, t3_ms, out, sizeof(out)) < 0)
		return 1;
	puts(out);
	return 0;
}

static int answers(const struct dlc_dialect *d)
{
	char line[DT_LINE_MAX];

	while (fgets(line, sizeof(line), stdin) != NULL) {
		size_t len = strcspn(line, "\n");
		line[len] = '\0';
		const char *payload = strchr(line, '{');
		size_t first = strcspn(line, " ");
		struct dlc_answer a;
		if (payload == NULL || first == 0 || line + first >= payload ||
		    d->decode_response(payload, strlen(payload), &a) != DLC_OK)
			continue;
		line[first] = '\0';
		if (a.has_t1)
			printf("%s %" PRId64 " %" PRId64 " %" PRId64 "\n", line, a.t1_ms, a.t2_ms,
			       a.t3_ms);
		else
			printf("%s - %" PRId64 " %" PRId64 "\n", line, a.t2_ms, a.t3_ms);
	}
	return ferror(stdin) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	const struct dlc_dialect *d = dlc_find(argv[2]);
	if (d == NULL) {
		fprintf(stderr, "dialect_tool: no platform '%s'\n", argv[2]);
		return 1;
	}
	if (strcmp(argv[1], "topics") == 0 && argc == 5)
		return topics(d, argv[3], argv[4]);
	if (strcmp(argv[1], "request") == 0 && argc == 5)
		return request(d, argv[3], argv[4]);
	if (strcmp(argv[1], "answer") == 0 && argc == 6)
		return answer(d, argv[3], argv[4], argv[5]);
	if (strcmp(argv[1], "answers") == 0 && argc == 3)
		return answers(d);
	return usage();
}
