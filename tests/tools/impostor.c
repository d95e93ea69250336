/* SPDX-License-Identifier: Apache-2.0 */
/*
 * impostor: a LAN client that connects to a broker with another client's id (the bridge's, in
 * tests/e2e/bridge_id_takeover_cannot_move_time.sh) and answers every time request it sees with
 * a forged time, as an attacker on the LAN would.
 *
 *   impostor --port PORT --id ID --topic TOPIC [--topic TOPIC ...] --shift-ms MS --qos Q
 *            --seconds S [--max-answers N] [--host HOST] [--reconnect] [--platform P]
 *
 * It connects as ID with a clean session (Mosquitto 2.0 then closes any connection holding ID)
 * and subscribes to each TOPIC (wildcards allowed) at QoS 0. For every message that is a time
 * request of platform P (aliyun by default: plugin/dialect_P.c reads it) on some device's
 * request topic, it publishes at once, at QoS Q, on that device's response topic the answer
 * the platform would give, echoing what names the request (Alibaba's deviceSendTime, say),
 * with both server stamps this machine's CLOCK_REALTIME in milliseconds plus MS (which may be
 * negative).
 * A request delivered again within 2 s (it matched two of the subscriptions) is answered once.
 *
 * It prints a line when it connects, subscribes, is disconnected and reconnects. At the end it
 * prints one line per response topic it answered on, then a summary:
 *   impostor: topic=<t> answers=<n> acked=<n>
 *   impostor: id=<id> requests=<n> answers=<n> acked=<n> duplicates=<n> disconnects=<n>
 * requests counts the requests received (duplicates apart), answers those answered, acked the
 * answers the broker acknowledged (QoS 1 and 2 only: the broker has read them, whatever it did
 * with them then), disconnects the times the broker closed the connection. When disconnects is
 * 0 the connection ended with its own DISCONNECT, sent after every answer: the broker read them
 * all, whatever the QoS.
 *
 * Once the broker closes the connection (another client took the id back, say) it stops, so a
 * test can see it was thrown out; with --reconnect it connects again a second later. It runs in
 * one thread and always ends: after S seconds, or once it has sent N answers (then it waits up
 * to 2 s for their acknowledgements). Exit status: 0 if it was connected at least once, 1 if
 * never, 2 on bad usage.
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

#include "dialect.h"
#include "mqtt_tool.h"

#define IMP_MAX_TOPICS    16
#define IMP_MAX_RESPONSES 32
#define IMP_TOPIC_SIZE    DLC_TOPIC_SIZE
#define IMP_INFLIGHT      1024
#define IMP_RECENT        64
#define IMP_DUP_WINDOW_NS (2 * 1000000000LL)
#define IMP_DRAIN_NS      (2 * 1000000000LL)
#define IMP_RETRY_NS      (1 * 1000000000LL)
#define IMP_LOOP_MS       100
#define IMP_KEEPALIVE_S   60

struct imp_response_topic {
	char topic[IMP_TOPIC_SIZE];
	uint64_t answers;
	uint64_t acked;
};

struct imp_inflight {
	int mid; /* 0: free */
	int topic;
};

struct imp_recent {
	uint64_t hash;
	int64_t at_ns;
};

struct imp_run {
	const char *host;
	int port;
	const char *id;
	const struct dlc_dialect *dialect;
	const char *topics[IMP_MAX_TOPICS];
	int topic_count;
	int64_t shift_ms;
	int qos;
	int64_t seconds;
	uint64_t max_answers; /* 0: no limit */
	bool reconnect;

	bool connected;
	bool ever_connected;
	bool stop;            /* no further connection wanted */
	int64_t next_attempt; /* CLOCK_MONOTONIC ns */
	struct imp_response_topic responses[IMP_MAX_RESPONSES];
	int response_count;
	struct imp_inflight inflight[IMP_INFLIGHT];
	struct imp_recent recent[IMP_RECENT];
	unsigned recent_next;
	uint64_t requests;
	uint64_t answers;
	uint64_t acked;
	uint64_t duplicates;
	uint64_t disconnects;
};

static int64_t real_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* FNV-1a over the topic and the payload: enough to tell one request from another. */
static uint64_t request_hash(const char *topic, const void *payload, int len)
{
	uint64_t h = 14695981039346656037ULL;
	const unsigned char *p = (const unsigned char *)topic;

	for (; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h = (h ^ 0) * 1099511628211ULL;
	p = payload;
	for (int i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

/* Mosquitto delivers a message once for every subscription it matches. */
static bool seen_recently(struct imp_run *r, uint64_t hash, int64_t now)
{
	for (unsigned i = 0; i < IMP_RECENT; i++) {
		if (r->recent[i].at_ns != 0 && r->recent[i].hash == hash &&
		    now - r->recent[i].at_ns < IMP_DUP_WINDOW_NS)
			return true;
	}
	r->recent[r->recent_next] = (struct imp_recent){hash, now};
	r->recent_next = (r->recent_next + 1) % IMP_RECENT;
	return false;
}

/* The index of TOPIC's counters, or -1 once the table is full (then only the totals count). */
static int response_index(struct imp_run *r, const char *topic)
{
	for (int i = 0; i < r->response_count; i++) {
		if (strcmp(r->responses[i].topic, topic) == 0)
			return i;
	}
	if (r->response_count == IMP_MAX_RESPONSES)
		return -1;
	snprintf(r->responses[r->response_count].topic, IMP_TOPIC_SIZE, "%s", topic);
	return r->response_count++;
}

static void remember_inflight(struct imp_run *r, int mid, int topic)
{
	for (int i = 0; i < IMP_INFLIGHT; i++) {
		if (r->inflight[i].mid == 0) {
			r->inflight[i] = (struct imp_inflight){mid, topic};
			return;
		}
	}
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	struct imp_run *r = obj;

	if (rc != 0) {
		printf("impostor: connection refused: %s\n", mosquitto_connack_string(rc));
		return;
	}
	r->connected = true;
	r->ever_connected = true;
	printf("impostor: connected as %s\n", r->id);
	for (int i = 0; i < r->topic_count; i++) {
		rc = mosquitto_subscribe(mosq, NULL, r->topics[i], 0);
		if (rc != MOSQ_ERR_SUCCESS)
			printf("impostor: subscribe %s: %s\n", r->topics[i],
			       mosquitto_strerror(rc));
	}
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted)
{
	(void)mosq;
	(void)obj;
	(void)mid;
	for (int i = 0; i < count; i++) {
		if (granted[i] > 2)
			printf("impostor: a subscription was refused\n");
	}
	printf("impostor: subscribed\n");
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	struct imp_run *r = obj;

	(void)mosq;
	bool was_connected = r->connected;
	r->connected = false;
	if (rc == 0)
		return;
	/* Only a connection the broker accepted and then closed is a disconnect; a refused
	 * attempt was reported by on_connect. */
	if (was_connected) {
		r->disconnects++;
		printf("impostor: disconnected by the broker: %s\n", mosquitto_strerror(rc));
	}
	if (!r->reconnect)
		r->stop = true;
	r->next_attempt = tool_mono_ns() + IMP_RETRY_NS;
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
	struct imp_run *r = obj;

	(void)mosq;
	for (int i = 0; i < IMP_INFLIGHT; i++) {
		if (r->inflight[i].mid == mid) {
			r->acked++;
			if (r->inflight[i].topic >= 0)
				r->responses[r->inflight[i].topic].acked++;
			r->inflight[i].mid = 0;
			return;
		}
	}
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *m)
{
	struct imp_run *r = obj;
	const struct dlc_dialect *d = r->dialect;
	char topic[DLC_TOPIC_SIZE];
	char answer[DLC_BUF_SIZE];
	struct dlc_request req;
	int mid = 0;

	if (r->max_answers != 0 && r->answers >= r->max_answers)
		return;
	if (m->payloadlen < 0 || !d->reply_topic(m->topic, topic, sizeof(topic)) ||
	    d->decode_request(m->payload, (size_t)m->payloadlen, &req) != DLC_OK)
		return;
	if (seen_recently(r, request_hash(m->topic, m->payload, m->payloadlen), tool_mono_ns())) {
		r->duplicates++;
		return;
	}
	r->requests++;
	int64_t forged = real_ms() + r->shift_ms;
	int n = d->encode_response(&req, forged, forged, answer, sizeof(answer));
	if (n < 0)
		return;
	int rc = mosquitto_publish(mosq, &mid, topic, n, answer, r->qos, false);
	if (rc != MOSQ_ERR_SUCCESS) {
		printf("impostor: publish on %s: %s\n", topic, mosquitto_strerror(rc));
		return;
	}
	int t = response_index(r, topic);
	r->answers++;
	if (t >= 0)
		r->responses[t].answers++;
	if (r->qos > 0)
		remember_inflight(r, mid, t);
}

static int usage(void)
{
	fprintf(stderr, "usage: impostor --port PORT --id ID --topic TOPIC [--topic TOPIC ...] "
	                "--shift-ms MS --qos 0|1|2 --seconds S [--max-answers N] [--host HOST] "
	                "[--reconnect] [--platform aliyun|huawei|tuya|tencent]\n");
	return 2;
}

static int parse_args(struct imp_run *r, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"port", required_argument, NULL, 'p'},
	    {"id", required_argument, NULL, 'i'},
	    {"topic", required_argument, NULL, 't'},
	    {"shift-ms", required_argument, NULL, 's'},
	    {"qos", required_argument, NULL, 'q'},
	    {"seconds", required_argument, NULL, 'S'},
	    {"max-answers", required_argument, NULL, 'n'},
	    {"host", required_argument, NULL, 'h'},
	    {"reconnect", no_argument, NULL, 'r'},
	    {"platform", required_argument, NULL, 'P'},
	    {NULL, 0, NULL, 0},
	};
	bool have_shift = false, have_qos = false;
	int64_t v;
	int o;

	r->host = "127.0.0.1";
	r->dialect = dlc_find("aliyun");
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
			if (!tool_parse_i64(optarg, 1, 65535, &v))
				return -1;
			r->port = (int)v;
			break;
		case 'i':
			if (optarg[0] == '\0')
				return -1;
			r->id = optarg;
			break;
		case 't':
			if (optarg[0] == '\0' || strlen(optarg) >= IMP_TOPIC_SIZE ||
			    r->topic_count == IMP_MAX_TOPICS)
				return -1;
			r->topics[r->topic_count++] = optarg;
			break;
		case 's':
			/* A year either way is more than any test needs. */
			if (!tool_parse_i64(optarg, -31536000000LL, 31536000000LL, &r->shift_ms))
				return -1;
			have_shift = true;
			break;
		case 'q':
			if (!tool_parse_i64(optarg, 0, 2, &v))
				return -1;
			r->qos = (int)v;
			have_qos = true;
			break;
		case 'S':
			if (!tool_parse_i64(optarg, 1, 3600, &r->seconds))
				return -1;
			break;
		case 'n':
			if (!tool_parse_i64(optarg, 1, 1000000, &v))
				return -1;
			r->max_answers = (uint64_t)v;
			break;
		case 'h':
			r->host = optarg;
			break;
		case 'r':
			r->reconnect = true;
			break;
		case 'P':
			r->dialect = dlc_find(optarg);
			if (r->dialect == NULL)
				return -1;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc || r->port == 0 || r->id == NULL || r->topic_count == 0 || !have_shift ||
	    !have_qos || r->seconds == 0)
		return -1;
	return 0;
}

static bool answers_unacked(const struct imp_run *r)
{
	return r->qos > 0 && r->acked < r->answers;
}

/* Runs until the deadline, the answer limit or (without --reconnect) the first disconnect. */
static void run(struct imp_run *r, struct mosquitto *mosq)
{
	int64_t deadline = tool_mono_ns() + r->seconds * 1000000000LL;
	int64_t drain_until = 0;
	bool attempted = false;

	for (int64_t now = tool_mono_ns(); now < deadline; now = tool_mono_ns()) {
		if (r->max_answers != 0 && r->answers >= r->max_answers) {
			if (drain_until == 0)
				drain_until = now + IMP_DRAIN_NS;
			if (!answers_unacked(r) || now >= drain_until)
				break;
		}
		if (r->stop && !r->connected)
			break;
		if (!r->connected && !r->stop && now >= r->next_attempt) {
			int rc = attempted
			             ? mosquitto_reconnect(mosq)
			             : mosquitto_connect(mosq, r->host, r->port, IMP_KEEPALIVE_S);
			if (attempted)
				printf("impostor: reconnecting\n");
			attempted = true;
			r->next_attempt = now + IMP_RETRY_NS;
			if (rc != MOSQ_ERR_SUCCESS) {
				printf("impostor: connect to %s:%d: %s\n", r->host, r->port,
				       mosquitto_strerror(rc));
				if (!r->reconnect)
					break;
			}
		}
		int rc = mosquitto_loop(mosq, IMP_LOOP_MS, 1);
		/* Without a socket mosquitto_loop returns at once: wait out the loop's time. */
		if (rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_REFUSED)
			pause_ms(IMP_LOOP_MS);
		fflush(stdout);
	}

	/* Its own DISCONNECT goes out after every answer queued before it. */
	if (r->connected) {
		int64_t until = tool_mono_ns() + IMP_DRAIN_NS;
		mosquitto_disconnect(mosq);
		while (r->connected && tool_mono_ns() < until) {
			if (mosquitto_loop(mosq, IMP_LOOP_MS, 1) != MOSQ_ERR_SUCCESS)
				break;
		}
	}
}

int main(int argc, char **argv)
{
	static struct imp_run r;

	if (parse_args(&r, argc, argv) != 0)
		return usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	mosquitto_lib_init();
	struct mosquitto *mosq = tool_client("impostor", r.id, &r);
	if (mosq == NULL) {
		mosquitto_lib_cleanup();
		return 1;
	}
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_subscribe_callback_set(mosq, on_subscribe);
	mosquitto_disconnect_callback_set(mosq, on_disconnect);
	mosquitto_publish_callback_set(mosq, on_publish);
	mosquitto_message_callback_set(mosq, on_message);

	run(&r, mosq);

	for (int i = 0; i < r.response_count; i++)
		printf("impostor: topic=%s answers=%" PRIu64 " acked=%" PRIu64 "\n",
		       r.responses[i].topic, r.responses[i].answers, r.responses[i].acked);
	printf("impostor: id=%s requests=%" PRIu64 " answers=%" PRIu64 " acked=%" PRIu64
	       " duplicates=%" PRIu64 " disconnects=%" PRIu64 "\n",
	       r.id, r.requests, r.answers, r.acked, r.duplicates, r.disconnects);
	mosquitto_destroy(mosq);
	mosquitto_lib_cleanup();
	return r.ever_connected ? 0 : 1;
}
