/* SPDX-License-Identifier: Apache-2.0 */
/*
 * secret: the DeviceSecret, read from a file or standard input and never from the command line,
 * where ps shows it to every user. Its text never appears in a message.
 */
#ifndef IOTNTP_SECRET_H
#define IOTNTP_SECRET_H

#include <stddef.h>
#include <stdio.h>

/* The platform issues 32-character secrets; this leaves room without accepting a whole file. */
#define SECRET_MAX  128
#define SECRET_SIZE (SECRET_MAX + 1)

/*
 * Reads one line, the secret, from in into buf (SECRET_SIZE bytes); one trailing "\n" or
 * "\r\n" is dropped. Returns 0, or -1 with err set when it is empty, too long, more than one
 * line, or holds a space or control character. name says where it came from, for err.
 */
int secret_read(FILE *in, const char *name, char buf[SECRET_SIZE], char *err, size_t err_size);

/* Opens path ("-" is standard input) and reads the secret from it as secret_read does. */
int secret_load(const char *path, char buf[SECRET_SIZE], char *err, size_t err_size);

/* Overwrites the buffer so the secret does not outlive its use in memory. */
void secret_wipe(void *buf, size_t size);

#endif
