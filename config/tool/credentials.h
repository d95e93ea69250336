/* SPDX-License-Identifier: Apache-2.0 */
/*
 * credentials: how a bridge logs in to each IoT platform, one table per platform.
 *
 * As the plugin's dialects (plugin/dialect.h) give each platform's time service, a credentials
 * table gives its connection: where it listens, how the bridge proves the platform (a CA, or a
 * pre-shared key), which names it accepts and what the command line and the plugin call them,
 * the keepalive it allows, and how the MQTT client id, username and password are made from the
 * device's identity and secret. crd_find() picks one by name. The login is written once into
 * mosquitto.conf, so each table also says what a time in the login means for a gateway whose
 * clock is wrong when it connects.
 */
#ifndef IOTNTP_CREDENTIALS_H
#define IOTNTP_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "signature.h"

/* Room for any client id, username, password or hex key written, terminating NUL included. */
#define CRD_FIELD_SIZE 384
/* Length of the connection nonce Tencent's username carries. */
#define CRD_NONCE_LEN 5

/* The device as the platform names it; product is NULL where the platform has none. */
struct crd_identity {
	const char *product; /* ProductKey (Alibaba), ProductId (Tencent) */
	const char *device; /* DeviceName (Alibaba, Tencent), device_id (Huawei), deviceId (Tuya) */
	/* Alibaba alone lets the device choose these (crd_platform.client_id_chosen): the id
	 * signed and sent (NULL is ProductKey.DeviceName), and the HMAC it signs with. */
	const char *client_id;
	enum sig_method method;
};

/* What the bridge presents: its CONNECT, and with CRD_TLS_PSK the TLS pre-shared key. */
struct crd_login {
	char client_id[CRD_FIELD_SIZE];
	char username[CRD_FIELD_SIZE];
	char password[CRD_FIELD_SIZE]; /* "" where the platform takes none */
	char psk_identity[CRD_FIELD_SIZE];
	char psk_hex[CRD_FIELD_SIZE]; /* the key in hex, as mosquitto's bridge_psk takes it */
};

/* How the bridge knows it talks to the platform. */
enum crd_tls {
	CRD_TLS_CERT, /* the platform's certificate, checked against a CA file (--ca-file) */
	CRD_TLS_PSK,  /* the device key as TLS pre-shared key: only the platform knows it too */
};

/* What a time in the login means when the gateway's clock is wrong. */
enum crd_clock {
	CRD_CLOCK_NONE,       /* nothing time-bound is signed */
	CRD_CLOCK_UNCHECKED,  /* a stamp is signed, of a kind the platform says it does not check */
	CRD_CLOCK_FAR_EXPIRY, /* an expiry is checked; a fixed one far ahead is signed */
	CRD_CLOCK_UNKNOWN, /* a stamp is signed; whether the platform checks it is not documented */
};

/* One name of the device: the iotntp-config option, the plugin option, the platform's word. */
struct crd_name {
	const char *option; /* "--device-id"; NULL: the platform has no such name */
	const char *plugin; /* "device_id", as plugin_opt_<plugin> */
	const char *word;   /* "device_id", as the platform's documents call it */
};

struct crd_platform {
	/* The name --platform gives, as plugin_opt_platform does, and the platform's own. */
	const char *name;
	const char *title;
	struct crd_name product;
	struct crd_name device;
	/* What the device's secret is called, in messages. */
	const char *secret_word;
	/* Alibaba: the device chooses its client id and HMAC (--client-id, --signmethod). */
	bool client_id_chosen;
	/* The port the login below is documented for, and how the platform is proven. */
	unsigned port;
	enum crd_tls tls;
	/* The CONNECT keepalive the platform accepts, in seconds. */
	unsigned keepalive_min;
	unsigned keepalive_max;
	/* Publishes a second one connection may make; 0: not documented. */
	unsigned publish_per_s;
	enum crd_clock clock;
	/* The login carries a random connection nonce (Tencent's connid): sign() takes one. */
	bool nonce;
	/* A clock before this cannot be the time, and the login signs it: refused. 0: none. */
	time_t min_clock;
	/* The fragment's comment above the login lines: what it signs and why that is safe,
	 * one "# "-less line per '\n'. */
	const char *login_comment;

	/* The device's own topic spaces, NULL-terminated: each the levels its topics start
	 * with, '/'-separated; "{p}" is the product, "{d}" the device, "*" any one level. A topic
	 * carried over the bridge must lie within one (carry.h). */
	const char *const *topic_spaces;
	/* The platform documents a device's subscriptions with wildcards ('+', '#'). */
	bool subscribe_wildcards;

	/* The regions host() knows, for messages; NULL with host NULL. */
	const char *regions;
	/* Writes the public endpoint for the product in region; -1 when the region is unknown
	 * or the name does not fit. NULL: each instance has its own (--host). */
	int (*host)(const struct crd_identity *who, const char *region, char *out, size_t size);
	/* Checks the names the identity gives (a NULL one is not checked); 0, or -1 with a
	 * message in err naming the option and what the platform allows. */
	int (*check)(const struct crd_identity *who, char *err, size_t err_size);
	/* Checks the secret's form; 0, or -1 with a message in err that does not quote it. */
	int (*check_secret)(const char *secret, char *err, size_t err_size);
	/* Makes the login at time now; nonce (CRD_NONCE_LEN letters or digits) where the
	 * platform wants one. 0, or -1 when the identity does not fit or signing fails. */
	int (*sign)(const struct crd_identity *who, const char *secret, time_t now,
	            const char *nonce, struct crd_login *out);
};

/* The platform called name, or NULL. */
const struct crd_platform *crd_find(const char *name);

/* The platforms in a fixed order, NULL-terminated; the first is the default. */
extern const struct crd_platform *const crd_all[];

/* Writes "aliyun, huawei, tuya or tencent", every platform's name, into out. */
void crd_names(char *out, size_t size);

/* Checks value as option's value: min to max characters, each an ASCII letter, a digit or one
 * of extra; 0, or -1 with a message in err naming the option and what is allowed. */
int crd_check_name(const char *option, const char *value, size_t min, size_t max, const char *extra,
                   char *err, size_t err_size);

/* Checks that the secret, called name in the message, is given; 0, or -1 with a message in err. */
int crd_check_secret(const char *secret, const char *name, char *err, size_t err_size);

/* snprintf into a CRD_FIELD_SIZE field; 0, or -1 when it does not fit. */
int crd_field(char field[CRD_FIELD_SIZE], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Writes CRD_NONCE_LEN random letters and digits and a NUL into nonce, from OpenSSL's
 * RAND_bytes; 0, or -1 when the random source fails. */
int crd_nonce(char nonce[CRD_NONCE_LEN + 1]);

#endif
