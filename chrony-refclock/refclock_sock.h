/* SPDX-License-Identifier: Apache-2.0 */
/*
 * refclock_sock: the writer that feeds samples to chronyd's SOCK refclock.
 *
 * Non-blocking throughout: a full or absent chronyd costs a failed send, never a wait. chronyd
 * re-creates its socket at every start, so after any failed send the writer reconnects to the
 * path and tries once more; a chrony restart therefore costs at most the sample in flight.
 */
#ifndef IOTNTP_REFCLOCK_SOCK_H
#define IOTNTP_REFCLOCK_SOCK_H

#include <stdbool.h>
#include <time.h>

enum rcs_state {
	RCS_NOT_TRIED = 0, /* no connect attempted yet */
	RCS_CONNECTED,
	RCS_MISSING,     /* no socket at the path: chronyd not running or not configured */
	RCS_NO_LISTENER, /* a stale socket file: chronyd is gone */
	RCS_DENIED,      /* no write permission on the socket */
	RCS_BUSY,        /* chronyd's queue is full: this sample was dropped */
	RCS_ERROR,       /* anything else; see rcs_errno */
};

struct rcs_writer;

/* Creates a writer for the socket at path (not yet connected), or NULL when out of memory. */
struct rcs_writer *rcs_create(const char *path);

/* Closes and frees the writer. */
void rcs_destroy(struct rcs_writer *w);

/* Connects if not connected; returns the resulting state. */
enum rcs_state rcs_connect(struct rcs_writer *w);

/* Sends one sample: offset (s) measured at system time at; returns the resulting state. */
enum rcs_state rcs_send(struct rcs_writer *w, const struct timespec *at, double offset);

/* Whether the last connect or send succeeded. */
bool rcs_connected(const struct rcs_writer *w);

/* The errno behind the last failure. */
int rcs_errno(const struct rcs_writer *w);

/* Samples chronyd accepted into its socket so far. */
unsigned long long rcs_sent(const struct rcs_writer *w);

/* What the operator should do about a state, as one sentence. */
const char *rcs_hint(enum rcs_state s);

#endif
