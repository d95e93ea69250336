/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sock_tap: sits between the plugin and chronyd's SOCK refclock and logs every sample.
 *
 *   sock_tap LISTEN_PATH FORWARD_PATH LOG_FILE
 *
 * Binds a Unix datagram socket at LISTEN_PATH (mode 0666, so the broker's user can write to
 * it), and for each datagram received:
 *   - appends one line to LOG_FILE, flushed at once:
 *       <tv_sec>.<usec> <offset> <leap> <magic_ok>
 *     (a datagram that is not sizeof(struct sock_sample) bytes gets a "# size N" line instead);
 *   - forwards the datagram unchanged to FORWARD_PATH. It is sent by path each time, so a
 *     chronyd that restarted (and re-created its socket) is reached again without any state.
 *     A failed forward is reported on stderr and the sample is lost, as it would be if the
 *     producer wrote to chronyd directly.
 *
 * It waits in poll() with a timeout, never blocks on a send (MSG_DONTWAIT), and exits on
 * SIGTERM or SIGINT, removing LISTEN_PATH.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sock_sample.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int set_path(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path)) {
		fprintf(stderr, "sock_tap: path too long: %s\n", path);
		return -1;
	}
	memcpy(a->sun_path, path, strlen(path) + 1);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un listen_addr, forward_addr;
	struct sigaction sa;
	unsigned long received = 0, forwarded = 0, failed = 0;
	int last_errno = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: sock_tap LISTEN_PATH FORWARD_PATH LOG_FILE\n");
		return 2;
	}
	if (set_path(&listen_addr, argv[1]) != 0 || set_path(&forward_addr, argv[2]) != 0)
		return 2;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal ends the poll() at once. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	FILE *log = fopen(argv[3], "a");
	if (log == NULL) {
		fprintf(stderr, "sock_tap: %s: %s\n", argv[3], strerror(errno));
		return 1;
	}

	int in = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int out = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (in < 0 || out < 0) {
		fprintf(stderr, "sock_tap: socket: %s\n", strerror(errno));
		return 1;
	}
	unlink(argv[1]);
	if (bind(in, (const struct sockaddr *)&listen_addr, sizeof(listen_addr)) != 0) {
		fprintf(stderr, "sock_tap: bind %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (chmod(argv[1], 0666) != 0) {
		fprintf(stderr, "sock_tap: chmod %s: %s\n", argv[1], strerror(errno));
		unlink(argv[1]);
		return 1;
	}
	fprintf(stderr, "sock_tap: listening on %s, forwarding to %s\n", argv[1], argv[2]);

	while (!stop) {
		struct pollfd p = {.fd = in, .events = POLLIN};
		int r = poll(&p, 1, 1000);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "sock_tap: poll: %s\n", strerror(errno));
			break;
		}
		if (r == 0)
			continue;

		/* One byte more than a sample, so an oversized datagram shows as such. */
		unsigned char buf[sizeof(struct sock_sample) + 1];
		ssize_t n = recv(in, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fprintf(stderr, "sock_tap: recv: %s\n", strerror(errno));
			break;
		}
		received++;
		if ((size_t)n == sizeof(struct sock_sample)) {
			struct sock_sample s;
			memcpy(&s, buf, sizeof(s));
			fprintf(log, "%lld.%06ld %.9f %d %d\n", (long long)s.tv.tv_sec,
			        (long)s.tv.tv_usec, s.offset, s.leap, s.magic == SOCK_SAMPLE_MAGIC);
		} else {
			fprintf(log, "# size %zd\n", n);
		}
		fflush(log);

		if (sendto(out, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL,
		           (const struct sockaddr *)&forward_addr, sizeof(forward_addr)) == n) {
			forwarded++;
			last_errno = 0;
		} else {
			failed++;
			/* Once per kind of failure, not once per sample. */
			if (errno != last_errno)
				fprintf(stderr, "sock_tap: forward to %s: %s\n", argv[2],
				        strerror(errno));
			last_errno = errno;
		}
	}

	fprintf(stderr, "sock_tap: exiting: %lu received, %lu forwarded, %lu not forwarded\n",
	        received, forwarded, failed);
	close(in);
	close(out);
	unlink(argv[1]);
	fclose(log);
	return 0;
}
