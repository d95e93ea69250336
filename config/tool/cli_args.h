/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli_args: iotntp-config's command line, parsed and checked before anything is read or
 * written, so that bad input is refused whole with one message.
 */
#ifndef IOTNTP_CLI_ARGS_H
#define IOTNTP_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bridge_id.h"
#include "carry.h"
#include "credentials.h"
#include "endpoint.h"
#include "identity.h"
#include "signature.h"

#define CLI_ERR_SIZE  1024
#define CLI_MAX_ALLOW 16
#define CLI_MAX_CARRY 32
/* Alibaba recommends more than 300 s; within every platform's range. */
#define CLI_KEEPALIVE_DEFAULT 300
#define CLI_BRIDGE_KEEPALIVE  5 /* mosquitto's bridge takes no keepalive under 5 s */
#define CLI_PATH_MAX          4096
#define CLI_SOCKET_MAX        107 /* sun_path less its NUL */

enum cli_command { CLI_NONE, CLI_MOSQUITTO, CLI_CHRONY };

/* Strings point into argv, or into the struct for the values it works out. */
struct cli_args {
	enum cli_command command;
	bool help;
	const struct crd_platform *platform; /* --platform, by default crd_all[0] */
	/* The identity options as given; who holds those of the platform, checked. */
	const char *product_key;
	const char *product_id;
	const char *device_name;
	const char *device_id;
	struct crd_identity who;
	const char *secret_file; /* "-" is standard input */
	const char *region;      /* NULL when --host is given */
	const char *ca_file;     /* NULL where the platform is proven by a pre-shared key */
	const char *output;      /* NULL is standard output */
	const char *plugin_path;
	const char *refclock_socket;
	const char *bridge_client_id; /* NULL: iotntp-config makes a random one */
	enum sig_method method;
	unsigned port;
	unsigned keepalive_s;
	char host[EP_HOST_MAX + 1];
	char client_id[ID_CLIENT_ID_MAX + 1];
	/* The gateway's other topics on the platform, carried over the same bridge. */
	struct carry_topic carry[CLI_MAX_CARRY];
	int n_carry;
	const char *allow[CLI_MAX_ALLOW];
	int n_allow;
};

/*
 * Parses argv (argv[0] is the program) into args, with defaults for what is not given.
 * default_plugin is the installed plugin's path. Returns 0 (args->help set for --help), or -1
 * with a message in err. A message never holds the value of an unknown option.
 */
int cli_parse(struct cli_args *args, int argc, char *const argv[], const char *default_plugin,
              char *err, size_t err_size);

/* Writes the --help text, naming the default plugin path, to out. */
void cli_usage(FILE *out, const char *default_plugin);

#endif
