/* SPDX-License-Identifier: Apache-2.0 */
/*
 * delay_proxy: a TCP (or, with --udp, UDP) relay on loopback that holds data back for a drawn
 * delay, to emulate WAN latency and jitter between the MQTT bridge and a broker, or between an
 * NTP client and its server (the netem qdisc is not available on the test machines).
 *
 *   delay_proxy --listen PORT --to HOST:PORT --up SPEC --down SPEC [--seed N] [--bind ADDR]
 *               [--stats FILE] [--trace FILE] [--max-conns N] [--udp]
 *
 * It listens on ADDR:PORT (ADDR defaults to 127.0.0.1; PORT 0 picks a free port, and the
 * start line names it), and for each accepted client connects to HOST:PORT, which must be a
 * loopback address. "up" is data from the client to the target, "down" the reverse. SPEC is:
 *   none                      no delay
 *   BASE_MS                   a fixed delay
 *   BASE_MS,uniform,HALF_MS   BASE + U(-HALF, +HALF), never below 0
 *   BASE_MS,exp,MEAN_MS       BASE + an exponential delay with mean MEAN
 * in milliseconds; fractions are allowed.
 *
 * Each read() is one chunk. Its release time is its arrival (CLOCK_MONOTONIC) plus its own
 * drawn delay, but never earlier than the previous chunk's in the same direction: a TCP byte
 * stream cannot overtake itself. The delays come from splitmix64 streams derived from --seed
 * (default 1), the connection's number (1 for the first accepted) and the direction, so the
 * same seed and the same traffic draw the same delays.
 *
 * A direction holds at most 1 MiB per connection; when full the proxy stops reading from that
 * side, and TCP flow control pushes back on the sender. When a side closes, the data it sent
 * before closing is still released on time; then the proxy sends what is due the other way
 * and closes both sockets. Data not yet due is dropped and counted. A read or write error
 * closes both at once.
 *
 * --udp relays datagrams instead, with the same SPECs and seeds. Each client address is a
 * session, numbered like connections, with its own socket connected to the target, so that
 * answers go back to the client that asked; a session ends after 60 s without a datagram
 * either way, or, when --max-conns sessions are open, the least recently active one ends to
 * make room. Each datagram is released at its arrival plus its own drawn delay: datagrams may
 * overtake each other, as on a network. A direction holds at most 1 MiB; a datagram that does
 * not fit, or that the socket refuses when due, is dropped and counted.
 *
 * --stats FILE is rewritten every 5 s and at exit, one line per direction:
 *   up spec=S chunks=N bytes=N mean_delay_ms=X max_delay_ms=X dropped_bytes=N max_held_bytes=N
 * where the delay is release minus arrival (the drawn delay, plus any wait for an earlier
 * chunk), then "connections accepted=N failed=N open=N".
 * --trace FILE gets one line per chunk (per datagram with --udp):
 *   up conn=N seq=N bytes=N drawn_ms=X applied_ms=X
 *
 * One thread, one ppoll() loop whose timeout is the next release; non-blocking sockets.
 * SIGTERM or SIGINT ends it with status 0, after the stats are written.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_MS       1000000LL
#define NS_PER_S        1000000000LL
#define FLOW_CAP        (1u << 20) /* bytes held per direction and connection */
#define READ_MAX        (64u * 1024)
#define STATS_PERIOD_NS (5 * NS_PER_S)
#define ACCEPT_PAUSE_NS (100 * NS_PER_MS)
#define MAX_DELAY_MS    600000.0
#define MAX_CONNS_LIMIT 256 /* two descriptors each: stays under the usual 1024 limit */
#define UDP_IDLE_NS     (60 * NS_PER_S)
#define UDP_READS_MAX   64 /* datagrams read from one socket per wakeup, so none starves */

/* Directions, and the sides they read from: flow[d] reads fd[d] and writes fd[!d]. */
enum { UP = 0, DOWN = 1 };
enum { CLIENT = 0, TARGET = 1 };
static const char *const dir_name[2] = {"up", "down"};

enum delay_kind { DELAY_NONE, DELAY_FIXED, DELAY_UNIFORM, DELAY_EXP };

struct delay_spec {
	enum delay_kind kind;
	double base_ms;
	double param_ms; /* half width (uniform) or mean (exp) */
	const char *text;
};

struct chunk {
	struct chunk *next;
	int64_t release_ns;
	size_t len, off; /* off: bytes already written */
	unsigned char data[];
};

/* One direction of one connection. */
struct flow {
	struct chunk *head, *tail;
	size_t held;
	int64_t last_release_ns;
	uint64_t rng;
	uint64_t seq;
	uint64_t bytes;
	bool eof;     /* the source closed: close the connection once this flow is drained */
	bool blocked; /* a due chunk met a full socket: wait for POLLOUT */
};

struct conn {
	unsigned long id;
	int fd[2];
	bool connecting;
	bool hup[2]; /* poll reported the socket hung up: poll it again only to read */
	bool dead;
	struct flow flow[2];
};

/* --udp: one client address, and the socket that relays its datagrams to the target. */
struct session {
	unsigned long id;
	int fd;
	struct sockaddr_storage client;
	socklen_t client_len;
	int64_t last_ns; /* the latest datagram's arrival, either way */
	uint64_t rng[2], seq[2], bytes[2];
};

/* A datagram waiting for its release; the queue is kept in release order. */
struct datagram {
	struct datagram *next;
	struct session *session;
	int dir;
	int64_t release_ns;
	size_t len;
	unsigned char data[];
};

struct dir_stats {
	uint64_t chunks, bytes, dropped;
	int64_t sum_ns, max_ns;
	size_t max_held;
};

struct proxy {
	struct delay_spec spec[2];
	uint64_t seed;
	const char *stats_path;
	FILE *trace;
	int max_conns;
	struct sockaddr_storage target;
	socklen_t target_len;
	int listen_fd;
	int64_t accept_paused_until;
	struct conn **conns;
	int nconns;
	unsigned long accepted, failed;
	struct dir_stats stats[2];
	bool udp;
	struct session **sessions;
	int nsessions;
	struct datagram *queue;
	size_t held[2];
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A stream per (seed, connection, direction): a repeated run draws the same delays even when
 * connections interleave differently. */
static uint64_t stream_state(uint64_t seed, unsigned long conn_id, int dir)
{
	uint64_t s = seed;
	uint64_t mixed = splitmix64(&s);

	s = mixed ^ ((uint64_t)conn_id * 2 + (uint64_t)dir) * 0xd1b54a32d192ed03ULL;
	return splitmix64(&s);
}

static double uniform01(uint64_t *rng)
{
	return (double)(splitmix64(rng) >> 11) * 0x1.0p-53;
}

static double draw_ms(const struct delay_spec *s, uint64_t *rng)
{
	double d;

	switch (s->kind) {
	case DELAY_FIXED:
		return s->base_ms;
	case DELAY_UNIFORM:
		d = s->base_ms + (2.0 * uniform01(rng) - 1.0) * s->param_ms;
		return d < 0.0 ? 0.0 : d;
	case DELAY_EXP:
		/* 1 - u is in (0, 1], so the logarithm is finite. */
		return s->base_ms - s->param_ms * log1p(-uniform01(rng));
	case DELAY_NONE:
	default:
		return 0.0;
	}
}

static bool parse_ms(const char *text, const char **end, double *out)
{
	char *e;

	/* strtod alone would take "inf", "nan", hex and leading blanks. */
	if (!(*text >= '0' && *text <= '9') && *text != '.')
		return false;
	errno = 0;
	*out = strtod(text, &e);
	if (e == text || errno != 0 || !isfinite(*out) || *out < 0.0 || *out > MAX_DELAY_MS)
		return false;
	*end = e;
	return true;
}

static int parse_spec(const char *text, struct delay_spec *s)
{
	const char *p;

	memset(s, 0, sizeof(*s));
	s->text = text;
	if (strcmp(text, "none") == 0) {
		s->kind = DELAY_NONE;
		return 0;
	}
	if (!parse_ms(text, &p, &s->base_ms))
		return -1;
	if (*p == '\0') {
		s->kind = DELAY_FIXED;
		return 0;
	}
	if (strncmp(p, ",uniform,", 9) == 0) {
		s->kind = DELAY_UNIFORM;
		p += 9;
	} else if (strncmp(p, ",exp,", 5) == 0) {
		s->kind = DELAY_EXP;
		p += 5;
	} else {
		return -1;
	}
	if (!parse_ms(p, &p, &s->param_ms) || *p != '\0')
		return -1;
	return 0;
}

static bool parse_ulong(const char *text, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (!(*text >= '0' && *text <= '9'))
		return false;
	errno = 0;
	*out = strtoull(text, &end, 10);
	return errno == 0 && *end == '\0' && *out <= max;
}

static bool is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

static void format_addr(const struct sockaddr *sa, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else {
		snprintf(buf, size, "?");
	}
}

/* HOST:PORT, or [HOST]:PORT for IPv6; every address HOST resolves to must be loopback, so the
 * proxy can never relay off the machine. */
static int resolve_target(struct proxy *p, const char *arg)
{
	char host[256];
	const char *colon = strrchr(arg, ':');
	unsigned long long port;
	struct addrinfo hints, *res, *ai;
	size_t len;
	int rc;

	if (colon == NULL || colon == arg || !parse_ulong(colon + 1, 65535, &port) || port == 0) {
		fprintf(stderr, "delay_proxy: --to wants HOST:PORT, got '%s'\n", arg);
		return -1;
	}
	len = (size_t)(colon - arg);
	if (arg[0] == '[' && len >= 2 && arg[len - 1] == ']') {
		arg++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(host)) {
		fprintf(stderr, "delay_proxy: --to: bad host in '%s'\n", arg);
		return -1;
	}
	memcpy(host, arg, len);
	host[len] = '\0';

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = p->udp ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, colon + 1, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "delay_proxy: --to %s: %s\n", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (!is_loopback(ai->ai_addr)) {
			char text[INET6_ADDRSTRLEN + 8];

			format_addr(ai->ai_addr, text, sizeof(text));
			fprintf(stderr, "delay_proxy: refusing non-loopback target %s (%s)\n", host,
			        text);
			freeaddrinfo(res);
			return -1;
		}
	}
	memcpy(&p->target, res->ai_addr, res->ai_addrlen);
	p->target_len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int open_listener(struct proxy *p, const char *addr, const char *port)
{
	struct addrinfo hints, *res;
	int one = 1, fd, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = p->udp ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	rc = getaddrinfo(addr, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "delay_proxy: --bind %s: %s\n", addr, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) != 0 || (!p->udp && listen(fd, 64) != 0)) {
		fprintf(stderr, "delay_proxy: cannot listen on %s port %s: %s\n", addr, port,
		        strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	p->listen_fd = fd;
	return 0;
}

static void conn_close(struct proxy *p, struct conn *c, const char *why)
{
	if (c->dead)
		return;
	for (int d = UP; d <= DOWN; d++) {
		struct flow *f = &c->flow[d];

		while (f->head != NULL) {
			struct chunk *k = f->head;

			p->stats[d].dropped += k->len - k->off;
			f->head = k->next;
			free(k);
		}
		f->tail = NULL;
		f->held = 0;
	}
	close(c->fd[CLIENT]);
	close(c->fd[TARGET]);
	c->dead = true;
	fprintf(stderr, "delay_proxy: conn %lu closed: %s (up %llu bytes, down %llu bytes)\n",
	        c->id, why, (unsigned long long)c->flow[UP].bytes,
	        (unsigned long long)c->flow[DOWN].bytes);
}

static void conn_close_errno(struct proxy *p, struct conn *c, const char *what, int err)
{
	char why[128];

	snprintf(why, sizeof(why), "%s: %s", what, strerror(err));
	conn_close(p, c, why);
}

static void set_nodelay(int fd)
{
	int one = 1;

	/* Nagle would hold small writes back on its own: only the drawn delay may. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void accept_clients(struct proxy *p)
{
	while (p->nconns < p->max_conns) {
		struct sockaddr_storage from;
		socklen_t from_len = sizeof(from);
		char from_text[INET6_ADDRSTRLEN + 8];
		int cfd, tfd;
		struct conn *c;

		cfd = accept4(p->listen_fd, (struct sockaddr *)&from, &from_len,
		              SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				/* Out of descriptors or memory: the listener stays readable, so
				 * back off rather than spin. */
				fprintf(stderr, "delay_proxy: accept: %s\n", strerror(errno));
				p->accept_paused_until = now_ns() + ACCEPT_PAUSE_NS;
			}
			return;
		}
		p->accepted++;
		format_addr((struct sockaddr *)&from, from_text, sizeof(from_text));

		tfd = socket(p->target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		c = calloc(1, sizeof(*c));
		if (tfd < 0 || c == NULL ||
		    (connect(tfd, (struct sockaddr *)&p->target, p->target_len) != 0 &&
		     errno != EINPROGRESS)) {
			fprintf(stderr, "delay_proxy: client %s: cannot reach the target: %s\n",
			        from_text, strerror(errno));
			p->failed++;
			close(cfd);
			if (tfd >= 0)
				close(tfd);
			free(c);
			continue;
		}
		set_nodelay(cfd);
		set_nodelay(tfd);
		c->id = p->accepted;
		c->fd[CLIENT] = cfd;
		c->fd[TARGET] = tfd;
		/* Even a loopback connect may complete later: only SO_ERROR after POLLOUT says. */
		c->connecting = true;
		for (int d = UP; d <= DOWN; d++)
			c->flow[d].rng = stream_state(p->seed, c->id, d);
		p->conns[p->nconns++] = c;
		fprintf(stderr, "delay_proxy: conn %lu from %s\n", c->id, from_text);
	}
}

static void finish_connect(struct proxy *p, struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd[TARGET], SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err != 0) {
		p->failed++;
		conn_close_errno(p, c, "connect to target", err);
		return;
	}
	c->connecting = false;
}

/* One read() from side d becomes one chunk of flow d, with its release time. */
static void read_side(struct proxy *p, struct conn *c, int d)
{
	struct flow *f = &c->flow[d];
	struct dir_stats *st = &p->stats[d];
	unsigned char buf[READ_MAX];
	size_t room = FLOW_CAP - f->held;
	int64_t arrival, drawn_ns, release;
	struct chunk *k;
	ssize_t n;

	if (room == 0)
		return; /* a zero-length read would look like the end of the stream */
	n = recv(c->fd[d], buf, room < READ_MAX ? room : READ_MAX, 0);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			conn_close_errno(p, c, d == UP ? "read from client" : "read from target",
			                 errno);
		return;
	}
	if (n == 0) {
		f->eof = true;
		return;
	}
	arrival = now_ns();
	k = malloc(sizeof(*k) + (size_t)n);
	if (k == NULL) {
		conn_close(p, c, "out of memory");
		return;
	}
	drawn_ns = llround(draw_ms(&p->spec[d], &f->rng) * NS_PER_MS);
	release = arrival + drawn_ns;
	if (release < f->last_release_ns)
		release = f->last_release_ns;
	f->last_release_ns = release;

	memcpy(k->data, buf, (size_t)n);
	k->len = (size_t)n;
	k->off = 0;
	k->release_ns = release;
	k->next = NULL;
	if (f->tail != NULL)
		f->tail->next = k;
	else
		f->head = k;
	f->tail = k;
	f->held += (size_t)n;
	f->seq++;
	f->bytes += (uint64_t)n;

	st->chunks++;
	st->bytes += (uint64_t)n;
	st->sum_ns += release - arrival;
	if (release - arrival > st->max_ns)
		st->max_ns = release - arrival;
	if (f->held > st->max_held)
		st->max_held = f->held;
	if (p->trace != NULL)
		fprintf(p->trace, "%s conn=%lu seq=%llu bytes=%zd drawn_ms=%.6f applied_ms=%.6f\n",
		        dir_name[d], c->id, (unsigned long long)f->seq, n,
		        (double)drawn_ns / NS_PER_MS, (double)(release - arrival) / NS_PER_MS);
}

/* Writes every chunk of flow d that is due, until the destination socket is full. */
static void send_due(struct proxy *p, struct conn *c, int d, int64_t now)
{
	struct flow *f = &c->flow[d];

	f->blocked = false;
	if (c->dead || c->connecting)
		return;
	while (f->head != NULL && f->head->release_ns <= now) {
		struct chunk *k = f->head;
		ssize_t n = send(c->fd[!d], k->data + k->off, k->len - k->off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				f->blocked = true;
				return;
			}
			conn_close_errno(p, c, d == UP ? "write to target" : "write to client",
			                 errno);
			return;
		}
		k->off += (size_t)n;
		if (k->off < k->len)
			continue; /* a partial write: the next send() says whether it is full */
		f->head = k->next;
		if (f->head == NULL)
			f->tail = NULL;
		f->held -= k->len;
		free(k);
	}
}

static void write_stats(struct proxy *p)
{
	char tmp[4096];
	FILE *out;

	if (p->stats_path == NULL)
		return;
	/* Written aside and renamed, so a reader never sees half a file. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", p->stats_path);
	out = fopen(tmp, "w");
	if (out == NULL) {
		fprintf(stderr, "delay_proxy: %s: %s\n", tmp, strerror(errno));
		return;
	}
	for (int d = UP; d <= DOWN; d++) {
		const struct dir_stats *st = &p->stats[d];
		double mean =
		    st->chunks ? (double)st->sum_ns / (double)st->chunks / NS_PER_MS : 0.0;

		fprintf(out,
		        "%s spec=%s chunks=%llu bytes=%llu mean_delay_ms=%.3f max_delay_ms=%.3f "
		        "dropped_bytes=%llu max_held_bytes=%zu\n",
		        dir_name[d], p->spec[d].text, (unsigned long long)st->chunks,
		        (unsigned long long)st->bytes, mean, (double)st->max_ns / NS_PER_MS,
		        (unsigned long long)st->dropped, st->max_held);
	}
	fprintf(out, "connections accepted=%lu failed=%lu open=%d\n", p->accepted, p->failed,
	        p->udp ? p->nsessions : p->nconns);
	if (fclose(out) != 0 || rename(tmp, p->stats_path) != 0)
		fprintf(stderr, "delay_proxy: %s: %s\n", p->stats_path, strerror(errno));
}

/* Sends what is due, closes connections whose closing side has been drained, and frees the
 * closed ones. */
static void service(struct proxy *p, int64_t now)
{
	int kept = 0;

	for (int i = 0; i < p->nconns; i++) {
		struct conn *c = p->conns[i];

		send_due(p, c, UP, now);
		send_due(p, c, DOWN, now);
		for (int d = UP; d <= DOWN && !c->dead; d++)
			if (c->flow[d].eof && c->flow[d].head == NULL)
				conn_close(p, c, d == UP ? "client closed" : "target closed");
		if (c->dead)
			free(c);
		else
			p->conns[kept++] = c;
	}
	p->nconns = kept;
}

static short side_events(const struct conn *c, int side)
{
	short ev = 0;

	if (side == TARGET && c->connecting)
		return POLLOUT;
	if (!c->flow[side].eof && c->flow[side].held < FLOW_CAP)
		ev |= POLLIN;
	if (c->flow[!side].blocked)
		ev |= POLLOUT;
	return ev;
}

/* The earliest release still to come, the next stats write, or the end of an accept pause. */
static int64_t next_deadline(const struct proxy *p, int64_t now)
{
	int64_t next = INT64_MAX;

	for (int i = 0; i < p->nconns; i++) {
		const struct conn *c = p->conns[i];

		for (int d = UP; d <= DOWN; d++) {
			const struct chunk *k = c->flow[d].head;

			/* A due chunk waits for POLLOUT (or the connect), not for the clock. */
			if (k != NULL && k->release_ns > now && k->release_ns < next)
				next = k->release_ns;
		}
	}
	if (p->accept_paused_until > now && p->accept_paused_until < next)
		next = p->accept_paused_until;
	return next;
}

static int run(struct proxy *p, const sigset_t *unblocked)
{
	struct pollfd *pfd = calloc(1 + 2 * (size_t)p->max_conns, sizeof(*pfd));
	int64_t next_stats = now_ns() + STATS_PERIOD_NS;

	if (pfd == NULL) {
		fprintf(stderr, "delay_proxy: out of memory\n");
		return 1;
	}
	while (!stop_signal) {
		int64_t now = now_ns(), next;
		struct timespec ts, *timeout = NULL;
		bool listening;
		int n = 0;

		service(p, now);
		if (p->stats_path != NULL && now >= next_stats) {
			write_stats(p);
			next_stats = now + STATS_PERIOD_NS;
		}

		/* When full, leave new clients in the listen backlog until a connection ends. */
		listening = p->nconns < p->max_conns && now >= p->accept_paused_until;
		pfd[n].fd = listening ? p->listen_fd : -1;
		pfd[n++].events = POLLIN;
		for (int i = 0; i < p->nconns; i++) {
			struct conn *c = p->conns[i];

			for (int side = CLIENT; side <= TARGET; side++) {
				short ev = side_events(c, side);

				/* A hung-up socket keeps reporting POLLHUP: poll it only to read
				 * what is left, or it would wake the loop forever. */
				pfd[n].fd = c->hup[side] && !(ev & POLLIN) ? -1 : c->fd[side];
				pfd[n].events = ev;
				pfd[n++].revents = 0;
			}
		}

		next = next_deadline(p, now);
		if (p->stats_path != NULL && next_stats < next)
			next = next_stats;
		if (next != INT64_MAX) {
			int64_t wait = next > now ? next - now : 0;

			ts.tv_sec = (time_t)(wait / NS_PER_S);
			ts.tv_nsec = (long)(wait % NS_PER_S);
			timeout = &ts;
		}
		/* The signals are blocked except inside ppoll(): one that arrives between the
		 * loop test and here still ends the wait at once. */
		if (ppoll(pfd, (nfds_t)n, timeout, unblocked) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "delay_proxy: poll: %s\n", strerror(errno));
			free(pfd);
			return 1;
		}

		if (pfd[0].revents & POLLIN)
			accept_clients(p);
		/* accept_clients() only appends, so the entries below still match conns[]. */
		for (int i = 0, j = 1; j < n; i++) {
			struct conn *c = p->conns[i];

			for (int side = CLIENT; side <= TARGET; side++, j++) {
				short rev = pfd[j].revents;

				if (rev == 0 || c->dead)
					continue;
				if (side == TARGET && c->connecting) {
					finish_connect(p, c);
				} else if (rev & (POLLERR | POLLNVAL)) {
					int err = 0;
					socklen_t len = sizeof(err);

					getsockopt(c->fd[side], SOL_SOCKET, SO_ERROR, &err, &len);
					conn_close_errno(p, c, side == CLIENT ? "client" : "target",
					                 err ? err : EIO);
				} else if ((rev & (POLLIN | POLLHUP)) && (pfd[j].events & POLLIN)) {
					read_side(p, c, side);
				} else if (rev & POLLHUP) {
					c->hup[side] = true;
				}
				/* POLLOUT needs nothing here: service() writes at the loop top. */
			}
		}
	}
	free(pfd);
	return 0;
}

/* --- --udp: sessions and a queue of datagrams in release order. --- */

static void udp_close_session(struct proxy *p, int i, const char *why)
{
	struct session *s = p->sessions[i];
	struct datagram **link = &p->queue;

	while (*link != NULL) {
		struct datagram *g = *link;

		if (g->session == s) {
			p->stats[g->dir].dropped += g->len;
			p->held[g->dir] -= g->len;
			*link = g->next;
			free(g);
		} else {
			link = &g->next;
		}
	}
	close(s->fd);
	fprintf(stderr, "delay_proxy: session %lu closed: %s (up %llu bytes, down %llu bytes)\n",
	        s->id, why, (unsigned long long)s->bytes[UP], (unsigned long long)s->bytes[DOWN]);
	free(s);
	p->sessions[i] = p->sessions[--p->nsessions];
}

/* The session of a client address, opened if new; NULL if no socket could be made. */
static struct session *udp_session(struct proxy *p, const struct sockaddr_storage *from,
                                   socklen_t from_len, int64_t now)
{
	char from_text[INET6_ADDRSTRLEN + 8];
	struct session *s;
	int fd;

	for (int i = 0; i < p->nsessions; i++) {
		s = p->sessions[i];
		if (s->client_len == from_len && memcmp(&s->client, from, from_len) == 0)
			return s;
	}
	if (p->nsessions == p->max_conns) {
		int oldest = 0;

		for (int i = 1; i < p->nsessions; i++)
			if (p->sessions[i]->last_ns < p->sessions[oldest]->last_ns)
				oldest = i;
		udp_close_session(p, oldest, "making room");
	}
	p->accepted++;
	format_addr((const struct sockaddr *)from, from_text, sizeof(from_text));
	fd = socket(p->target.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	s = calloc(1, sizeof(*s));
	if (fd < 0 || s == NULL || connect(fd, (struct sockaddr *)&p->target, p->target_len) != 0) {
		fprintf(stderr, "delay_proxy: client %s: cannot reach the target: %s\n", from_text,
		        strerror(errno));
		p->failed++;
		if (fd >= 0)
			close(fd);
		free(s);
		return NULL;
	}
	s->id = p->accepted;
	s->fd = fd;
	memcpy(&s->client, from, from_len);
	s->client_len = from_len;
	s->last_ns = now;
	for (int d = UP; d <= DOWN; d++)
		s->rng[d] = stream_state(p->seed, s->id, d);
	p->sessions[p->nsessions++] = s;
	fprintf(stderr, "delay_proxy: session %lu from %s\n", s->id, from_text);
	return s;
}

/* Queues one datagram of direction d for its arrival plus its own drawn delay. */
static void udp_enqueue(struct proxy *p, struct session *s, int d, const unsigned char *buf,
                        size_t n, int64_t arrival)
{
	struct dir_stats *st = &p->stats[d];
	struct datagram *g, **link;
	int64_t drawn_ns;

	s->last_ns = arrival;
	g = p->held[d] + n <= FLOW_CAP ? malloc(sizeof(*g) + n) : NULL;
	if (g == NULL) {
		st->dropped += n;
		return;
	}
	drawn_ns = llround(draw_ms(&p->spec[d], &s->rng[d]) * NS_PER_MS);
	memcpy(g->data, buf, n);
	g->len = n;
	g->dir = d;
	g->session = s;
	g->release_ns = arrival + drawn_ns;
	/* After every datagram due at the same time, so equal delays keep their order. */
	for (link = &p->queue; *link != NULL && (*link)->release_ns <= g->release_ns;
	     link = &(*link)->next)
		;
	g->next = *link;
	*link = g;
	p->held[d] += n;
	s->seq[d]++;
	s->bytes[d] += n;

	st->chunks++;
	st->bytes += n;
	st->sum_ns += drawn_ns;
	if (drawn_ns > st->max_ns)
		st->max_ns = drawn_ns;
	if (p->held[d] > st->max_held)
		st->max_held = p->held[d];
	if (p->trace != NULL)
		fprintf(p->trace, "%s conn=%lu seq=%llu bytes=%zu drawn_ms=%.6f applied_ms=%.6f\n",
		        dir_name[d], s->id, (unsigned long long)s->seq[d], n,
		        (double)drawn_ns / NS_PER_MS, (double)drawn_ns / NS_PER_MS);
}

/* Reads what waits on the listening socket (d = UP) or on a session's (d = DOWN). */
static void udp_read(struct proxy *p, struct session *s, int d)
{
	unsigned char buf[READ_MAX];

	for (int k = 0; k < UDP_READS_MAX; k++) {
		struct sockaddr_storage from;
		socklen_t from_len = sizeof(from);
		ssize_t n;

		if (d == UP)
			n = recvfrom(p->listen_fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			             &from_len);
		else
			n = recv(s->fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* A target that is not listening answers with ICMP: the datagram is
			 * lost, as it would be on a network; the session stays. */
			if (errno == ECONNREFUSED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				fprintf(stderr, "delay_proxy: %s: %s\n",
				        d == UP ? "read from client" : "read from target",
				        strerror(errno));
			return;
		}
		int64_t arrival = now_ns();

		if (d == UP) {
			s = udp_session(p, &from, from_len, arrival);
			if (s == NULL) {
				p->stats[UP].dropped += (uint64_t)n;
				continue;
			}
		}
		udp_enqueue(p, s, d, buf, (size_t)n, arrival);
	}
}

/* Sends every datagram that is due; one the socket refuses is dropped. */
static void udp_send_due(struct proxy *p, int64_t now)
{
	while (p->queue != NULL && p->queue->release_ns <= now) {
		struct datagram *g = p->queue;
		struct session *s = g->session;
		ssize_t n;

		do {
			if (g->dir == UP)
				n = send(s->fd, g->data, g->len, 0);
			else
				n = sendto(p->listen_fd, g->data, g->len, 0,
				           (struct sockaddr *)&s->client, s->client_len);
		} while (n < 0 && errno == EINTR);
		if (n < 0)
			p->stats[g->dir].dropped += g->len;
		p->queue = g->next;
		p->held[g->dir] -= g->len;
		free(g);
	}
}

static void udp_expire(struct proxy *p, int64_t now)
{
	for (int i = p->nsessions - 1; i >= 0; i--)
		if (now - p->sessions[i]->last_ns >= UDP_IDLE_NS)
			udp_close_session(p, i, "idle");
}

static int run_udp(struct proxy *p, const sigset_t *unblocked)
{
	struct pollfd *pfd = calloc(1 + (size_t)p->max_conns, sizeof(*pfd));
	struct session **polled = calloc((size_t)p->max_conns, sizeof(*polled));
	int64_t next_stats = now_ns() + STATS_PERIOD_NS;
	int rc = 0;

	if (pfd == NULL || polled == NULL) {
		fprintf(stderr, "delay_proxy: out of memory\n");
		rc = 1;
	}
	while (rc == 0 && !stop_signal) {
		int64_t now = now_ns(), next = p->stats_path != NULL ? next_stats : INT64_MAX;
		struct timespec ts;
		int n = 0;

		udp_send_due(p, now);
		udp_expire(p, now);
		if (p->stats_path != NULL && now >= next_stats) {
			write_stats(p);
			next_stats = now + STATS_PERIOD_NS;
		}

		pfd[n].fd = p->listen_fd;
		pfd[n].events = POLLIN;
		pfd[n++].revents = 0;
		for (int i = 0; i < p->nsessions; i++) {
			polled[i] = p->sessions[i];
			pfd[n].fd = p->sessions[i]->fd;
			pfd[n].events = POLLIN;
			pfd[n++].revents = 0;
			if (p->sessions[i]->last_ns + UDP_IDLE_NS < next)
				next = p->sessions[i]->last_ns + UDP_IDLE_NS;
		}
		if (p->queue != NULL && p->queue->release_ns < next)
			next = p->queue->release_ns;
		if (next != INT64_MAX) {
			int64_t wait = next > now ? next - now : 0;

			ts.tv_sec = (time_t)(wait / NS_PER_S);
			ts.tv_nsec = (long)(wait % NS_PER_S);
		}
		if (ppoll(pfd, (nfds_t)n, next != INT64_MAX ? &ts : NULL, unblocked) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "delay_proxy: poll: %s\n", strerror(errno));
			rc = 1;
			break;
		}
		/* The sessions first: a new client on the listening socket may close one. */
		for (int j = 1; j < n; j++)
			if (pfd[j].revents != 0)
				udp_read(p, polled[j - 1], DOWN);
		if (pfd[0].revents != 0)
			udp_read(p, NULL, UP);
	}
	free(pfd);
	free(polled);
	return rc;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: delay_proxy --listen PORT --to HOST:PORT --up SPEC --down SPEC\n"
	        "                   [--seed N] [--bind ADDR] [--stats FILE] [--trace FILE]\n"
	        "                   [--max-conns N] [--udp]\n"
	        "SPEC: none | BASE_MS | BASE_MS,uniform,HALF_WIDTH_MS | BASE_MS,exp,MEAN_MS\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {{"listen", required_argument, NULL, 'l'},
	                                         {"to", required_argument, NULL, 't'},
	                                         {"up", required_argument, NULL, 'u'},
	                                         {"down", required_argument, NULL, 'd'},
	                                         {"seed", required_argument, NULL, 's'},
	                                         {"bind", required_argument, NULL, 'b'},
	                                         {"stats", required_argument, NULL, 'S'},
	                                         {"trace", required_argument, NULL, 'T'},
	                                         {"max-conns", required_argument, NULL, 'm'},
	                                         {"udp", no_argument, NULL, 'U'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	const char *listen_port = NULL, *to = NULL, *up = NULL, *down = NULL;
	const char *bind_addr = "127.0.0.1", *trace_path = NULL;
	struct proxy p;
	unsigned long long v;
	struct sockaddr_storage local;
	socklen_t local_len = sizeof(local);
	char local_text[INET6_ADDRSTRLEN + 8];
	struct sigaction sa;
	sigset_t block, unblocked;
	int opt, rc;

	memset(&p, 0, sizeof(p));
	p.seed = 1;
	p.max_conns = 16;
	p.listen_fd = -1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			if (!parse_ulong(optarg, 65535, &v)) {
				fprintf(stderr, "delay_proxy: bad --listen port '%s'\n", optarg);
				return 2;
			}
			listen_port = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'u':
			up = optarg;
			break;
		case 'd':
			down = optarg;
			break;
		case 's':
			if (!parse_ulong(optarg, UINT64_MAX, &v)) {
				fprintf(stderr, "delay_proxy: bad --seed '%s'\n", optarg);
				return 2;
			}
			p.seed = v;
			break;
		case 'b':
			bind_addr = optarg;
			break;
		case 'S':
			p.stats_path = optarg;
			break;
		case 'T':
			trace_path = optarg;
			break;
		case 'm':
			if (!parse_ulong(optarg, MAX_CONNS_LIMIT, &v) || v == 0) {
				fprintf(stderr, "delay_proxy: --max-conns must be 1 to %d\n",
				        MAX_CONNS_LIMIT);
				return 2;
			}
			p.max_conns = (int)v;
			break;
		case 'U':
			p.udp = true;
			break;
		default:
			usage();
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind != argc || listen_port == NULL || to == NULL || up == NULL || down == NULL) {
		usage();
		return 2;
	}
	for (int d = UP; d <= DOWN; d++) {
		const char *text = d == UP ? up : down;

		if (parse_spec(text, &p.spec[d]) != 0) {
			fprintf(stderr, "delay_proxy: bad --%s spec '%s'\n", dir_name[d], text);
			usage();
			return 2;
		}
	}
	if (resolve_target(&p, to) != 0)
		return 2;

	p.conns = calloc((size_t)p.max_conns, sizeof(*p.conns));
	p.sessions = calloc((size_t)p.max_conns, sizeof(*p.sessions));
	if (p.conns == NULL || p.sessions == NULL)
		return 1;
	if (trace_path != NULL) {
		p.trace = fopen(trace_path, "w");
		if (p.trace == NULL) {
			fprintf(stderr, "delay_proxy: %s: %s\n", trace_path, strerror(errno));
			return 1;
		}
		setvbuf(p.trace, NULL, _IOLBF, 0);
	}

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGTERM);
	sigdelset(&unblocked, SIGINT);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (open_listener(&p, bind_addr, listen_port) != 0)
		return 1;
	getsockname(p.listen_fd, (struct sockaddr *)&local, &local_len);
	format_addr((struct sockaddr *)&local, local_text, sizeof(local_text));
	fprintf(stderr, "delay_proxy: listening on %s%s -> %s up=%s down=%s seed=%llu\n",
	        local_text, p.udp ? " udp" : "", to, up, down, (unsigned long long)p.seed);
	fflush(stderr);

	rc = p.udp ? run_udp(&p, &unblocked) : run(&p, &unblocked);

	if (stop_signal)
		fprintf(stderr, "delay_proxy: exiting on signal %d\n", (int)stop_signal);
	for (int i = 0; i < p.nconns; i++) {
		conn_close(&p, p.conns[i], "proxy exiting");
		free(p.conns[i]);
	}
	p.nconns = 0;
	while (p.nsessions > 0)
		udp_close_session(&p, p.nsessions - 1, "proxy exiting");
	write_stats(&p);
	if (p.trace != NULL)
		fclose(p.trace);
	close(p.listen_fd);
	free(p.conns);
	free(p.sessions);
	return rc;
}
