/* SPDX-License-Identifier: Apache-2.0 */
/*
 * request_table: the requests in flight, keyed by the id their answers carry (struct dlc_id:
 * an echoed number, a message id, or none).
 *
 * Each request is matched once: an answered, expired or overwritten request never matches
 * again, so a replayed or late response cannot become a sample. The table is a small ring; an
 * entry lives until its slot is reused, which lets a late or repeated answer be told from an
 * unknown one. Requests without an id (DLC_ID_NONE) all look alike: the caller keeps one in
 * flight at a time, and an answer goes to the one waiting, if any.
 */
#ifndef IOTNTP_REQUEST_TABLE_H
#define IOTNTP_REQUEST_TABLE_H

#include <stdint.h>

#include "dialect.h"

/* Slots in the ring: several bursts of the largest size. */
#define RQT_CAPACITY 64

enum rqt_match {
	RQT_MATCHED = 0, /* outstanding and in time: now answered */
	RQT_UNKNOWN,     /* never sent, or forgotten */
	RQT_DUPLICATE,   /* already answered */
	RQT_EXPIRED,     /* answered after the timeout */
};

struct rqt_table;

/* Creates an empty table, or NULL when out of memory. */
struct rqt_table *rqt_create(int64_t timeout_ns);

/* Frees the table. */
void rqt_destroy(struct rqt_table *t);

/* Records a request named id, sent at mono_ns. The caller keeps ids unique. */
void rqt_add(struct rqt_table *t, const struct dlc_id *id, int64_t mono_ns);

/* The newest request, still waiting, left at mono_ns, later than rqt_add recorded: its answer
 * is timed, and expires, from then. */
void rqt_left(struct rqt_table *t, int64_t mono_ns);

/* Looks an answer's id up at now_ns without closing it; on RQT_MATCHED gives the send time. */
enum rqt_match rqt_find(const struct rqt_table *t, const struct dlc_id *id, int64_t now_ns,
                        int64_t *sent_ns);

/* Matches an answer's id at now_ns; on RQT_MATCHED gives the send time and closes the entry. */
enum rqt_match rqt_match(struct rqt_table *t, const struct dlc_id *id, int64_t now_ns,
                         int64_t *sent_ns);

/* Expires the outstanding requests older than the timeout; returns how many expired now. */
unsigned rqt_expire(struct rqt_table *t, int64_t now_ns);

/* Number of requests still waiting for an answer. */
unsigned rqt_outstanding(const struct rqt_table *t);

/* Human-readable name of a match result, for logs and counters. */
const char *rqt_match_name(enum rqt_match m);

#endif
