/* SPDX-License-Identifier: Apache-2.0 */
/*
 * iotntp-status: reads the iotntp plugin's retained status from the gateway's broker and prints
 * it as status_view lays it out, or as it is with --json.
 *
 * One client, one subscription, one message. Everything, connecting included, happens within
 * the --timeout: the connection is made non-blocking and the loop is driven here, so neither a
 * host that does not answer nor a broker with no status retained can hold a script up.
 */
#include <errno.h>
#include <mosquitto.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "status_args.h"
#include "status_view.h"

#define EXIT_NO_STATUS 2

/* A status is about 700 bytes; anything much longer is not one. */
#define MESSAGE_MAX 65536

/* As mosquitto_sub's; the client is gone long before the broker would check it. */
#define KEEPALIVE_S 60

/* The longest the loop waits in one call, so the deadline is checked often enough. */
#define LOOP_SLICE_MS 100

/* Room for the library's last error line, and for a reason made from it. */
#define LOG_SIZE 256
#define WHY_SIZE (LOG_SIZE + 16)

enum phase { CONNECTING, SUBSCRIBING, WAITING, DONE, FAILED };

struct reader {
	const struct sa_args *args;
	enum phase phase;
	char error[SA_ERR_SIZE + 256];
	char last_log[LOG_SIZE]; /* the library's last error line: says why TLS failed */
	bool refused;            /* the connection failed before the broker answered */
	char *message;
	size_t message_len;
};

__attribute__((format(printf, 2, 3))) static void set_failed(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->phase == FAILED)
		return;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	r->phase = FAILED;
}

static void on_log(struct mosquitto *mosq, void *userdata, int level, const char *line)
{
	struct reader *r = userdata;

	(void)mosq;
	if (level == MOSQ_LOG_ERR)
		snprintf(r->last_log, sizeof(r->last_log), "%s", line);
}

/* What the library's rc means, in words and without the library's full stop. */
static void describe(const struct reader *r, int rc, char *buf, size_t size)
{
	/* The library logs OpenSSL's reason before it returns MOSQ_ERR_TLS. */
	static const char openssl_prefix[] = "OpenSSL Error[0]: ";

	if (rc == MOSQ_ERR_ERRNO) {
		snprintf(buf, size, "%s", strerror(errno));
	} else if (rc == MOSQ_ERR_EAI) {
		snprintf(buf, size, "the host name does not resolve");
	} else if (rc == MOSQ_ERR_TLS && r->last_log[0] != '\0') {
		const char *log = r->last_log;
		if (strncmp(log, openssl_prefix, sizeof(openssl_prefix) - 1) == 0)
			log += sizeof(openssl_prefix) - 1;
		snprintf(buf, size, "TLS: %s", log);
	} else {
		snprintf(buf, size, "%s", mosquitto_strerror(rc));
		size_t n = strlen(buf);
		if (n > 0 && buf[n - 1] == '.')
			buf[n - 1] = '\0';
	}
}

static void on_connect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct reader *r = userdata;
	/* The broker's CONNACK codes; the library's words for them start "Connection Refused". */
	static const char *const refusals[] = {
	    [1] = "it does not speak this MQTT version",
	    [2] = "it does not accept the client id",
	    [3] = "it is unavailable",
	    [4] = "bad user name or password (--username, --pw)",
	    [5] = "not authorised (--username, --pw)",
	};

	if (rc != 0) {
		set_failed(r, "%s:%u refused the connection: %s", r->args->host, r->args->port,
		           rc > 0 && rc < 6 ? refusals[rc] : mosquitto_connack_string(rc));
		return;
	}
	rc = mosquitto_subscribe(mosq, NULL, r->args->topic, 0);
	if (rc != MOSQ_ERR_SUCCESS) {
		char why[WHY_SIZE];
		describe(r, rc, why, sizeof(why));
		set_failed(r, "cannot subscribe to %s: %s", r->args->topic, why);
	} else {
		r->phase = SUBSCRIBING;
	}
}

static void on_subscribe(struct mosquitto *mosq, void *userdata, int mid, int qos_count,
                         const int *granted_qos)
{
	struct reader *r = userdata;

	(void)mosq;
	(void)mid;
	/* 0x80: the broker's ACL does not let this user read the topic. */
	if (qos_count < 1 || granted_qos[0] > 2)
		set_failed(r, "%s:%u refused the subscription to %s: may this user read it?",
		           r->args->host, r->args->port, r->args->topic);
	else if (r->phase == SUBSCRIBING)
		r->phase = WAITING;
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *m)
{
	struct reader *r = userdata;

	(void)mosq;
	if (r->phase == DONE || r->phase == FAILED || strcmp(m->topic, r->args->topic) != 0)
		return;
	if (m->payloadlen <= 0 || m->payloadlen > MESSAGE_MAX) {
		set_failed(r, "the message on %s is %d bytes long: not a status", r->args->topic,
		           m->payloadlen);
		return;
	}
	r->message = malloc((size_t)m->payloadlen + 1);
	if (r->message == NULL) {
		set_failed(r, "out of memory");
		return;
	}
	memcpy(r->message, m->payload, (size_t)m->payloadlen);
	r->message[m->payloadlen] = '\0';
	r->message_len = (size_t)m->payloadlen;
	r->phase = DONE;
}

static void on_disconnect(struct mosquitto *mosq, void *userdata, int rc)
{
	struct reader *r = userdata;

	(void)mosq;
	(void)rc;
	/* Closed without a CONNACK: a TLS listener hangs up on a client speaking plain MQTT. */
	if (r->phase == CONNECTING)
		set_failed(r,
		           "%s:%u closed the connection without accepting it: does it want TLS "
		           "(--cafile)?",
		           r->args->host, r->args->port);
	else if (r->phase != DONE)
		set_failed(r, "%s:%u closed the connection before a status came", r->args->host,
		           r->args->port);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void connection_failed(struct reader *r, int rc)
{
	char why[WHY_SIZE];

	/* Nothing answered at that address: another of the host's may. */
	r->refused = r->phase == CONNECTING && rc != MOSQ_ERR_TLS && rc != MOSQ_ERR_EAI;

	describe(r, rc, why, sizeof(why));
	set_failed(r, "%s %s:%u: %s",
	           r->phase == CONNECTING ? "cannot connect to" : "lost the connection to",
	           r->args->host, r->args->port, why);
}

/* A file named by an option can be read: the library would only say its arguments are bad. */
static int readable(struct reader *r, const char *option, const char *path)
{
	FILE *f;

	if (path == NULL)
		return 0;
	f = fopen(path, "r");
	if (f == NULL) {
		set_failed(r, "%s %s: %s", option, path, strerror(errno));
		return -1;
	}
	fclose(f);
	return 0;
}

static int configure(struct mosquitto *mosq, const struct sa_args *a, struct reader *r)
{
	int rc = MOSQ_ERR_SUCCESS;

	if (readable(r, "--cafile", a->cafile) != 0 || readable(r, "--cert", a->certfile) != 0 ||
	    readable(r, "--key", a->keyfile) != 0)
		return -1;

	if (a->username != NULL)
		rc = mosquitto_username_pw_set(mosq, a->username, a->password);
	if (rc == MOSQ_ERR_SUCCESS && a->tls) {
		if (a->tls_use_os_certs)
			rc = mosquitto_int_option(mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
		if (rc == MOSQ_ERR_SUCCESS && (a->cafile != NULL || a->capath != NULL))
			rc = mosquitto_tls_set(mosq, a->cafile, a->capath, a->certfile, a->keyfile,
			                       NULL);
		if (rc == MOSQ_ERR_SUCCESS)
			rc = mosquitto_tls_opts_set(mosq, 1, a->tls_version, NULL);
		if (rc == MOSQ_ERR_SUCCESS && a->insecure)
			rc = mosquitto_tls_insecure_set(mosq, true);
	}
	if (rc != MOSQ_ERR_SUCCESS) {
		char why[WHY_SIZE];
		describe(r, rc, why, sizeof(why));
		set_failed(r, "cannot use these options: %s", why);
		return -1;
	}
	mosquitto_log_callback_set(mosq, on_log);
	mosquitto_connect_callback_set(mosq, on_connect);
	mosquitto_subscribe_callback_set(mosq, on_subscribe);
	mosquitto_message_callback_set(mosq, on_message);
	mosquitto_disconnect_callback_set(mosq, on_disconnect);
	return 0;
}

/*
 * One connection, from a new client, until the status came, a failure, or the deadline; bind
 * (NULL: any) picks the address family. The client is made anew each time, as the library
 * keeps state from a failed connection.
 */
static void attempt(struct reader *r, const char *bind, int64_t deadline)
{
	const struct sa_args *a = r->args;
	struct mosquitto *mosq = mosquitto_new(a->id, true, r);
	int rc;

	if (mosq == NULL) {
		set_failed(r, "cannot make an MQTT client: %s", strerror(errno));
		return;
	}
	if (configure(mosq, a, r) != 0)
		goto out;
	rc = mosquitto_connect_bind_async(mosq, a->host, (int)a->port, KEEPALIVE_S, bind);
	if (rc != MOSQ_ERR_SUCCESS) {
		connection_failed(r, rc);
		goto out;
	}
	while (r->phase != DONE && r->phase != FAILED) {
		int64_t left = deadline - mono_ms();
		if (left <= 0)
			break;
		rc = mosquitto_loop(mosq, left < LOOP_SLICE_MS ? (int)left : LOOP_SLICE_MS, 1);
		if (rc != MOSQ_ERR_SUCCESS && r->phase != DONE)
			connection_failed(r, rc);
	}
	if (r->phase == DONE)
		mosquitto_disconnect(mosq);
out:
	mosquitto_destroy(mosq);
}

/* The address families host resolves to, each once, in the resolver's order; how many. */
static int host_families(const char *host, int families[2])
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
	struct addrinfo *ai;
	int n = 0;

	if (getaddrinfo(host, NULL, &hints, &ai) != 0)
		return 0;
	for (const struct addrinfo *p = ai; p != NULL && n < 2; p = p->ai_next) {
		if ((p->ai_family == AF_INET || p->ai_family == AF_INET6) &&
		    (n == 0 || families[0] != p->ai_family))
			families[n++] = p->ai_family;
	}
	freeaddrinfo(ai);
	return n;
}

/*
 * The message on the status topic, within the timeout; r->phase is DONE or FAILED after it.
 *
 * Connecting without blocking, libmosquitto tries only the first address the host resolves
 * to: "localhost" is often ::1 first, and a broker that listens on 127.0.0.1 alone would be
 * missed, where mosquitto_sub, connecting blocking, tries the next. So each address family
 * gets its turn: given a bind address, the library skips the addresses of the other family.
 * The host name itself is still what the library connects to, so TLS checks the certificate
 * against it.
 */
static void read_status(struct reader *r)
{
	const struct sa_args *a = r->args;
	int64_t deadline = mono_ms() + (int64_t)a->timeout_s * 1000;
	int families[2];
	int n = host_families(a->host, families);

	if (n < 2) {
		attempt(r, NULL, deadline);
	} else {
		for (int i = 0; i < n; i++) {
			if (i > 0) {
				if (!r->refused || mono_ms() >= deadline)
					break;
				r->phase = CONNECTING;
				r->refused = false;
				r->last_log[0] = '\0';
			}
			attempt(r, families[i] == AF_INET6 ? "::" : "0.0.0.0", deadline);
		}
	}
	if (r->phase == CONNECTING)
		set_failed(r,
		           "no answer from %s:%u within %u s: is an MQTT broker listening there?",
		           a->host, a->port, a->timeout_s);
	else if (r->phase == SUBSCRIBING || r->phase == WAITING)
		set_failed(r,
		           "no status on %s at %s:%u within %u s: is the iotntp plugin loaded in "
		           "this broker, with this status_topic?",
		           a->topic, a->host, a->port, a->timeout_s);
}

/* Prints what was read; the exit status. */
static int show(const struct reader *r)
{
	const struct sa_args *a = r->args;
	char err[SV_ERR_SIZE];
	int synced;

	if (a->json) {
		printf("%s\n", r->message);
		synced = sv_synced(r->message, r->message_len, err, sizeof(err));
	} else {
		synced = sv_write(stdout, r->message, r->message_len, real_ms(), err, sizeof(err));
	}
	if (synced == -1) {
		fprintf(stderr, "iotntp-status: the message on %s at %s:%u is not a status: %s\n",
		        a->topic, a->host, a->port, err);
		return EXIT_NO_STATUS;
	}
	if (synced < 0 || fflush(stdout) != 0 || ferror(stdout)) {
		perror("iotntp-status: standard output");
		return EXIT_NO_STATUS;
	}
	return synced;
}

int main(int argc, char **argv)
{
	struct sa_args args;
	char err[SA_ERR_SIZE];

	if (sa_parse(&args, argc, argv, err, sizeof(err)) != 0) {
		fprintf(stderr, "iotntp-status: %s\nTry 'iotntp-status --help'.\n", err);
		return EXIT_NO_STATUS;
	}
	if (args.help) {
		sa_usage(stdout);
		return 0;
	}

	struct reader r = {.args = &args, .phase = CONNECTING};
	mosquitto_lib_init();
	read_status(&r);
	mosquitto_lib_cleanup();
	if (r.phase != DONE) {
		fprintf(stderr, "iotntp-status: %s\n", r.error);
		free(r.message);
		return EXIT_NO_STATUS;
	}
	int rc = show(&r);
	free(r.message);
	return rc;
}
