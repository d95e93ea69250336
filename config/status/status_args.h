/* SPDX-License-Identifier: Apache-2.0 */
/*
 * status_args: iotntp-status's command line. The connection options are mosquitto_sub's, with
 * its names, so an operator who reads the status with mosquitto_sub can switch unchanged.
 */
#ifndef IOTNTP_STATUS_ARGS_H
#define IOTNTP_STATUS_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define SA_ERR_SIZE        512
#define SA_DEFAULT_HOST    "localhost"
#define SA_DEFAULT_TOPIC   "iotntp/status"
#define SA_PORT_PLAIN      1883
#define SA_PORT_TLS        8883
#define SA_DEFAULT_TIMEOUT 3
#define SA_MAX_TIMEOUT     3600

/* Strings point into argv or are the defaults above. */
struct sa_args {
	bool help;
	bool json; /* print the message as it is, not the view */
	const char *host;
	unsigned port; /* SA_PORT_TLS by default when a TLS option is given */
	const char *topic;
	const char *id;       /* NULL: the library makes a random one */
	const char *username; /* NULL: none */
	const char *password; /* NULL: none; needs username */
	bool tls;             /* one of cafile, capath, tls_use_os_certs given */
	const char *cafile;
	const char *capath;
	const char *certfile; /* client certificate; needs keyfile */
	const char *keyfile;
	const char *tls_version; /* NULL: the library's default */
	bool insecure;           /* do not check the server certificate's host name */
	bool tls_use_os_certs;
	unsigned timeout_s; /* how long to wait for a status, connecting included */
};

/* Parses argv (argv[0] is the program) into args, with defaults for what is not given. Returns
 * 0 (args->help set for --help), or -1 with a message in err, which never holds a password. */
int sa_parse(struct sa_args *args, int argc, char *const argv[], char *err, size_t err_size);

/* Writes the --help text to out. */
void sa_usage(FILE *out);

#endif
