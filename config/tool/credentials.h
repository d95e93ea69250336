/* SPDX-License-Identifier: Apache-2.0 */
/*
 * credentials: how a bridge logs in to each IoT platform, one table per platform.
 *
 * As the plugin's dialects (plugin/dialect.h) give each platform's time service, a credentials
 * table gives its connection: where it listens, which names it accepts, the keepalive it allows,
 * and how the MQTT client id, username and password are made from the device's identity and
 * secret. crd_find() picks one by name. The password is written once into mosquitto.conf, so
 * each table also says what a timestamp in the login means for a gateway whose clock is wrong
 * when it first connects.
 */
#ifndef IOTNTP_CREDENTIALS_H
#define IOTNTP_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Room for any client id, username or password written, terminating NUL included. */
#define CRD_FIELD_SIZE 384
/* Length of the connection nonce Tencent's username carries. */
#define CRD_NONCE_LEN 5

/* The device as the platform names it; product is NULL where the platform has none. */
struct crd_identity {
	const char *product; /* ProductKey (Alibaba), ProductId (Tencent) */
	const char *device; /* DeviceName (Alibaba, Tencent), device_id (Huawei), deviceId (Tuya) */
	const char *client_id; /* Alibaba: the id signed and sent; NULL is ProductKey.DeviceName */
};

/* What the bridge presents in its CONNECT. */
struct crd_login {
	char client_id[CRD_FIELD_SIZE];
	char username[CRD_FIELD_SIZE];
	char password[CRD_FIELD_SIZE];
};

/* What a time in the login means when the gateway's clock is wrong. */
enum crd_clock {
	CRD_CLOCK_NONE,       /* nothing time-bound is signed */
	CRD_CLOCK_UNCHECKED,  /* a stamp is signed, of a kind the platform says it does not check */
	CRD_CLOCK_FAR_EXPIRY, /* an expiry is checked; a fixed one far ahead is signed */
	CRD_CLOCK_UNKNOWN, /* a stamp is signed; whether the platform checks it is not documented */
};

struct crd_platform {
	/* The name --platform gives, as plugin_opt_platform does. */
	const char *name;
	/* The port the signed login below is documented for, and whether it is TLS. */
	unsigned port;
	bool tls;
	/* The CONNECT keepalive the platform accepts, in seconds. */
	unsigned keepalive_min;
	unsigned keepalive_max;
	/* Publishes a second one connection may make; 0: not documented. */
	unsigned publish_per_s;
	enum crd_clock clock;

	/* Writes the public endpoint for the product in region; -1 when the platform gives each
	 * instance its own (--host) or the region is unknown. NULL: always --host. */
	int (*host)(const struct crd_identity *who, const char *region, char *out, size_t size);
	/* Checks the identity's names and the secret's form; 0, or -1 with a message in err. */
	int (*check)(const struct crd_identity *who, const char *secret, char *err,
	             size_t err_size);
	/* Makes the login at time now; nonce (CRD_NONCE_LEN letters or digits) where the
	 * platform wants one. 0, or -1 when the identity does not fit or signing fails. */
	int (*sign)(const struct crd_identity *who, const char *secret, time_t now,
	            const char *nonce, struct crd_login *out);
};

/* The platform called name, or NULL. */
const struct crd_platform *crd_find(const char *name);

/* The platforms in a fixed order, NULL-terminated. */
extern const struct crd_platform *const crd_all[];

/* Checks value as option's value: min to max characters, each an ASCII letter, a digit or one
 * of extra; 0, or -1 with a message in err naming the option and what is allowed. */
int crd_check_name(const char *option, const char *value, size_t min, size_t max, const char *extra,
                   char *err, size_t err_size);

/* Checks that the secret, called name in the message, is given; 0, or -1 with a message in err. */
int crd_check_secret(const char *secret, const char *name, char *err, size_t err_size);

/* snprintf into a CRD_FIELD_SIZE field; 0, or -1 when it does not fit. */
int crd_field(char field[CRD_FIELD_SIZE], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
