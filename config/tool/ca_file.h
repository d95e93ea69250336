/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ca_file: the root CA the bridge verifies the platform against, checked before it goes into
 * mosquitto.conf, where a wrong path would only show as a bridge that never connects.
 */
#ifndef IOTNTP_CA_FILE_H
#define IOTNTP_CA_FILE_H

#include <stddef.h>

/*
 * Checks that path is a readable regular file holding at least one PEM certificate, and writes
 * its absolute path into abs. Returns 0, or -1 with a message in err.
 */
int ca_file_check(const char *path, char *abs, size_t abs_size, char *err, size_t err_size);

#endif
