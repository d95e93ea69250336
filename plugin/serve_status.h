/* SPDX-License-Identifier: Apache-2.0 */
/*
 * serve_status: the retained JSON message in which the serve role, when it runs alone (the
 * platform emulator), says what it did with the requests that reached it:
 *
 *   {"role":"serve","requests_received":14,"answered":12,"rate_limited":1,"bad_request":1,
 *    "unsynced":0}
 *
 * requests_received counts every request message on a device's request topic, answered or
 * not; a benchmark reads it to count what a gateway really sent.
 */
#ifndef IOTNTP_SERVE_STATUS_H
#define IOTNTP_SERVE_STATUS_H

#include <stddef.h>

#include "serve.h"

/* Room for a whole serve status message, terminating NUL included. */
#define SST_BUF_SIZE 256

/* Writes the serve role's status JSON into buf; returns its length, or -1 if it does not fit. */
int sst_format(char *buf, size_t size, const struct srv_stats *s);

#endif
