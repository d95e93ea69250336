/* SPDX-License-Identifier: Apache-2.0 */
/*
 * loadgen: loads a broker with small QoS 0 messages as fast as it takes them, and counts what
 * comes back, for the overhead benchmark (tests/bench/overhead).
 *
 *   loadgen MODE --port PORT --count N [--clients K] [--window W] [--size BYTES]
 *                [--deadline SECONDS] [--host HOST] [--topic TOPIC]
 *
 * Modes:
 *   flood  one client publishes N messages of BYTES bytes (default 32) on TOPIC (default
 *          bench/flood); another client, subscribed to it, counts them.
 *   ntp    K clients (default 64), client i with its own device ids pk<i>/dn<i>: each publishes
 *          {"deviceSendTime":"<ms>"} on /ext/ntp/pk<i>/dn<i>/request and counts the answers it
 *          gets on .../response (the serve role's); N requests in all.
 *   plain  the same K clients and the same messages, but each publishes on a topic of the same
 *          length outside /ext/ntp/ (/ext/raw/pk<i>/dn<i>/request) and is subscribed to it: the
 *          broker's plain publish-to-subscriber path, for comparison.
 *
 * The clients connect and subscribe with libmosquitto. Then, for the measured run, they write
 * and read MQTT 3.1.1 QoS 0 PUBLISH packets on libmosquitto's sockets themselves: many packets
 * per write() and per read(). Through libmosquitto alone every message costs the load
 * generator five system calls (it reads a packet's header byte by byte), as much as it costs
 * the broker, so on two cores the broker would wait for the load generator and its rate would
 * not be measured. The broker still reads and writes every packet on its own.
 *
 * Flow control: a publisher keeps at most W messages (default 256 in flood, 4 per client
 * otherwise) that its subscriber has not received yet, and writes more only once the socket
 * took everything before, so the broker's queues stay short (it drops QoS 0 messages beyond
 * max_queued_messages, 1000 by default) and the pace is the broker's. A message still missing
 * a second after its window last moved is counted lost and its slot freed.
 *
 * Every client id is distinct (lg-<pid>-<i>). Everything runs in one thread around poll().
 * It always ends: at N received, or at the deadline (default 60 s). It prints one line:
 *   loadgen: mode=<m> clients=<k> sent=<n> received=<n> lost=<n> bad=<n> seconds=<t>
 *            msgs_per_s=<r>
 * where seconds run from the first publish to the last message received, and bad counts
 * messages that were not what the mode expects (in ntp mode: not an answer). Exit status: 0
 * when all N arrived, 1 otherwise, 2 on bad usage or a failure to connect.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <mosquitto.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "mqtt_tool.h"
#include <unistd.h>

#define LG_MAX_CLIENTS 1024
#define LG_TOPIC_SIZE  128
#define LG_MAX_PAYLOAD 4096
#define LG_OUT_SIZE    65536
#define LG_IN_SIZE     262144
#define LG_LOST_NS     1000000000LL
#define LG_TICK_MS     100
#define LG_SETUP_S     20

enum lg_mode { LG_FLOOD, LG_NTP, LG_PLAIN };

struct lg_client {
	struct mosquitto *mosq;
	int fd;
	char pub_topic[LG_TOPIC_SIZE]; /* empty: does not publish */
	char sub_topic[LG_TOPIC_SIZE]; /* empty: does not subscribe */
	struct lg_client *peer;        /* whose receipts open this publisher's window */
	bool ready;                    /* connected, and subscribed if it subscribes */
	bool refused;
	uint64_t sent;
	uint64_t received;
	uint64_t lost;
	int64_t last_progress_ns; /* last receipt, or when the window last opened */
	char *out;                /* packets written to the socket in part or not at all */
	size_t out_len, out_off;
	char *in; /* bytes read, not yet a whole packet */
	size_t in_len;
};

struct lg_run {
	enum lg_mode mode;
	const char *host;
	int port;
	uint64_t count;
	unsigned clients;
	uint64_t window;
	size_t size;
	double deadline_s;
	const char *topic;

	struct lg_client *c;
	unsigned n; /* connections: K, or 2 in flood mode */
	uint64_t sent;
	uint64_t received;
	uint64_t bad;
	int64_t first_pub_ns;
	int64_t last_recv_ns;
	bool failed;
};

static int64_t real_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- Setup through libmosquitto: connect, subscribe, wait for both. --- */

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
	struct lg_client *c = obj;

	if (rc != 0) {
		fprintf(stderr, "loadgen: connection refused: %s\n", mosquitto_connack_string(rc));
		c->refused = true;
		return;
	}
	if (c->sub_topic[0] == '\0') {
		c->ready = true;
		return;
	}
	rc = mosquitto_subscribe(mosq, NULL, c->sub_topic, 0);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "loadgen: subscribe %s: %s\n", c->sub_topic,
		        mosquitto_strerror(rc));
		c->refused = true;
	}
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted)
{
	struct lg_client *c = obj;

	(void)mosq;
	(void)mid;
	if (count >= 1 && granted[0] == 0)
		c->ready = true;
	else
		c->refused = true;
}

static int usage(void)
{
	fprintf(stderr, "usage: loadgen flood|ntp|plain --port PORT --count N [--clients K] "
	                "[--window W] [--size BYTES] [--deadline SECONDS] [--host HOST] "
	                "[--topic TOPIC]\n");
	return 2;
}

static int parse_args(struct lg_run *r, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"port", required_argument, NULL, 'p'},
	    {"count", required_argument, NULL, 'n'},
	    {"clients", required_argument, NULL, 'k'},
	    {"window", required_argument, NULL, 'w'},
	    {"size", required_argument, NULL, 's'},
	    {"deadline", required_argument, NULL, 'd'},
	    {"host", required_argument, NULL, 'h'},
	    {"topic", required_argument, NULL, 't'},
	    {NULL, 0, NULL, 0},
	};
	uint64_t v;
	int o;

	if (argc < 2)
		return -1;
	if (strcmp(argv[1], "flood") == 0)
		r->mode = LG_FLOOD;
	else if (strcmp(argv[1], "ntp") == 0)
		r->mode = LG_NTP;
	else if (strcmp(argv[1], "plain") == 0)
		r->mode = LG_PLAIN;
	else
		return -1;
	r->host = "127.0.0.1";
	r->clients = 64;
	r->size = 32;
	r->deadline_s = 60;
	r->topic = "bench/flood";

	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
			if (!tool_parse_u64(optarg, 1, 65535, &v))
				return -1;
			r->port = (int)v;
			break;
		case 'n':
			if (!tool_parse_u64(optarg, 1, UINT64_C(1) << 40, &r->count))
				return -1;
			break;
		case 'k':
			if (!tool_parse_u64(optarg, 1, LG_MAX_CLIENTS, &v))
				return -1;
			r->clients = (unsigned)v;
			break;
		case 'w':
			if (!tool_parse_u64(optarg, 1, 100000, &r->window))
				return -1;
			break;
		case 's':
			if (!tool_parse_u64(optarg, 1, LG_MAX_PAYLOAD, &v))
				return -1;
			r->size = (size_t)v;
			break;
		case 'd':
			if (!tool_parse_u64(optarg, 1, 86400, &v))
				return -1;
			r->deadline_s = (double)v;
			break;
		case 'h':
			r->host = optarg;
			break;
		case 't':
			if (optarg[0] == '\0' || strlen(optarg) >= LG_TOPIC_SIZE)
				return -1;
			r->topic = optarg;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc || r->port == 0 || r->count == 0)
		return -1;
	if (r->window == 0)
		r->window = r->mode == LG_FLOOD ? 256 : 4;
	return 0;
}

static bool all_ready(const struct lg_run *r)
{
	for (unsigned i = 0; i < r->n; i++) {
		if (!r->c[i].ready)
			return false;
	}
	return true;
}

/* Creates and connects the clients; their subscriptions follow from on_connect. */
static int setup(struct lg_run *r)
{
	r->n = r->mode == LG_FLOOD ? 2 : r->clients;
	/* Three descriptors a client (libmosquitto keeps a socket pair besides the socket). */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	r->c = calloc(r->n, sizeof(*r->c));
	if (r->c == NULL)
		return -1;
	for (unsigned i = 0; i < r->n; i++) {
		struct lg_client *c = &r->c[i];
		char id[64];

		c->fd = -1;
		if (r->mode == LG_FLOOD) {
			/* Client 0 subscribes and counts; client 1 publishes. */
			if (i == 0) {
				snprintf(c->sub_topic, sizeof(c->sub_topic), "%s", r->topic);
			} else {
				snprintf(c->pub_topic, sizeof(c->pub_topic), "%s", r->topic);
				c->peer = &r->c[0];
			}
		} else {
			const char *kind = r->mode == LG_NTP ? "ntp" : "raw";
			snprintf(c->pub_topic, sizeof(c->pub_topic), "/ext/%s/pk%u/dn%u/request",
			         kind, i, i);
			if (r->mode == LG_NTP)
				snprintf(c->sub_topic, sizeof(c->sub_topic),
				         "/ext/ntp/pk%u/dn%u/response", i, i);
			else
				snprintf(c->sub_topic, sizeof(c->sub_topic), "%s", c->pub_topic);
			c->peer = c;
		}
		c->out = malloc(LG_OUT_SIZE);
		c->in = malloc(LG_IN_SIZE);
		snprintf(id, sizeof(id), "lg-%ld-%u", (long)getpid(), i);
		c->mosq = tool_client("loadgen", id, c);
		if (c->out == NULL || c->in == NULL || c->mosq == NULL)
			return -1;
		mosquitto_connect_callback_set(c->mosq, on_connect);
		mosquitto_subscribe_callback_set(c->mosq, on_subscribe);
		/* No keepalive: during the run the sockets are not libmosquitto's to ping on. */
		int rc = mosquitto_connect(c->mosq, r->host, r->port, 0);
		if (rc != MOSQ_ERR_SUCCESS) {
			fprintf(stderr, "loadgen: connect to %s:%d: %s\n", r->host, r->port,
			        mosquitto_strerror(rc));
			return -1;
		}
	}

	/* libmosquitto's packet handling, around poll() (select() in mosquitto_loop() stops at
	 * descriptor 1024), until every client is connected and subscribed. */
	struct pollfd *fds = calloc(r->n, sizeof(*fds));
	int64_t deadline = tool_mono_ns() + (int64_t)LG_SETUP_S * 1000000000LL;
	int rc = fds == NULL ? -1 : 0;
	while (rc == 0 && !all_ready(r)) {
		if (tool_mono_ns() > deadline) {
			fprintf(stderr, "loadgen: clients not ready in %d s\n", LG_SETUP_S);
			rc = -1;
			break;
		}
		for (unsigned i = 0; i < r->n; i++) {
			fds[i].fd = mosquitto_socket(r->c[i].mosq);
			fds[i].events = POLLIN | (mosquitto_want_write(r->c[i].mosq) ? POLLOUT : 0);
			fds[i].revents = 0;
		}
		if (poll(fds, r->n, LG_TICK_MS) < 0 && errno != EINTR) {
			perror("loadgen: poll");
			rc = -1;
			break;
		}
		for (unsigned i = 0; rc == 0 && i < r->n; i++) {
			struct lg_client *c = &r->c[i];
			int mrc = MOSQ_ERR_SUCCESS;
			if (fds[i].revents & (POLLIN | POLLERR | POLLHUP))
				mrc = mosquitto_loop_read(c->mosq, 1);
			if (mrc == MOSQ_ERR_SUCCESS && (fds[i].revents & POLLOUT))
				mrc = mosquitto_loop_write(c->mosq, 1);
			if (mrc == MOSQ_ERR_SUCCESS)
				mrc = mosquitto_loop_misc(c->mosq);
			if (mrc != MOSQ_ERR_SUCCESS || c->refused) {
				fprintf(stderr, "loadgen: client %u: %s\n", i,
				        c->refused ? "refused" : mosquitto_strerror(mrc));
				rc = -1;
			}
		}
	}
	free(fds);
	for (unsigned i = 0; rc == 0 && i < r->n; i++) {
		struct lg_client *c = &r->c[i];
		c->fd = mosquitto_socket(c->mosq);
		int fl = fcntl(c->fd, F_GETFL);
		if (c->fd < 0 || fl < 0 || fcntl(c->fd, F_SETFL, fl | O_NONBLOCK) < 0)
			rc = -1;
	}
	return rc;
}

/* --- The measured run: QoS 0 PUBLISH packets, written and read in bulk. --- */

/* Appends one QoS 0 PUBLISH packet to c's output; false if it does not fit. */
static bool append_publish(struct lg_client *c, const char *payload, size_t len)
{
	size_t tlen = strlen(c->pub_topic);
	size_t remaining = 2 + tlen + len;
	unsigned char hdr[5];
	size_t h = 0;

	hdr[h++] = 0x30;
	do {
		unsigned char b = remaining % 128;
		remaining /= 128;
		hdr[h++] = b | (remaining > 0 ? 0x80 : 0);
	} while (remaining > 0 && h < sizeof(hdr));
	if (c->out_len + h + 2 + tlen + len > LG_OUT_SIZE)
		return false;
	char *p = c->out + c->out_len;
	memcpy(p, hdr, h);
	p += h;
	*p++ = (char)(tlen >> 8);
	*p++ = (char)(tlen & 0xff);
	memcpy(p, c->pub_topic, tlen);
	p += tlen;
	memcpy(p, payload, len);
	c->out_len += h + 2 + tlen + len;
	return true;
}

/* Writes what c has queued; 0 also when the socket takes only part of it. */
static int flush_out(struct lg_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return 0;
			perror("loadgen: write");
			return -1;
		}
		c->out_off += (size_t)w;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

/* Messages c published that its subscriber has neither received nor given up on. */
static uint64_t outstanding(struct lg_client *c)
{
	const struct lg_client *p = c->peer;

	/* A message counted lost that came after all is no longer lost. */
	if (p->received + c->lost > c->sent)
		c->lost = p->received < c->sent ? c->sent - p->received : 0;
	if (p->received + c->lost >= c->sent)
		return 0;
	return c->sent - p->received - c->lost;
}

/* The payload of the next message: a request with the time now, or filler of the set size. */
static size_t payload(const struct lg_run *r, char *buf, size_t size)
{
	if (r->mode == LG_FLOOD) {
		memset(buf, 'x', r->size);
		return r->size;
	}
	int n = snprintf(buf, size, "{\"deviceSendTime\":\"%" PRId64 "\"}", real_ms());
	return n > 0 ? (size_t)n : 0;
}

/* Publishes from c while its window and the total allow, once the socket took all before:
 * the socket's backpressure is the broker's pace. */
static int publish_some(struct lg_run *r, struct lg_client *c, int64_t now)
{
	char buf[LG_MAX_PAYLOAD + 1];

	if (c->pub_topic[0] == '\0' || c->out_len > 0)
		return 0;
	struct lg_client *p = c->peer;
	/* What the window waits for and has not come in a second is lost. */
	if (outstanding(c) > 0 && now - p->last_progress_ns > LG_LOST_NS) {
		c->lost = c->sent - p->received;
		p->last_progress_ns = now;
	}
	if (outstanding(c) == 0)
		p->last_progress_ns = now;
	while (r->sent < r->count && outstanding(c) < r->window) {
		size_t len = payload(r, buf, sizeof(buf));
		if (!append_publish(c, buf, len))
			break;
		if (r->sent == 0)
			r->first_pub_ns = tool_mono_ns();
		c->sent++;
		r->sent++;
	}
	return flush_out(c);
}

/* Counts the whole packets in c's input and keeps the rest for the next read. */
static void parse_in(struct lg_run *r, struct lg_client *c, int64_t now)
{
	size_t pos = 0;

	for (;;) {
		size_t len = 0, h = 1;
		unsigned shift = 0;
		bool whole = false;
		while (pos + h < c->in_len && h <= 4) {
			unsigned char b = (unsigned char)c->in[pos + h++];
			len |= (size_t)(b & 0x7f) << shift;
			shift += 7;
			if (!(b & 0x80)) {
				whole = true;
				break;
			}
		}
		if (!whole || pos + h + len > c->in_len)
			break;
		const unsigned char *pk = (const unsigned char *)c->in + pos;
		if ((pk[0] >> 4) == 3 && len >= 2) {
			/* A QoS 0 PUBLISH: topic length, topic, payload. */
			size_t tlen = ((size_t)pk[h] << 8) | pk[h + 1];
			const char *pl = (const char *)pk + h + 2 + tlen;
			size_t plen = tlen + 2 <= len ? len - 2 - tlen : 0;
			if (r->mode == LG_NTP &&
			    memmem(pl, plen, "\"serverSendTime\"", 16) == NULL) {
				r->bad++;
			} else {
				c->received++;
				r->received++;
				r->last_recv_ns = now;
				c->last_progress_ns = now;
			}
		}
		pos += h + len;
	}
	memmove(c->in, c->in + pos, c->in_len - pos);
	c->in_len -= pos;
}

static int read_in(struct lg_run *r, struct lg_client *c)
{
	for (int i = 0; i < 4; i++) {
		ssize_t n = read(c->fd, c->in + c->in_len, LG_IN_SIZE - c->in_len);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return 0;
			perror("loadgen: read");
			return -1;
		}
		if (n == 0) {
			fprintf(stderr, "loadgen: the broker closed a connection\n");
			return -1;
		}
		c->in_len += (size_t)n;
		parse_in(r, c, tool_mono_ns());
		if (c->in_len == LG_IN_SIZE) {
			fprintf(stderr, "loadgen: a packet larger than %d bytes\n", LG_IN_SIZE);
			return -1;
		}
	}
	return 0;
}

static bool finished(struct lg_run *r, int64_t now)
{
	if (r->received >= r->count)
		return true;
	if (r->sent < r->count)
		return false;
	/* All sent: done once what is missing was given up on. */
	uint64_t lost = 0;
	for (unsigned i = 0; i < r->n; i++)
		lost += r->c[i].lost;
	return r->received + lost >= r->count && now - r->last_recv_ns > LG_LOST_NS;
}

static int run(struct lg_run *r)
{
	struct pollfd *fds = calloc(r->n, sizeof(*fds));
	int64_t deadline = tool_mono_ns() + (int64_t)(r->deadline_s * 1e9);

	if (fds == NULL)
		return -1;
	for (;;) {
		int64_t now = tool_mono_ns();
		if (finished(r, now))
			break;
		if (now >= deadline) {
			fprintf(stderr, "loadgen: deadline: %" PRIu64 " of %" PRIu64 " received\n",
			        r->received, r->count);
			break;
		}
		for (unsigned i = 0; i < r->n; i++) {
			if (publish_some(r, &r->c[i], now) != 0)
				goto fail;
			fds[i].fd = r->c[i].fd;
			fds[i].events = POLLIN | (r->c[i].out_len > 0 ? POLLOUT : 0);
			fds[i].revents = 0;
		}
		int k = poll(fds, r->n, LG_TICK_MS);
		if (k < 0 && errno != EINTR) {
			perror("loadgen: poll");
			goto fail;
		}
		for (unsigned i = 0; k > 0 && i < r->n; i++) {
			struct lg_client *c = &r->c[i];
			if ((fds[i].revents & (POLLIN | POLLERR | POLLHUP)) && read_in(r, c) != 0)
				goto fail;
			if ((fds[i].revents & POLLOUT) && flush_out(c) != 0)
				goto fail;
		}
	}
	free(fds);
	return 0;
fail:
	free(fds);
	r->failed = true;
	return -1;
}

int main(int argc, char **argv)
{
	struct lg_run r;

	memset(&r, 0, sizeof(r));
	if (parse_args(&r, argc, argv) != 0)
		return usage();
	mosquitto_lib_init();
	int setup_rc = setup(&r);
	if (setup_rc == 0)
		run(&r);

	uint64_t lost = 0;
	for (unsigned i = 0; r.c != NULL && i < r.n; i++)
		lost += r.c[i].lost;
	double seconds = r.received > 0 ? (double)(r.last_recv_ns - r.first_pub_ns) / 1e9 : 0;
	static const char *const names[] = {"flood", "ntp", "plain"};
	printf("loadgen: mode=%s clients=%u sent=%" PRIu64 " received=%" PRIu64 " lost=%" PRIu64
	       " bad=%" PRIu64 " seconds=%.3f msgs_per_s=%.0f\n",
	       names[r.mode], r.mode == LG_FLOOD ? 1 : r.n, r.sent, r.received, lost, r.bad,
	       seconds, seconds > 0 ? (double)r.received / seconds : 0);

	for (unsigned i = 0; r.c != NULL && i < r.n; i++) {
		struct lg_client *c = &r.c[i];
		if (c->mosq != NULL) {
			/* Whatever the run left half written would garble the DISCONNECT. */
			if (c->out_len == 0)
				mosquitto_disconnect(c->mosq);
			mosquitto_destroy(c->mosq);
		}
		free(c->out);
		free(c->in);
	}
	free(r.c);
	mosquitto_lib_cleanup();
	if (setup_rc != 0)
		return 2;
	return r.received >= r.count && !r.failed ? 0 : 1;
}
