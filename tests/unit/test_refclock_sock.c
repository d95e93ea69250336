/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for sock_sample and refclock_sock: the datagram chronyd's SOCK refclock reads, and
 * the writer that sends it. The writer is tested against real AF_UNIX datagram sockets in a
 * temporary directory standing in for chronyd; reads never block (non-blocking socket, poll()
 * with a deadline).
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "refclock_sock.h"
#include "runner.h"
#include "sock_sample.h"

#define RECV_DEADLINE_MS 2000

static char dir[64];
static char path[100]; /* fits sun_path */

static int make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/iotntp-unit-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/chrony.iotntp.sock", dir);
	return 0;
}

static int remove_dir(void)
{
	unlink(path);
	return rmdir(dir) == 0 ? 0 : -1;
}

/* A stand-in for chronyd: a non-blocking datagram socket bound at path. */
static int bind_receiver(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	CU_ASSERT_FATAL(fd >= 0);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	unlink(path);
	CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	return fd;
}

/* Reads one datagram, waiting at most timeout_ms; returns its size or -1. */
static ssize_t recv_sample(int fd, struct sock_sample *s, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char buf[sizeof(*s) + 16];

	if (poll(&p, 1, timeout_ms) != 1)
		return -1;
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n == (ssize_t)sizeof(*s))
		memcpy(s, buf, sizeof(*s));
	return n;
}

static struct timespec at(time_t sec, long nsec)
{
	struct timespec ts = {.tv_sec = sec, .tv_nsec = nsec};
	return ts;
}

/* Where each field lies in the datagram chronyd reads on an architecture, from its ABI: tv's two
 * longs (time_t, suseconds_t), then the double, aligned to 8, then the four ints. */
struct sock_layout {
	size_t size, tv_sec_size, offset, pulse, leap, pad, magic;
};

static int layout_of_this_architecture(struct sock_layout *l)
{
#if defined(__x86_64__) || defined(__aarch64__)
	*l = (struct sock_layout){40, 8, 16, 24, 28, 32, 36};
	return 0;
#elif defined(__arm__)
	/* Debian 13's armhf: a 64-bit time_t, and glibc's timeval then has a 64-bit tv_usec too:
	 * the same layout as on 64-bit architectures. */
	if (sizeof(time_t) == 8) {
		*l = (struct sock_layout){40, 8, 16, 24, 28, 32, 36};
		return 0;
	}
	/* Debian 12's armhf: 32-bit time_t and long. */
	*l = (struct sock_layout){32, 4, 8, 16, 20, 24, 28};
	return sizeof(time_t) == 4 ? 0 : -1;
#else
	(void)l;
	return -1;
#endif
}

static void sample_has_chronys_layout_on_this_architecture(void)
{
	struct sock_layout l;

	CU_ASSERT_EQUAL_FATAL(layout_of_this_architecture(&l), 0);
	CU_ASSERT_EQUAL(sizeof(struct sock_sample), l.size);
	CU_ASSERT_EQUAL(sizeof(((struct sock_sample *)NULL)->tv.tv_sec), l.tv_sec_size);
	CU_ASSERT_EQUAL(offsetof(struct sock_sample, tv), 0);
	CU_ASSERT_EQUAL(offsetof(struct sock_sample, offset), l.offset);
	CU_ASSERT_EQUAL(offsetof(struct sock_sample, pulse), l.pulse);
	CU_ASSERT_EQUAL(offsetof(struct sock_sample, leap), l.leap);
	CU_ASSERT_EQUAL(offsetof(struct sock_sample, _pad), l.pad);
	CU_ASSERT_EQUAL(offsetof(struct sock_sample, magic), l.magic);
	/* "SOCK" in ASCII. */
	CU_ASSERT_EQUAL(SOCK_SAMPLE_MAGIC, ('S' << 24) | ('O' << 16) | ('C' << 8) | 'K');
}

/* The little-endian integer of n bytes at p. */
static int64_t le_at(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = n; i-- > 0;)
		v = v << 8 | p[i];
	if (n < 8 && (v >> (8 * n - 1)) != 0)
		v |= ~UINT64_C(0) << (8 * n);
	return (int64_t)v;
}

static void encoded_bytes_are_what_chronyd_reads_at_its_offsets(void)
{
	struct sock_layout l;
	struct sock_sample s;
	unsigned char b[sizeof(s)];
	/* 2038-01-19T03:14:07.999999Z, the last second a 32-bit time_t holds, and the largest
	 * offset a sample can carry: 2^32 s, beyond which exchange.c refuses. */
	struct timespec t = at(INT32_MAX, 999999999);
	double largest = 4294967296.0;
	double offset;

	CU_ASSERT_EQUAL_FATAL(layout_of_this_architecture(&l), 0);
	sock_sample_encode(&s, &t, -largest);
	memcpy(b, &s, sizeof(b));
	CU_ASSERT_EQUAL(le_at(b, l.tv_sec_size), INT32_MAX);
	CU_ASSERT_EQUAL(le_at(b + l.tv_sec_size, l.tv_sec_size), 999999);
	memcpy(&offset, b + l.offset, sizeof(offset));
	CU_ASSERT_EQUAL(offset, -largest);
	CU_ASSERT_EQUAL(le_at(b + l.pulse, 4), 0);
	CU_ASSERT_EQUAL(le_at(b + l.leap, 4), 0);
	CU_ASSERT_EQUAL(le_at(b + l.pad, 4), 0);
	CU_ASSERT_EQUAL(memcmp(b + l.magic, "KCOS", 4), 0);
	/* Nothing beyond what chronyd reads: its recv() takes exactly sizeof its struct. */
	CU_ASSERT_EQUAL(l.magic + 4, sizeof(b));
}

static void encoding_sets_magic_and_no_leap_and_no_pulse(void)
{
	struct sock_sample s;
	struct timespec t = at(1795554000, 123456789);

	memset(&s, 0xa5, sizeof(s));
	sock_sample_encode(&s, &t, -0.25);
	CU_ASSERT_EQUAL(s.tv.tv_sec, 1795554000);
	CU_ASSERT_EQUAL(s.tv.tv_usec, 123456);
	CU_ASSERT_EQUAL(s.offset, -0.25);
	CU_ASSERT_EQUAL(s.pulse, 0);
	CU_ASSERT_EQUAL(s.leap, 0);
	CU_ASSERT_EQUAL(s._pad, 0);
	CU_ASSERT_EQUAL(s.magic, SOCK_SAMPLE_MAGIC);
}

static void sample_past_2038_keeps_its_second(void)
{
	/* 2099-06-01T00:00:00.5Z (date -d @4083955200). Where time_t has 32 bits (Debian 12's
	 * armhf) no system clock reads it and no chronyd there could take it: nothing to check. */
	if (sizeof(time_t) < 8)
		return;
	const int64_t sec = INT64_C(4083955200);
	struct sock_sample s;
	struct timespec t = {.tv_sec = (time_t)sec, .tv_nsec = 500000000};

	sock_sample_encode(&s, &t, -2.25);
	CU_ASSERT_EQUAL((int64_t)s.tv.tv_sec, sec);
	CU_ASSERT_EQUAL(s.tv.tv_usec, 500000);
	CU_ASSERT_DOUBLE_EQUAL(s.offset, -2.25, 0);
	CU_ASSERT_EQUAL(s.magic, SOCK_SAMPLE_MAGIC);
}

static void microseconds_are_truncated_not_rounded(void)
{
	struct sock_sample s;
	struct timespec t = at(1795554000, 999999999);

	sock_sample_encode(&s, &t, 3.7);
	/* Rounding would give 1000000 us, not a valid tv_usec. */
	CU_ASSERT_EQUAL(s.tv.tv_sec, 1795554000);
	CU_ASSERT_EQUAL(s.tv.tv_usec, 999999);
	t = at(1795554000, 1999);
	sock_sample_encode(&s, &t, 3.7);
	CU_ASSERT_EQUAL(s.tv.tv_usec, 1);
	t = at(0, 999);
	sock_sample_encode(&s, &t, 3.7);
	CU_ASSERT_EQUAL(s.tv.tv_sec, 0);
	CU_ASSERT_EQUAL(s.tv.tv_usec, 0);
	CU_ASSERT_EQUAL(s.offset, 3.7);
}

static void send_delivers_the_sample_to_the_socket(void)
{
	CU_ASSERT_EQUAL_FATAL(make_dir(), 0);
	int fd = bind_receiver();
	struct rcs_writer *w = rcs_create(path);
	struct timespec t = at(1795554000, 987654321);
	struct sock_sample s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_FALSE(rcs_connected(w));
	CU_ASSERT_EQUAL(rcs_sent(w), 0);
	CU_ASSERT_EQUAL(rcs_send(w, &t, 3.700012345), RCS_CONNECTED);
	CU_ASSERT_TRUE(rcs_connected(w));
	CU_ASSERT_EQUAL(rcs_errno(w), 0);
	CU_ASSERT_EQUAL(rcs_sent(w), 1);
	CU_ASSERT_EQUAL_FATAL(recv_sample(fd, &s, RECV_DEADLINE_MS), (ssize_t)sizeof(s));
	CU_ASSERT_EQUAL(s.tv.tv_sec, 1795554000);
	CU_ASSERT_EQUAL(s.tv.tv_usec, 987654);
	CU_ASSERT_EQUAL(s.offset, 3.700012345);
	CU_ASSERT_EQUAL(s.pulse, 0);
	CU_ASSERT_EQUAL(s.leap, 0);
	CU_ASSERT_EQUAL(s.magic, SOCK_SAMPLE_MAGIC);
	/* Exactly one datagram. */
	CU_ASSERT_EQUAL(recv_sample(fd, &s, 0), -1);

	rcs_destroy(w);
	close(fd);
	CU_ASSERT_EQUAL(remove_dir(), 0);
}

static void samples_arrive_in_order_and_are_counted(void)
{
	CU_ASSERT_EQUAL_FATAL(make_dir(), 0);
	int fd = bind_receiver();
	struct rcs_writer *w = rcs_create(path);
	struct sock_sample s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL(rcs_connect(w), RCS_CONNECTED);
	/* Fewer than net.unix.max_dgram_qlen (at least 10), so none is dropped. */
	for (int i = 0; i < 8; i++) {
		struct timespec t = at(1795554000 + i, 0);
		CU_ASSERT_EQUAL(rcs_send(w, &t, -0.001 * i), RCS_CONNECTED);
	}
	CU_ASSERT_EQUAL(rcs_sent(w), 8);
	for (int i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL_FATAL(recv_sample(fd, &s, RECV_DEADLINE_MS), (ssize_t)sizeof(s));
		CU_ASSERT_EQUAL(s.tv.tv_sec, 1795554000 + i);
		CU_ASSERT_EQUAL(s.offset, -0.001 * i);
	}
	rcs_destroy(w);
	close(fd);
	CU_ASSERT_EQUAL(remove_dir(), 0);
}

static void missing_socket_is_reported_missing(void)
{
	CU_ASSERT_EQUAL_FATAL(make_dir(), 0);
	struct rcs_writer *w = rcs_create(path);
	struct timespec t = at(1795554000, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL(rcs_send(w, &t, 1.0), RCS_MISSING);
	CU_ASSERT_EQUAL(rcs_errno(w), ENOENT);
	CU_ASSERT_FALSE(rcs_connected(w));
	CU_ASSERT_EQUAL(rcs_sent(w), 0);
	CU_ASSERT_EQUAL(rcs_connect(w), RCS_MISSING);
	rcs_destroy(w);

	/* A directory that does not exist either. */
	char deeper[sizeof(path) + 8];
	snprintf(deeper, sizeof(deeper), "%s/x/y.sock", dir);
	w = rcs_create(deeper);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL(rcs_send(w, &t, 1.0), RCS_MISSING);
	rcs_destroy(w);
	CU_ASSERT_EQUAL(remove_dir(), 0);
}

static void socket_file_without_a_reader_is_no_listener(void)
{
	CU_ASSERT_EQUAL_FATAL(make_dir(), 0);
	/* chronyd died without removing its socket: connect() is refused. */
	close(bind_receiver());
	struct rcs_writer *w = rcs_create(path);
	struct timespec t = at(1795554000, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	enum rcs_state st = rcs_send(w, &t, 1.0);
	CU_ASSERT_EQUAL(st, RCS_NO_LISTENER);
	CU_ASSERT_FALSE(rcs_connected(w));
	CU_ASSERT_EQUAL(rcs_sent(w), 0);
	rcs_destroy(w);
	CU_ASSERT_EQUAL(remove_dir(), 0);
}

static void chronyd_restart_is_survived_by_reconnecting(void)
{
	CU_ASSERT_EQUAL_FATAL(make_dir(), 0);
	int fd = bind_receiver();
	struct rcs_writer *w = rcs_create(path);
	struct timespec t = at(1795554000, 0);
	struct sock_sample s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL(rcs_send(w, &t, 1.0), RCS_CONNECTED);
	CU_ASSERT_EQUAL(recv_sample(fd, &s, RECV_DEADLINE_MS), (ssize_t)sizeof(s));
	/* chronyd restarts: its old socket goes, a new one is bound at the same path. */
	close(fd);
	fd = bind_receiver();
	t = at(1795554016, 0);
	CU_ASSERT_EQUAL(rcs_send(w, &t, 2.0), RCS_CONNECTED);
	CU_ASSERT_TRUE(rcs_connected(w));
	CU_ASSERT_EQUAL(rcs_sent(w), 2);
	CU_ASSERT_EQUAL_FATAL(recv_sample(fd, &s, RECV_DEADLINE_MS), (ssize_t)sizeof(s));
	CU_ASSERT_EQUAL(s.tv.tv_sec, 1795554016);
	CU_ASSERT_EQUAL(s.offset, 2.0);
	rcs_destroy(w);
	close(fd);
	CU_ASSERT_EQUAL(remove_dir(), 0);
}

static void chronyd_stopped_then_started_gets_the_next_sample(void)
{
	CU_ASSERT_EQUAL_FATAL(make_dir(), 0);
	int fd = bind_receiver();
	struct rcs_writer *w = rcs_create(path);
	struct timespec t = at(1795554000, 0);
	struct sock_sample s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL(rcs_send(w, &t, 1.0), RCS_CONNECTED);
	/* chronyd stops and removes its socket. */
	close(fd);
	unlink(path);
	CU_ASSERT_EQUAL(rcs_send(w, &t, 1.5), RCS_MISSING);
	CU_ASSERT_FALSE(rcs_connected(w));
	CU_ASSERT_EQUAL(rcs_send(w, &t, 1.5), RCS_MISSING);
	/* And starts again. */
	fd = bind_receiver();
	CU_ASSERT_EQUAL(rcs_send(w, &t, 2.0), RCS_CONNECTED);
	CU_ASSERT_EQUAL(rcs_sent(w), 2);
	CU_ASSERT_EQUAL_FATAL(recv_sample(fd, &s, RECV_DEADLINE_MS), (ssize_t)sizeof(s));
	CU_ASSERT_EQUAL(s.offset, 2.0);
	rcs_destroy(w);
	close(fd);
	CU_ASSERT_EQUAL(remove_dir(), 0);
}

/* Sends until chronyd's queue is full; returns how many went through, or -1. */
static int fill_queue(struct rcs_writer *w)
{
	struct timespec t = at(1795554000, 0);
	enum rcs_state st = RCS_CONNECTED;
	int sent = -1;

	/* Bounded: the queue holds net.unix.max_dgram_qlen datagrams, a few hundred at most. */
	for (int tries = 0; st == RCS_CONNECTED && tries < 100000; tries++) {
		st = rcs_send(w, &t, 0.5);
		sent++;
	}
	return st == RCS_BUSY ? sent : -1;
}

static void full_queue_is_busy_without_blocking(void)
{
	CU_ASSERT_EQUAL_FATAL(make_dir(), 0);
	int fd = bind_receiver();
	struct rcs_writer *w = rcs_create(path);
	struct sock_sample s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	/* chronyd is not reading. */
	int sent = fill_queue(w);
	CU_ASSERT_FATAL(sent > 0);
	CU_ASSERT_EQUAL(rcs_errno(w), EAGAIN);
	CU_ASSERT_EQUAL(rcs_sent(w), (unsigned long long)sent);
	/* A full queue says nothing against the connection. */
	CU_ASSERT_TRUE(rcs_connected(w));
	int read = 0;
	while (recv_sample(fd, &s, 0) == (ssize_t)sizeof(s))
		read++;
	CU_ASSERT_EQUAL(read, sent);
	rcs_destroy(w);
	close(fd);
	CU_ASSERT_EQUAL(remove_dir(), 0);
}

static void sending_resumes_once_chronyd_drains_its_queue(void)
{
	CU_ASSERT_EQUAL_FATAL(make_dir(), 0);
	int fd = bind_receiver();
	struct rcs_writer *w = rcs_create(path);
	struct timespec t = at(1795554100, 0);
	struct sock_sample s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	int sent = fill_queue(w);
	CU_ASSERT_FATAL(sent > 0);
	/* chronyd catches up and reads everything. */
	while (recv_sample(fd, &s, 0) == (ssize_t)sizeof(s))
		;
	/* The queue has room again: the next sample must go through. */
	CU_ASSERT_EQUAL(rcs_send(w, &t, 0.25), RCS_CONNECTED);
	CU_ASSERT_EQUAL(rcs_sent(w), (unsigned long long)sent + 1);
	CU_ASSERT_EQUAL(recv_sample(fd, &s, RECV_DEADLINE_MS), (ssize_t)sizeof(s));
	CU_ASSERT_EQUAL(s.tv.tv_sec, 1795554100);
	rcs_destroy(w);
	close(fd);
	CU_ASSERT_EQUAL(remove_dir(), 0);
}

/* Registered only when not root: root may connect to any socket. */
static void socket_without_write_permission_is_denied(void)
{
	CU_ASSERT_EQUAL_FATAL(make_dir(), 0);
	int fd = bind_receiver();
	struct rcs_writer *w = rcs_create(path);
	struct timespec t = at(1795554000, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL_FATAL(chmod(path, 0444), 0);
	CU_ASSERT_EQUAL(rcs_send(w, &t, 1.0), RCS_DENIED);
	CU_ASSERT_EQUAL(rcs_errno(w), EACCES);
	CU_ASSERT_FALSE(rcs_connected(w));
	CU_ASSERT_EQUAL(rcs_sent(w), 0);
	/* Access granted (the chrony drop-in): the next sample goes through. */
	CU_ASSERT_EQUAL_FATAL(chmod(path, 0666), 0);
	CU_ASSERT_EQUAL(rcs_send(w, &t, 1.0), RCS_CONNECTED);
	rcs_destroy(w);
	close(fd);
	CU_ASSERT_EQUAL(remove_dir(), 0);
}

static void path_longer_than_sun_path_is_refused(void)
{
	struct sockaddr_un addr;
	char p[sizeof(addr.sun_path) + 1];

	memset(p, 'a', sizeof(p));
	p[0] = '/';
	p[sizeof(addr.sun_path)] = '\0'; /* 108 characters: no room for the NUL */
	CU_ASSERT_PTR_NULL(rcs_create(p));
	p[sizeof(addr.sun_path) - 1] = '\0';
	struct rcs_writer *w = rcs_create(p);
	CU_ASSERT_PTR_NOT_NULL(w);
	rcs_destroy(w);
	rcs_destroy(NULL);
}

static void hints_are_distinct(void)
{
	for (int i = RCS_NOT_TRIED; i <= RCS_ERROR; i++) {
		const char *h = rcs_hint((enum rcs_state)i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		CU_ASSERT_STRING_NOT_EQUAL(h, "unknown");
		for (int j = RCS_NOT_TRIED; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(h, rcs_hint((enum rcs_state)j));
	}
}

static int init_refclock_sock_tests(void)
{
	static CU_TestInfo tests[] = {
	    RUNNER_TEST(sample_has_chronys_layout_on_this_architecture),
	    RUNNER_TEST(encoded_bytes_are_what_chronyd_reads_at_its_offsets),
	    RUNNER_TEST(encoding_sets_magic_and_no_leap_and_no_pulse),
	    RUNNER_TEST(microseconds_are_truncated_not_rounded),
	    RUNNER_TEST(sample_past_2038_keeps_its_second),
	    RUNNER_TEST(send_delivers_the_sample_to_the_socket),
	    RUNNER_TEST(samples_arrive_in_order_and_are_counted),
	    RUNNER_TEST(missing_socket_is_reported_missing),
	    RUNNER_TEST(socket_file_without_a_reader_is_no_listener),
	    RUNNER_TEST(chronyd_restart_is_survived_by_reconnecting),
	    RUNNER_TEST(chronyd_stopped_then_started_gets_the_next_sample),
	    RUNNER_TEST(full_queue_is_busy_without_blocking),
	    RUNNER_TEST(sending_resumes_once_chronyd_drains_its_queue),
	    RUNNER_TEST(path_longer_than_sun_path_is_refused),
	    RUNNER_TEST(hints_are_distinct),
	    CU_TEST_INFO_NULL,
	};
	if (runner_add_suite("refclock_sock", tests) != 0)
		return -1;
	/* Root passes every permission check, so the denial can only be seen as another user;
	 * as root this test is not registered at all rather than counted as passed. */
	if (geteuid() != 0) {
		CU_pSuite suite = CU_get_suite("refclock_sock");
		if (suite == NULL || CU_add_test(suite, "socket_without_write_permission_is_denied",
		                                 socket_without_write_permission_is_denied) == NULL)
			return -1;
	}
	return 0;
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_refclock_sock_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
