/* SPDX-License-Identifier: Apache-2.0 */
/*
 * iotntp-config: writes the mosquitto.conf and chrony.conf fragments for a gateway.
 *
 * Everything is checked and rendered in memory first; only then is anything written, so bad
 * input leaves no half-written configuration behind. The secret and the password derived from
 * it are wiped from memory once rendered.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge_id.h"
#include "ca_file.h"
#include "cli_args.h"
#include "credentials.h"
#include "fragments.h"
#include "output.h"
#include "secret.h"
#include "signature.h"

#ifndef IOTNTP_PLUGIN_PATH
#error IOTNTP_PLUGIN_PATH names the installed plugin (config/tool/CMakeLists.txt)
#endif

#define EXIT_BAD_INPUT 2
#define EXIT_WRITE     1

/* A fragment is about 2 KB; the longest paths and names all together stay well within. */
#define FRAGMENT_MAX 32768

/* The group mosquitto reads its configuration with; chronyd reads its own as root. */
#define MOSQUITTO_GROUP "mosquitto"

static int bad_input(const char *msg)
{
	fprintf(stderr, "iotntp-config: %s\nTry 'iotntp-config --help'.\n", msg);
	return EXIT_BAD_INPUT;
}

/* Tells the operator, on standard error, what a login that signs this machine's clock means,
 * where the platform does not say whether it checks it. */
static void clock_note(const struct crd_platform *p, time_t now)
{
	char when[32];
	struct tm utc;

	if (p->clock != CRD_CLOCK_UNKNOWN || gmtime_r(&now, &utc) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &utc) == 0)
		return;
	fprintf(
	    stderr,
	    "iotntp-config: note: platform %s's login signs this machine's time, %s.\n"
	    "The platform does not document whether it checks that time against its own\n"
	    "clock. If it does not, the login works for good; if it does, the bridge's login\n"
	    "will be refused once that time is too old (\"not authorised\" in the broker log):\n"
	    "then run iotntp-config again.\n",
	    p->name, when);
}

/* Renders the mosquitto fragment into a memory stream; 0, or an exit status. */
static int render_mosquitto(const struct cli_args *a, FILE *out)
{
	const struct crd_platform *p = a->platform;
	char err[CLI_ERR_SIZE];
	char ca_abs[PATH_MAX];
	char secret[SECRET_SIZE];
	char bridge_id[BRIDGE_ID_SIZE];
	char nonce[CRD_NONCE_LEN + 1] = "";
	struct crd_login login;
	time_t now = time(NULL);
	int rc = 0;

	memset(&login, 0, sizeof(login));
	if (a->ca_file != NULL &&
	    ca_file_check(a->ca_file, ca_abs, sizeof(ca_abs), err, sizeof(err)) != 0)
		return bad_input(err);
	if (secret_load(a->secret_file, secret, err, sizeof(err)) != 0)
		return bad_input(err);
	if (p->check_secret(secret, err, sizeof(err)) != 0) {
		rc = bad_input(err);
		goto out;
	}
	/* A predictable bridge id would bring back the takeover it exists to prevent: no
	 * fallback for either. */
	if (a->bridge_client_id != NULL) {
		snprintf(bridge_id, sizeof(bridge_id), "%s", a->bridge_client_id);
	} else if (bridge_id_generate(bridge_id) != 0) {
		fprintf(stderr,
		        "iotntp-config: OpenSSL's random generator failed, so no bridge client id "
		        "can be made: nothing is written\n");
		rc = EXIT_WRITE;
		goto out;
	}
	if (p->nonce && crd_nonce(nonce) != 0) {
		fprintf(stderr,
		        "iotntp-config: OpenSSL's random generator failed, so no connection "
		        "nonce can be made: nothing is written\n");
		rc = EXIT_WRITE;
		goto out;
	}
	if (now < p->min_clock) {
		struct tm utc;
		char when[32] = "?";
		if (gmtime_r(&now, &utc) != NULL)
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &utc);
		fprintf(stderr,
		        "iotntp-config: this machine's clock says %s, which cannot be the time, "
		        "and platform %s's login signs it: set the clock first (date -u -s), or "
		        "write the fragment on a machine whose clock is right\n",
		        when, p->name);
		rc = EXIT_WRITE;
		goto out;
	}
	if (p->sign(&a->who, secret, now, nonce, &login) != 0) {
		fprintf(stderr, "iotntp-config: the login could not be made for this identity\n");
		rc = EXIT_WRITE;
		goto out;
	}
	struct frag_mosquitto m = {
	    .platform = p,
	    .who = &a->who,
	    .login = &login,
	    .host = a->host,
	    .port = a->port,
	    .keepalive_s = a->keepalive_s,
	    .ca_file = a->ca_file != NULL ? ca_abs : NULL,
	    .plugin_path = a->plugin_path,
	    .refclock_socket = a->refclock_socket,
	    .bridge_client_id = bridge_id,
	    .carry = a->carry,
	    .n_carry = a->n_carry,
	};
	if (frag_mosquitto_write(out, &m) != 0) {
		fprintf(stderr, "iotntp-config: cannot render the mosquitto fragment\n");
		rc = EXIT_WRITE;
		goto out;
	}
	clock_note(p, now);
out:
	secret_wipe(secret, sizeof(secret));
	secret_wipe(&login, sizeof(login));
	return rc;
}

static int render_chrony(const struct cli_args *a, FILE *out)
{
	struct frag_chrony c = {
	    .refclock_socket = a->refclock_socket,
	    .allow = a->allow,
	    .n_allow = a->n_allow,
	};
	if (frag_chrony_write(out, &c) != 0) {
		fprintf(stderr, "iotntp-config: cannot render the chrony fragment\n");
		return EXIT_WRITE;
	}
	return 0;
}

static int emit(const struct cli_args *a, const char *text, size_t len)
{
	char err[CLI_ERR_SIZE];

	if (a->output == NULL) {
		if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
			perror("iotntp-config: standard output");
			return EXIT_WRITE;
		}
		return 0;
	}
	bool secret = a->command == CLI_MOSQUITTO;
	if (out_write_atomic(a->output, text, len, secret ? 0640 : 0644,
	                     secret ? MOSQUITTO_GROUP : NULL, err, sizeof(err)) != 0) {
		fprintf(stderr, "iotntp-config: %s\n", err);
		return EXIT_WRITE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct cli_args args;
	char err[CLI_ERR_SIZE];
	/*
	 * A fixed buffer, and no stdio buffer in front of it: no copy of the password is left
	 * in memory given back without being wiped.
	 */
	static char text[FRAGMENT_MAX];

	if (cli_parse(&args, argc, argv, IOTNTP_PLUGIN_PATH, err, sizeof(err)) != 0)
		return bad_input(err);
	if (args.help) {
		cli_usage(stdout, IOTNTP_PLUGIN_PATH);
		return 0;
	}

	FILE *out = fmemopen(text, sizeof(text), "w");
	if (out == NULL) {
		perror("iotntp-config: fmemopen");
		return EXIT_WRITE;
	}
	setvbuf(out, NULL, _IONBF, 0);
	int rc = args.command == CLI_MOSQUITTO ? render_mosquitto(&args, out)
	                                       : render_chrony(&args, out);
	long len = ftell(out);
	if (fclose(out) != 0 && rc == 0)
		rc = EXIT_WRITE;
	if (rc == 0 && (len <= 0 || (size_t)len >= sizeof(text))) {
		fprintf(stderr, "iotntp-config: the fragment does not fit in %zu bytes\n",
		        sizeof(text));
		rc = EXIT_WRITE;
	}
	if (rc == 0)
		rc = emit(&args, text, (size_t)len);
	secret_wipe(text, sizeof(text));
	/* Port 1883's CA runs out on Alibaba's alone. */
	const char *warning = args.command == CLI_MOSQUITTO && args.platform == crd_all[0]
	                          ? ep_port_warning(args.port)
	                          : NULL;
	if (rc == 0 && warning != NULL)
		fprintf(stderr, "iotntp-config: warning: %s\n", warning);
	return rc;
}
