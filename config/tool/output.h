/* SPDX-License-Identifier: Apache-2.0 */
/*
 * output: a fragment written to its file whole or not at all, with the mode and group that
 * let the service read it and nobody else.
 */
#ifndef IOTNTP_OUTPUT_H
#define IOTNTP_OUTPUT_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Writes data to a temporary file beside path, sets mode and, if group names an existing
 * group, the group, syncs it and renames it over path. On failure nothing is left behind and
 * path is untouched. Returns 0, or -1 with a message in err.
 */
int out_write_atomic(const char *path, const void *data, size_t len, mode_t mode, const char *group,
                     char *err, size_t err_size);

#endif
