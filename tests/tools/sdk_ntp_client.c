/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sdk_ntp_client: a device that asks for the time as the platform's own device SDK does (Link
 * SDK 4.x, components/ntp/aiot_ntp_api.c), to check that such a device gets its time from the
 * platform and from a gateway that serves the LAN.
 *
 *   sdk_ntp_client --port PORT --id ID --product-key PK --device-name DN [--host HOST]
 *                  [--subscribe] [--qos Q] [--requests N] [--burst] [--timeout-ms MS]
 *                  [--platform-offset S]
 *
 * It holds the SDK's contract:
 *   - it publishes {"deviceSendTime":"<ms>"}, the string form, on /ext/ntp/PK/DN/request at
 *     QoS Q (default 0, the protocol's), <ms> being this machine's clock in whole milliseconds;
 *   - it does not subscribe to /ext/ntp/PK/DN/response: the SDK relies on the platform
 *     subscribing the device itself. With --subscribe it does, as the platform's guide says;
 *   - as the SDK does, it reads only messages on its response topic, and reads them alike:
 *     each of deviceSendTime, serverRecvTime and serverSendTime is found by name (the first
 *     occurrence, its quotes right around it), ':' must follow at once (no whitespace), and the
 *     value is a quoted string, or bare up to ',', ']' or '}', of digits only. Stricter than
 *     the SDK, an empty value (which it would take as 0) or one over 19 digits is refused;
 *   - it computes the time as (serverRecvTime + serverSendTime + now - deviceSendTime) / 2 in
 *     unsigned integer milliseconds, now being the clock in whole milliseconds when the answer
 *     is read. The SDK matches no answer to its request; this client matches them by
 *     deviceSendTime only to count them.
 *
 * Requests go one at a time, each once the previous one is answered or after MS milliseconds
 * (default 5000) without an answer; with --burst all N (default 1) back to back, and then it
 * waits until all are answered or MS milliseconds have passed. Each deviceSendTime is a
 * millisecond of its own, so that answers can be told apart.
 *
 * At the start it also subscribes to iotntp-test/sdk/ID/barrier, and after the last wait it
 * publishes there and waits for that message to come back (up to MS again). The broker sends
 * one client its messages in the order it queued them, so once the barrier is back, every copy
 * of every answer queued for this client before it has arrived: the counts are final.
 *
 * Output, one line each:
 *   request dst=<ms>
 *   answer dst=<ms> srt=<ms> sst=<ms> now=<ms> time=<ms> [error_ms=<x>]
 *   unreadable payload=<payload>
 *   sdk_ntp_client: id=<id> subscribed=<0|1> requests=<n> answered=<n> answers=<n>
 *     duplicates=<n> strays=<n> unreadable=<n> others=<n> barrier=<0|1>
 *     [min_error_ms=<x> max_error_ms=<x>]
 * answered counts the requests that got an answer, answers every answer read, duplicates the
 * answers beyond the first to one request, strays the answers to no request of this run,
 * others the messages on topics other than the response topic and the barrier. With
 * --platform-offset S (the platform's clock minus this machine's, in seconds, e.g. -2.417, as
 * the test sets it under libfaketime) error_ms is the computed time minus the platform's time
 * when the answer was read: this machine's clock to the nanosecond, plus S.
 *
 * It connects with MQTT 3.1.1 and a clean session, as the SDK does, and runs in one thread, and
 * always ends. Exit status: 0 once the barrier came back (whatever
 * was answered), 1 if it could not connect or subscribe or the barrier never came back, 2 on
 * bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <mosquitto.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mqtt_tool.h"
#include <unistd.h>

#define SDK_MAX_REQUESTS 1000
#define SDK_TOPIC_SIZE   256
#define SDK_PAYLOAD_SIZE 64
#define SDK_MAX_DIGITS   19 /* every 19-digit number fits in uint64_t */
#define SDK_LOOP_MS      10
#define SDK_KEEPALIVE_S  60
#define SDK_PACE_NS      200000LL /* a fifth of a millisecond */
#define SDK_PACE_TRIES   20
#define NS_PER_MS        1000000LL
#define NS_PER_S         1000000000LL

struct sdk_request {
	uint64_t dst;
	unsigned answers;
};

struct sdk_run {
	const char *host;
	int port;
	const char *id;
	const char *pk;
	const char *dn;
	bool subscribe;
	int qos;
	int requests_wanted;
	bool burst;
	int64_t timeout_ms;
	bool have_offset;
	int64_t offset_ns;

	char request_topic[SDK_TOPIC_SIZE];
	char response_topic[SDK_TOPIC_SIZE];
	char barrier_topic[SDK_TOPIC_SIZE];
	char barrier_payload[SDK_PAYLOAD_SIZE];

	bool connected;
	bool refused;
	int subacks;
	bool barrier_back;
	struct sdk_request requests[SDK_MAX_REQUESTS];
	int sent;
	uint64_t answers;
	uint64_t duplicates;
	uint64_t strays;
	uint64_t unreadable;
	uint64_t others;
	bool have_error;
	int64_t min_error_ns;
	int64_t max_error_ns;
};

static int64_t real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static void pause_ns(int64_t ns)
{
	struct timespec ts = {(time_t)(ns / NS_PER_S), (long)(ns % NS_PER_S)};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * The value of "key" in an answer, found as the SDK's reader finds it: the first occurrence of
 * the name with a quote right before and right after it, then ':' at once, then either a string
 * up to the next quote or a bare value up to ',', ']' or '}'. An object or array value can
 * never be digits, so it is refused here already.
 */
static bool sdk_value(const char *in, size_t len, const char *key, const char **val, size_t *vlen)
{
	size_t klen = strlen(key);

	for (size_t i = 1; i + klen < len; i++) {
		if (in[i - 1] != '"' || in[i + klen] != '"' || memcmp(in + i, key, klen) != 0)
			continue;
		size_t p = i + klen + 1;
		if (p + 1 >= len || in[p] != ':')
			return false;
		p++;
		if (in[p] == '"') {
			const char *end = memchr(in + p + 1, '"', len - p - 1);
			if (end == NULL)
				return false;
			*val = in + p + 1;
			*vlen = (size_t)(end - *val);
			return true;
		}
		if (in[p] == '{' || in[p] == '[')
			return false;
		for (size_t q = p; q < len; q++) {
			if (in[q] == ',' || in[q] == ']' || in[q] == '}') {
				*val = in + p;
				*vlen = q - p;
				return true;
			}
		}
		return false;
	}
	return false;
}

/* Digits only, as the SDK's core_str2uint64 takes them; not empty and at most 19 of them. */
static bool sdk_digits(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > SDK_MAX_DIGITS)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

static bool sdk_field(const char *in, size_t len, const char *key, uint64_t *out)
{
	const char *val;
	size_t vlen;

	return sdk_value(in, len, key, &val, &vlen) && sdk_digits(val, vlen, out);
}

static struct sdk_request *request_of(struct sdk_run *r, uint64_t dst)
{
	for (int i = 0; i < r->sent; i++) {
		if (r->requests[i].dst == dst)
			return &r->requests[i];
	}
	return NULL;
}

static void note_error(struct sdk_run *r, int64_t e)
{
	if (!r->have_error || e < r->min_error_ns)
		r->min_error_ns = e;
	if (!r->have_error || e > r->max_error_ns)
		r->max_error_ns = e;
	r->have_error = true;
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	struct sdk_run *r = obj;

	if (rc != 0) {
		printf("sdk_ntp_client: connection refused: %s\n", mosquitto_connack_string(rc));
		r->refused = true;
		return;
	}
	r->connected = true;
	if (mosquitto_subscribe(mosq, NULL, r->barrier_topic, 0) != MOSQ_ERR_SUCCESS)
		r->refused = true;
	if (r->subscribe &&
	    mosquitto_subscribe(mosq, NULL, r->response_topic, 0) != MOSQ_ERR_SUCCESS)
		r->refused = true;
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	struct sdk_run *r = obj;

	(void)mosq;
	if (rc != 0 && r->connected)
		printf("sdk_ntp_client: disconnected by the broker: %s\n", mosquitto_strerror(rc));
	r->connected = false;
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted)
{
	struct sdk_run *r = obj;

	(void)mosq;
	(void)mid;
	for (int i = 0; i < count; i++) {
		if (granted[i] > 2) {
			printf("sdk_ntp_client: a subscription was refused\n");
			r->refused = true;
		}
	}
	r->subacks++;
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *m)
{
	struct sdk_run *r = obj;
	/* Read first: the SDK reads its clock as it handles the answer. */
	int64_t recv_ns = real_ns();
	uint64_t now = (uint64_t)(recv_ns / NS_PER_MS);
	uint64_t dst, srt, sst;
	const char *p = m->payload != NULL ? m->payload : "";
	size_t len = m->payloadlen > 0 ? (size_t)m->payloadlen : 0;

	(void)mosq;
	if (strcmp(m->topic, r->barrier_topic) == 0) {
		if (len == strlen(r->barrier_payload) && memcmp(p, r->barrier_payload, len) == 0)
			r->barrier_back = true;
		return;
	}
	if (strcmp(m->topic, r->response_topic) != 0) {
		r->others++;
		return;
	}
	if (!sdk_field(p, len, "deviceSendTime", &dst) ||
	    !sdk_field(p, len, "serverRecvTime", &srt) ||
	    !sdk_field(p, len, "serverSendTime", &sst)) {
		r->unreadable++;
		printf("unreadable payload=%.*s\n", (int)len, p);
		return;
	}
	/* The SDK's own arithmetic, truncating division included. */
	uint64_t t = (srt + sst + now - dst) / 2;
	r->answers++;
	struct sdk_request *q = request_of(r, dst);
	if (q == NULL)
		r->strays++;
	else if (q->answers++ > 0)
		r->duplicates++;
	printf("answer dst=%" PRIu64 " srt=%" PRIu64 " sst=%" PRIu64 " now=%" PRIu64
	       " time=%" PRIu64,
	       dst, srt, sst, now, t);
	if (r->have_offset) {
		int64_t e = (int64_t)t * NS_PER_MS - (recv_ns + r->offset_ns);
		note_error(r, e);
		printf(" error_ms=%.3f", (double)e / NS_PER_MS);
	}
	printf("\n");
}

/* Runs the client's loop until done() holds or the deadline passes; false on a lost
 * connection or a refusal. */
static bool loop_until(struct mosquitto *mosq, struct sdk_run *r, int64_t deadline,
                       bool (*done)(const struct sdk_run *))
{
	while (!done(r)) {
		if (r->refused || tool_mono_ns() >= deadline)
			return false;
		int rc = mosquitto_loop(mosq, SDK_LOOP_MS, 1);
		if (rc != MOSQ_ERR_SUCCESS)
			return false;
	}
	return true;
}

static bool subscribed(const struct sdk_run *r)
{
	return r->connected && r->subacks >= (r->subscribe ? 2 : 1);
}

static bool last_answered(const struct sdk_run *r)
{
	return r->requests[r->sent - 1].answers > 0;
}

static bool all_answered(const struct sdk_run *r)
{
	for (int i = 0; i < r->sent; i++) {
		if (r->requests[i].answers == 0)
			return false;
	}
	return true;
}

static bool barrier_back(const struct sdk_run *r)
{
	return r->barrier_back;
}

static int64_t deadline_in(const struct sdk_run *r)
{
	return tool_mono_ns() + r->timeout_ms * NS_PER_MS;
}

/* Sends the next request, in a millisecond of its own. */
static bool send_request(struct mosquitto *mosq, struct sdk_run *r)
{
	char payload[SDK_PAYLOAD_SIZE];
	uint64_t last = r->sent > 0 ? r->requests[r->sent - 1].dst : 0;
	uint64_t dst = (uint64_t)(real_ns() / NS_PER_MS);

	for (int i = 0; dst <= last && i < SDK_PACE_TRIES; i++) {
		pause_ns(SDK_PACE_NS);
		dst = (uint64_t)(real_ns() / NS_PER_MS);
	}
	int n = snprintf(payload, sizeof(payload), "{\"deviceSendTime\":\"%" PRIu64 "\"}", dst);
	r->requests[r->sent++] = (struct sdk_request){.dst = dst, .answers = 0};
	printf("request dst=%" PRIu64 "\n", dst);
	int rc = mosquitto_publish(mosq, NULL, r->request_topic, n, payload, r->qos, false);
	if (rc != MOSQ_ERR_SUCCESS) {
		printf("sdk_ntp_client: publish: %s\n", mosquitto_strerror(rc));
		return false;
	}
	return true;
}

static bool run(struct mosquitto *mosq, struct sdk_run *r)
{
	int rc = mosquitto_connect(mosq, r->host, r->port, SDK_KEEPALIVE_S);
	if (rc != MOSQ_ERR_SUCCESS) {
		printf("sdk_ntp_client: connect to %s:%d: %s\n", r->host, r->port,
		       mosquitto_strerror(rc));
		return false;
	}
	if (!loop_until(mosq, r, deadline_in(r), subscribed)) {
		printf("sdk_ntp_client: not connected and subscribed within %" PRId64 " ms\n",
		       r->timeout_ms);
		return false;
	}
	for (int i = 0; i < r->requests_wanted; i++) {
		if (!send_request(mosq, r))
			return false;
		/* An unanswered request is waited out, not failed: the counts tell. */
		if (!r->burst && !loop_until(mosq, r, deadline_in(r), last_answered) &&
		    (r->refused || !r->connected))
			return false;
	}
	if (r->burst && !loop_until(mosq, r, deadline_in(r), all_answered) &&
	    (r->refused || !r->connected))
		return false;

	rc = mosquitto_publish(mosq, NULL, r->barrier_topic, (int)strlen(r->barrier_payload),
	                       r->barrier_payload, 0, false);
	if (rc != MOSQ_ERR_SUCCESS || !loop_until(mosq, r, deadline_in(r), barrier_back)) {
		printf("sdk_ntp_client: the barrier did not come back within %" PRId64 " ms\n",
		       r->timeout_ms);
		return false;
	}
	return true;
}

/* Seconds with an optional sign and up to 9 decimals ("-2.417") to nanoseconds, exactly. */
static bool parse_seconds(const char *s, int64_t *ns)
{
	int64_t sign = 1, whole = 0, frac = 0, scale = NS_PER_S;
	int digits = 0;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (whole > 86400LL * 366)
			return false;
		whole = whole * 10 + (*s - '0');
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
			if (scale == 1)
				return false;
			scale /= 10;
			frac += (*s - '0') * scale;
		}
	}
	if (*s != '\0' || digits == 0)
		return false;
	*ns = sign * (whole * NS_PER_S + frac);
	return true;
}

static bool topic_level_ok(const char *s)
{
	return s[0] != '\0' && strpbrk(s, "/+#") == NULL && strlen(s) < SDK_TOPIC_SIZE / 4;
}

static int usage(void)
{
	fprintf(stderr, "usage: sdk_ntp_client --port PORT --id ID --product-key PK "
	                "--device-name DN [--host HOST] [--subscribe] [--qos 0|1|2] "
	                "[--requests N] [--burst] [--timeout-ms MS] [--platform-offset S]\n");
	return 2;
}

static int parse_args(struct sdk_run *r, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"port", required_argument, NULL, 'p'},
	    {"id", required_argument, NULL, 'i'},
	    {"product-key", required_argument, NULL, 'k'},
	    {"device-name", required_argument, NULL, 'd'},
	    {"host", required_argument, NULL, 'h'},
	    {"subscribe", no_argument, NULL, 's'},
	    {"qos", required_argument, NULL, 'q'},
	    {"requests", required_argument, NULL, 'n'},
	    {"burst", no_argument, NULL, 'b'},
	    {"timeout-ms", required_argument, NULL, 't'},
	    {"platform-offset", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	int64_t v;
	int o;

	r->host = "127.0.0.1";
	r->requests_wanted = 1;
	r->timeout_ms = 5000;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
			if (!tool_parse_i64(optarg, 1, 65535, &v))
				return -1;
			r->port = (int)v;
			break;
		case 'i':
			r->id = optarg;
			break;
		case 'k':
			r->pk = optarg;
			break;
		case 'd':
			r->dn = optarg;
			break;
		case 'h':
			r->host = optarg;
			break;
		case 's':
			r->subscribe = true;
			break;
		case 'q':
			if (!tool_parse_i64(optarg, 0, 2, &v))
				return -1;
			r->qos = (int)v;
			break;
		case 'n':
			if (!tool_parse_i64(optarg, 1, SDK_MAX_REQUESTS, &v))
				return -1;
			r->requests_wanted = (int)v;
			break;
		case 'b':
			r->burst = true;
			break;
		case 't':
			if (!tool_parse_i64(optarg, 1, 600000, &r->timeout_ms))
				return -1;
			break;
		case 'o':
			if (!parse_seconds(optarg, &r->offset_ns))
				return -1;
			r->have_offset = true;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc || r->port == 0 || r->id == NULL || r->pk == NULL || r->dn == NULL ||
	    !topic_level_ok(r->id) || !topic_level_ok(r->pk) || !topic_level_ok(r->dn))
		return -1;
	snprintf(r->request_topic, sizeof(r->request_topic), "/ext/ntp/%s/%s/request", r->pk,
	         r->dn);
	snprintf(r->response_topic, sizeof(r->response_topic), "/ext/ntp/%s/%s/response", r->pk,
	         r->dn);
	snprintf(r->barrier_topic, sizeof(r->barrier_topic), "iotntp-test/sdk/%s/barrier", r->id);
	snprintf(r->barrier_payload, sizeof(r->barrier_payload), "barrier %ld %" PRId64,
	         (long)getpid(), tool_mono_ns());
	return 0;
}

int main(int argc, char **argv)
{
	static struct sdk_run r;

	if (parse_args(&r, argc, argv) != 0)
		return usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	mosquitto_lib_init();
	/* A request leaves when written: the round trip is then the network's, and the result
	 * the arithmetic's. */
	struct mosquitto *mosq = tool_client("sdk_ntp_client", r.id, &r);
	if (mosq == NULL) {
		mosquitto_lib_cleanup();
		return 1;
	}
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_disconnect_callback_set(mosq, on_disconnect);
	mosquitto_subscribe_callback_set(mosq, on_subscribe);
	mosquitto_message_callback_set(mosq, on_message);

	bool complete = run(mosq, &r);
	if (r.connected)
		mosquitto_disconnect(mosq);

	int answered = 0;
	for (int i = 0; i < r.sent; i++)
		answered += r.requests[i].answers > 0;
	printf("sdk_ntp_client: id=%s subscribed=%d requests=%d answered=%d answers=%" PRIu64
	       " duplicates=%" PRIu64 " strays=%" PRIu64 " unreadable=%" PRIu64 " others=%" PRIu64
	       " barrier=%d",
	       r.id, r.subscribe, r.sent, answered, r.answers, r.duplicates, r.strays, r.unreadable,
	       r.others, complete);
	if (r.have_error)
		printf(" min_error_ms=%.3f max_error_ms=%.3f", (double)r.min_error_ns / NS_PER_MS,
		       (double)r.max_error_ns / NS_PER_MS);
	printf("\n");
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	return complete ? 0 : 1;
}
