/* SPDX-License-Identifier: Apache-2.0 */
/*
 * delay_proxy_check: measures a delay_proxy from both ends, for delay_proxy_test.sh.
 *
 *   delay_proxy_check latency COUNT PROXY [PROXY_ARGS...]
 *   delay_proxy_check order BYTES PROXY [PROXY_ARGS...]
 *   delay_proxy_check udp COUNT PROXY --udp [PROXY_ARGS...]
 *
 * It listens on a free loopback port itself and starts PROXY with PROXY_ARGS plus
 * "--listen 0 --to 127.0.0.1:<that port>", so it owns both the client and the target end and
 * needs no fixed port. It learns the proxy's port from its start line on stderr, which it
 * copies to its own stderr.
 *
 * latency: one connection; COUNT times, a 16-byte message up (client to target), then one
 * down, each sent only after the previous one arrived, so no message waits for another and
 * each is one chunk to the proxy. Prints, per direction, the one-way times measured here:
 *   up n=N min_ms=X mean_ms=X max_ms=X
 * order: three connections at once, each sending BYTES each way in writes of random size, and
 * checking every byte received against the sender's pattern. Then connections 1 and 2 close
 * from the client and 3 from the target, and the other end must see the end of the stream.
 * udp: the target is a UDP socket; two clients take turns, COUNT times each, sending one
 * datagram up and, once it arrived, the target answers it down to where it came from. Every
 * answer must reach the client that asked and no other, each client's datagrams must reach the
 * target from one address of their own (its session), and each arrive unaltered. Prints the
 * one-way times as latency does, then "udp sessions=2".
 *
 * Both end by sending SIGTERM to the proxy, which must exit with status 0. Every wait has a
 * deadline. Exit status 0 when everything checked out, 1 otherwise.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_MS        1000000LL
#define NS_PER_S         1000000000LL
#define START_TIMEOUT_NS (5 * NS_PER_S)
#define MSG_TIMEOUT_NS   (10 * NS_PER_S)
#define ORDER_TIMEOUT_NS (20 * NS_PER_S)
#define EXIT_TIMEOUT_NS  (5 * NS_PER_S)
#define MSG_LEN          16
#define UDP_CLIENTS      2
#define ORDER_CONNS      3

static pid_t proxy_pid = -1;
static int proxy_err = -1; /* the read end of the proxy's stderr */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* poll() until the deadline: 0 when ready, -1 on timeout or error. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = events};
		int64_t left = deadline - now_ns();
		int rc;

		if (left <= 0)
			return -1;
		rc = poll(&p, 1, (int)((left + NS_PER_MS - 1) / NS_PER_MS));
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

/* Copies what the proxy wrote to stderr; returns the bytes read, 0 at its end, -1 if none. */
static ssize_t pump_proxy_stderr(char *keep, size_t keep_size, size_t *kept)
{
	char buf[4096];
	ssize_t n = read(proxy_err, buf, sizeof(buf));

	if (n > 0) {
		fwrite(buf, 1, (size_t)n, stderr);
		if (keep != NULL && *kept + 1 < keep_size) {
			size_t take =
			    (size_t)n < keep_size - 1 - *kept ? (size_t)n : keep_size - 1 - *kept;

			memcpy(keep + *kept, buf, take);
			*kept += take;
			keep[*kept] = '\0';
		}
	}
	return n;
}

static int start_proxy(char **proxy_argv, int nargs, unsigned target_port)
{
	char to[32], seen[4096] = "";
	size_t kept = 0;
	int64_t deadline = now_ns() + START_TIMEOUT_NS;
	char **argv = calloc((size_t)nargs + 5, sizeof(*argv));
	int pipefd[2];
	const char *at;
	unsigned port;

	snprintf(to, sizeof(to), "127.0.0.1:%u", target_port);
	if (argv == NULL || pipe2(pipefd, O_CLOEXEC) != 0)
		return -1;
	memcpy(argv, proxy_argv, (size_t)nargs * sizeof(*argv));
	argv[nargs] = "--listen";
	argv[nargs + 1] = "0";
	argv[nargs + 2] = "--to";
	argv[nargs + 3] = to;
	fflush(NULL);
	proxy_pid = fork();
	if (proxy_pid < 0)
		return -1;
	if (proxy_pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		execv(argv[0], argv);
		fprintf(stderr, "delay_proxy_check: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	free(argv);
	close(pipefd[1]);
	proxy_err = pipefd[0];

	while ((at = strstr(seen, "listening on 127.0.0.1:")) == NULL || strchr(at, '\n') == NULL) {
		if (wait_fd(proxy_err, POLLIN, deadline) != 0 ||
		    pump_proxy_stderr(seen, sizeof(seen), &kept) <= 0) {
			fprintf(stderr, "delay_proxy_check: the proxy did not start\n");
			return -1;
		}
	}
	if (sscanf(at, "listening on 127.0.0.1:%u", &port) != 1 || port == 0 || port > 65535)
		return -1;
	return (int)port;
}

/* SIGTERM, then its stderr to the end and its status: 0 if it exited cleanly. */
static int stop_proxy(void)
{
	int64_t deadline = now_ns() + EXIT_TIMEOUT_NS;
	int status;

	if (proxy_pid <= 0)
		return -1;
	kill(proxy_pid, SIGTERM);
	for (;;) {
		ssize_t n;

		if (wait_fd(proxy_err, POLLIN, deadline) != 0) {
			fprintf(stderr, "delay_proxy_check: the proxy ignored SIGTERM\n");
			kill(proxy_pid, SIGKILL);
			break;
		}
		n = pump_proxy_stderr(NULL, 0, NULL);
		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	/* Its stderr closed: it has exited, or was just killed. */
	if (waitpid(proxy_pid, &status, 0) != proxy_pid)
		return -1;
	proxy_pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "delay_proxy_check: the proxy ended with status 0x%x\n", status);
		return -1;
	}
	return 0;
}

static int listen_loopback(unsigned *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 8) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

/* One connection through the proxy: *client is our end towards the proxy, *server the end
 * the proxy opened to our listener. Both non-blocking, without Nagle. */
static int open_pair(unsigned proxy_port, int listener, int *client, int *server)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)proxy_port)};
	int one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* A loopback connect completes in the proxy's backlog, before it even accepts. */
	if (*client < 0 || connect(*client, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("delay_proxy_check: connect to the proxy");
		return -1;
	}
	if (wait_fd(listener, POLLIN, now_ns() + START_TIMEOUT_NS) != 0) {
		fprintf(stderr, "delay_proxy_check: the proxy did not connect to the target\n");
		return -1;
	}
	*server = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	if (*server < 0)
		return -1;
	setsockopt(*client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(*server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fcntl(*client, F_SETFL, O_NONBLOCK);
	fcntl(*server, F_SETFL, O_NONBLOCK);
	return 0;
}

static int send_all(int fd, const unsigned char *buf, size_t len, int64_t deadline)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (wait_fd(fd, POLLOUT, deadline) != 0)
				return -1;
		} else {
			return -1;
		}
	}
	return 0;
}

static int recv_all(int fd, unsigned char *buf, size_t len, int64_t deadline)
{
	while (len > 0) {
		ssize_t n = recv(fd, buf, len, 0);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (wait_fd(fd, POLLIN, deadline) != 0)
				return -1;
		} else {
			return -1; /* the end of the stream, or an error */
		}
	}
	return 0;
}

struct summary {
	unsigned long n;
	int64_t min, max, sum;
};

static void summary_add(struct summary *s, int64_t v)
{
	if (s->n == 0 || v < s->min)
		s->min = v;
	if (s->n == 0 || v > s->max)
		s->max = v;
	s->sum += v;
	s->n++;
}

static void summary_print(const char *name, const struct summary *s)
{
	printf("%s n=%lu min_ms=%.3f mean_ms=%.3f max_ms=%.3f\n", name, s->n,
	       (double)s->min / NS_PER_MS, s->n ? (double)s->sum / (double)s->n / NS_PER_MS : 0.0,
	       (double)s->max / NS_PER_MS);
}

static int run_latency(unsigned proxy_port, int listener, unsigned long count)
{
	struct summary sum[2] = {{0}};
	int fd[2]; /* [0] the client end, [1] the target end */

	if (open_pair(proxy_port, listener, &fd[0], &fd[1]) != 0)
		return -1;
	for (unsigned long i = 0; i < count; i++) {
		for (int d = 0; d < 2; d++) {
			unsigned char out[MSG_LEN], in[MSG_LEN];
			int64_t t0, deadline;

			memset(out, d ? 'D' : 'U', sizeof(out));
			memcpy(out, &i, sizeof(i));
			t0 = now_ns();
			deadline = t0 + MSG_TIMEOUT_NS;
			if (send_all(fd[d], out, sizeof(out), deadline) != 0 ||
			    recv_all(fd[!d], in, sizeof(in), deadline) != 0) {
				fprintf(stderr,
				        "delay_proxy_check: %s message %lu was not relayed\n",
				        d ? "down" : "up", i);
				return -1;
			}
			summary_add(&sum[d], now_ns() - t0);
			if (memcmp(in, out, sizeof(in)) != 0) {
				fprintf(stderr,
				        "delay_proxy_check: %s message %lu came back altered\n",
				        d ? "down" : "up", i);
				return -1;
			}
		}
	}
	summary_print("up", &sum[0]);
	summary_print("down", &sum[1]);
	close(fd[0]);
	close(fd[1]);
	return 0;
}

/* The byte at position i of stream s: a hash of i / 8, so that no reordering, loss or
 * repetition of any run of bytes keeps the pattern. */
static unsigned char pattern(uint64_t s, uint64_t i)
{
	uint64_t z = (s << 40) ^ (i >> 3);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (unsigned char)(z >> ((i & 7) * 8));
}

struct stream {
	int from, to;
	uint64_t id, sent, received, total;
	uint64_t lcg; /* picks the size of each write */
};

static int run_order(unsigned proxy_port, int listener, uint64_t bytes)
{
	struct stream st[2 * ORDER_CONNS];
	int fd[ORDER_CONNS][2];
	int64_t deadline;
	bool done = false;

	for (int c = 0; c < ORDER_CONNS; c++) {
		if (open_pair(proxy_port, listener, &fd[c][0], &fd[c][1]) != 0)
			return -1;
		for (int d = 0; d < 2; d++) {
			struct stream *s = &st[2 * c + d];

			memset(s, 0, sizeof(*s));
			s->from = fd[c][d];
			s->to = fd[c][!d];
			s->id = (uint64_t)(2 * c + d + 1);
			s->total = bytes;
			s->lcg = s->id;
		}
	}

	deadline = now_ns() + ORDER_TIMEOUT_NS;
	while (!done) {
		struct pollfd p[4 * ORDER_CONNS]; /* per stream: its sender, its receiver */
		int64_t left = deadline - now_ns();

		if (left <= 0) {
			fprintf(stderr, "delay_proxy_check: order: out of time\n");
			for (int k = 0; k < 2 * ORDER_CONNS; k++)
				fprintf(stderr, "  stream %llu: sent %llu received %llu of %llu\n",
				        (unsigned long long)st[k].id,
				        (unsigned long long)st[k].sent,
				        (unsigned long long)st[k].received,
				        (unsigned long long)st[k].total);
			return -1;
		}
		for (int k = 0; k < 2 * ORDER_CONNS; k++) {
			p[2 * k] = (struct pollfd){.fd = st[k].sent < st[k].total ? st[k].from : -1,
			                           .events = POLLOUT};
			p[2 * k + 1] = (struct pollfd){
			    .fd = st[k].received < st[k].total ? st[k].to : -1, .events = POLLIN};
		}
		if (poll(p, 4 * ORDER_CONNS, (int)(left / NS_PER_MS) + 1) < 0 && errno != EINTR)
			return -1;

		done = true;
		for (int k = 0; k < 2 * ORDER_CONNS; k++) {
			struct stream *s = &st[k];
			unsigned char buf[16384];

			if (p[2 * k].revents & (POLLOUT | POLLERR | POLLHUP)) {
				size_t len;
				ssize_t n;

				s->lcg = s->lcg * 6364136223846793005ULL + 1442695040888963407ULL;
				len = 1 + (size_t)((s->lcg >> 33) % 8192);
				if (len > s->total - s->sent)
					len = (size_t)(s->total - s->sent);
				for (size_t j = 0; j < len; j++)
					buf[j] = pattern(s->id, s->sent + j);
				n = send(s->from, buf, len, MSG_NOSIGNAL);
				if (n > 0)
					s->sent += (uint64_t)n;
				else if (n < 0 && errno != EAGAIN && errno != EINTR)
					return -1;
			}
			if (p[2 * k + 1].revents & (POLLIN | POLLERR | POLLHUP)) {
				ssize_t n = recv(s->to, buf, sizeof(buf), 0);

				if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
					fprintf(stderr,
					        "delay_proxy_check: stream %llu ended early\n",
					        (unsigned long long)s->id);
					return -1;
				}
				for (ssize_t j = 0; j < n; j++) {
					if (s->received + (uint64_t)j >= s->total ||
					    buf[j] != pattern(s->id, s->received + (uint64_t)j)) {
						fprintf(
						    stderr,
						    "delay_proxy_check: stream %llu: wrong byte at "
						    "%llu\n",
						    (unsigned long long)s->id,
						    (unsigned long long)(s->received +
						                         (uint64_t)j));
						return -1;
					}
				}
				if (n > 0)
					s->received += (uint64_t)n;
			}
			if (s->received < s->total)
				done = false;
		}
	}

	/* Closing one end must reach the other as the end of the stream, with nothing more. */
	for (int c = 0; c < ORDER_CONNS; c++) {
		int closer = c < ORDER_CONNS - 1 ? 0 : 1;
		unsigned char b;
		ssize_t n;

		close(fd[c][closer]);
		for (;;) {
			if (wait_fd(fd[c][!closer], POLLIN, now_ns() + MSG_TIMEOUT_NS) != 0) {
				fprintf(stderr, "delay_proxy_check: conn %d: close not relayed\n",
				        c + 1);
				return -1;
			}
			n = recv(fd[c][!closer], &b, 1, 0);
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		/* A reset counts as an end too: the proxy closed both sockets. */
		if (n > 0) {
			fprintf(stderr, "delay_proxy_check: conn %d: data after the end\n", c + 1);
			return -1;
		}
		close(fd[c][!closer]);
	}
	printf("order conns=%d bytes_each_way=%llu ok\n", ORDER_CONNS, (unsigned long long)bytes);
	return 0;
}

static int udp_socket(unsigned *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

/* One datagram on fd by the deadline, of exactly MSG_LEN bytes, and where it came from. */
static int udp_recv(int fd, unsigned char *buf, struct sockaddr_in *from, int64_t deadline)
{
	for (;;) {
		socklen_t len = sizeof(*from);
		ssize_t n = recvfrom(fd, buf, MSG_LEN + 1, 0, (struct sockaddr *)from, &len);

		if (n == MSG_LEN)
			return 0;
		if (n >= 0 || (errno != EAGAIN && errno != EINTR))
			return -1;
		if (wait_fd(fd, POLLIN, deadline) != 0)
			return -1;
	}
}

static int run_udp(unsigned proxy_port, int target, unsigned long count)
{
	struct sockaddr_in proxy = {.sin_family = AF_INET, .sin_port = htons((uint16_t)proxy_port)};
	struct sockaddr_in seen[UDP_CLIENTS];
	struct summary sum[2] = {{0}};
	int client[UDP_CLIENTS];

	proxy.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int c = 0; c < UDP_CLIENTS; c++) {
		client[c] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (client[c] < 0 ||
		    connect(client[c], (struct sockaddr *)&proxy, sizeof(proxy)) != 0) {
			perror("delay_proxy_check: udp client");
			return -1;
		}
	}
	for (unsigned long i = 0; i < count; i++) {
		for (int c = 0; c < UDP_CLIENTS; c++) {
			unsigned char out[MSG_LEN], in[MSG_LEN];
			struct sockaddr_in from;
			int64_t t0 = now_ns(), deadline = t0 + MSG_TIMEOUT_NS;

			memset(out, 'U', sizeof(out));
			out[0] = (unsigned char)c;
			memcpy(out + 1, &i, sizeof(i));
			if (send(client[c], out, sizeof(out), 0) != MSG_LEN ||
			    udp_recv(target, in, &from, deadline) != 0 ||
			    memcmp(in, out, sizeof(in)) != 0) {
				fprintf(stderr,
				        "delay_proxy_check: client %d datagram %lu up: "
				        "lost or altered\n",
				        c, i);
				return -1;
			}
			summary_add(&sum[0], now_ns() - t0);
			if (i == 0) {
				seen[c] = from;
			} else if (from.sin_port != seen[c].sin_port) {
				fprintf(stderr,
				        "delay_proxy_check: client %d came from another "
				        "session\n",
				        c);
				return -1;
			}
			for (int o = 0; o < c; o++)
				if (seen[o].sin_port == from.sin_port) {
					fprintf(stderr,
					        "delay_proxy_check: clients %d and %d share a "
					        "session\n",
					        o, c);
					return -1;
				}

			out[MSG_LEN - 1] = 'D';
			t0 = now_ns();
			deadline = t0 + MSG_TIMEOUT_NS;
			if (sendto(target, out, sizeof(out), 0, (struct sockaddr *)&from,
			           sizeof(from)) != MSG_LEN ||
			    udp_recv(client[c], in, &from, deadline) != 0 ||
			    memcmp(in, out, sizeof(in)) != 0) {
				fprintf(stderr,
				        "delay_proxy_check: client %d datagram %lu down: "
				        "lost or altered\n",
				        c, i);
				return -1;
			}
			summary_add(&sum[1], now_ns() - t0);
		}
	}
	/* Nothing more may come: no answer went to the wrong client, none was repeated. */
	for (int c = 0; c < UDP_CLIENTS; c++) {
		unsigned char in[MSG_LEN];
		struct sockaddr_in from;

		if (udp_recv(client[c], in, &from, now_ns() + 200 * NS_PER_MS) == 0) {
			fprintf(stderr, "delay_proxy_check: client %d got a datagram too many\n",
			        c);
			return -1;
		}
		close(client[c]);
	}
	summary_print("up", &sum[0]);
	summary_print("down", &sum[1]);
	printf("udp sessions=%d\n", UDP_CLIENTS);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long count;
	unsigned target_port;
	int listener, proxy_port, rc;
	char *end;

	bool udp;

	if (argc < 4 || (strcmp(argv[1], "latency") != 0 && strcmp(argv[1], "order") != 0 &&
	                 strcmp(argv[1], "udp") != 0)) {
		fprintf(stderr, "usage: delay_proxy_check latency COUNT PROXY [PROXY_ARGS...]\n"
		                "       delay_proxy_check order BYTES PROXY [PROXY_ARGS...]\n"
		                "       delay_proxy_check udp COUNT PROXY --udp [PROXY_ARGS...]\n");
		return 2;
	}
	udp = strcmp(argv[1], "udp") == 0;
	count = strtoull(argv[2], &end, 10);
	if (*end != '\0' || count == 0) {
		fprintf(stderr, "delay_proxy_check: bad count '%s'\n", argv[2]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	listener = udp ? udp_socket(&target_port) : listen_loopback(&target_port);
	if (listener < 0) {
		perror("delay_proxy_check: listen");
		return 1;
	}
	proxy_port = start_proxy(argv + 3, argc - 3, target_port);
	if (proxy_port < 0) {
		stop_proxy();
		return 1;
	}
	if (udp)
		rc = run_udp((unsigned)proxy_port, listener, (unsigned long)count);
	else if (strcmp(argv[1], "latency") == 0)
		rc = run_latency((unsigned)proxy_port, listener, (unsigned long)count);
	else
		rc = run_order((unsigned)proxy_port, listener, count);
	fflush(stdout);
	if (stop_proxy() != 0)
		rc = -1;
	close(listener);
	return rc == 0 ? 0 : 1;
}
