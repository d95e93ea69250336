/* SPDX-License-Identifier: Apache-2.0 */
#include "refclock_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sock_sample.h"

struct rcs_writer {
	struct sockaddr_un addr;
	int fd;
	int last_errno;
	enum rcs_state state;
	unsigned long long sent;
};

struct rcs_writer *rcs_create(const char *path)
{
	struct rcs_writer *w;

	if (strlen(path) >= sizeof(w->addr.sun_path))
		return NULL;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->addr.sun_family = AF_UNIX;
	memcpy(w->addr.sun_path, path, strlen(path) + 1);
	w->fd = -1;
	w->state = RCS_NOT_TRIED;
	return w;
}

static void disconnect(struct rcs_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

void rcs_destroy(struct rcs_writer *w)
{
	if (w == NULL)
		return;
	disconnect(w);
	free(w);
}

static enum rcs_state from_errno(int err)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
		return RCS_MISSING;
	case ECONNREFUSED:
	case ENOTCONN:
		return RCS_NO_LISTENER;
	case EACCES:
	case EPERM:
		return RCS_DENIED;
	case EAGAIN:
	case ENOBUFS:
		return RCS_BUSY;
	default:
		return RCS_ERROR;
	}
}

static enum rcs_state fail(struct rcs_writer *w, int err)
{
	w->last_errno = err;
	w->state = from_errno(err);
	/* A full queue says nothing about the socket; anything else means connect anew. */
	if (w->state != RCS_BUSY)
		disconnect(w);
	return w->state;
}

enum rcs_state rcs_connect(struct rcs_writer *w)
{
	/* An open socket stays connected, even while chronyd's queue is full. */
	if (w->fd >= 0)
		return RCS_CONNECTED;
	w->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (w->fd < 0)
		return fail(w, errno);
	if (connect(w->fd, (const struct sockaddr *)&w->addr, sizeof(w->addr)) != 0)
		return fail(w, errno);
	w->state = RCS_CONNECTED;
	w->last_errno = 0;
	return w->state;
}

static enum rcs_state send_once(struct rcs_writer *w, const struct sock_sample *s)
{
	if (rcs_connect(w) != RCS_CONNECTED)
		return w->state;
	if (send(w->fd, s, sizeof(*s), MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof(*s))
		return fail(w, errno);
	w->state = RCS_CONNECTED;
	w->sent++;
	return w->state;
}

enum rcs_state rcs_send(struct rcs_writer *w, const struct timespec *at, double offset)
{
	struct sock_sample s;
	bool was_open = w->fd >= 0;

	sock_sample_encode(&s, at, offset);
	enum rcs_state st = send_once(w, &s);
	/* A connection made before chronyd restarted points at its old socket: one fresh
	 * connect reaches the new one. */
	if (st != RCS_CONNECTED && st != RCS_BUSY && was_open)
		st = send_once(w, &s);
	return st;
}

bool rcs_connected(const struct rcs_writer *w)
{
	return w->fd >= 0 && w->state != RCS_ERROR;
}

int rcs_errno(const struct rcs_writer *w)
{
	return w->last_errno;
}

unsigned long long rcs_sent(const struct rcs_writer *w)
{
	return w->sent;
}

const char *rcs_hint(enum rcs_state s)
{
	switch (s) {
	case RCS_NOT_TRIED:
		return "not tried yet";
	case RCS_CONNECTED:
		return "connected";
	case RCS_MISSING:
		return "no socket there: start chronyd with a matching 'refclock SOCK' line";
	case RCS_NO_LISTENER:
		return "stale socket: chronyd is not running; start it";
	case RCS_DENIED:
		return "the broker's user may not write to the socket: install the chrony drop-in "
		       "that grants the mosquitto group write access, then restart chrony";
	case RCS_BUSY:
		return "chronyd is not reading its socket fast enough; sample dropped";
	case RCS_ERROR:
		return "unexpected error";
	}
	return "unknown";
}
