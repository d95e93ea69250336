/* SPDX-License-Identifier: Apache-2.0 */
/*
 * status_view: the plugin's status message (see plugin/status.h) as an operator reads it, one
 * aligned "Name : value" line per fact, as chronyc tracking prints chronyd's state.
 *
 * Only "synced" must be there: every other fact gets its line when its field is present and
 * of the expected type, so a status from an older or newer plugin still reads.
 */
#ifndef IOTNTP_STATUS_VIEW_H
#define IOTNTP_STATUS_VIEW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Room for an error message about a status, terminating NUL included. */
#define SV_ERR_SIZE 256

/* Room for an age from sv_age, terminating NUL included. */
#define SV_AGE_SIZE 48

/* What a status says about sync: the values are iotntp-status's exit statuses. */
enum sv_sync { SV_SYNCED = 0, SV_UNSYNCED = 1 };

/* Whether the len bytes of text are a status and say synced; -1 with a message in err if not. */
int sv_synced(const char *text, size_t len, char *err, size_t err_size);

/*
 * Writes the view of the status in text (len bytes) to out, with ages counted back from now_ms
 * (Unix time in ms). Returns SV_SYNCED or SV_UNSYNCED; -1 with a message in err, having
 * written nothing, if text is not a status; -2 if out could not be written.
 */
int sv_write(FILE *out, const char *text, size_t len, int64_t now_ms, char *err, size_t err_size);

/* Writes how long ago ms milliseconds were, "4 min 12 s ago" or "3 s in the future". */
void sv_age(char *buf, size_t size, int64_t ms);

/* Parses a status time, "2026-11-24T21:00:00.123Z", into Unix time in ms; 0, or -1. */
int sv_parse_utc(const char *text, int64_t *ms);

#endif
