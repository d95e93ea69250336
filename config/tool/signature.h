/* SPDX-License-Identifier: Apache-2.0 */
/*
 * signature: the MQTT password the IoT platform expects from a device.
 *
 * The password is the hex HMAC of "clientId<id>deviceName<dn>productKey<pk>" keyed with the
 * DeviceSecret: the platform's parameters in alphabetical order, each name followed by its value.
 */
#ifndef IOTNTP_SIGNATURE_H
#define IOTNTP_SIGNATURE_H

#include <stddef.h>

/* Hex digits of the longest digest (SHA-256) and its terminating NUL. */
#define SIG_HEX_SIZE 65

enum sig_method { SIG_HMACSHA256, SIG_HMACSHA1 };

/* The method's name as the platform spells it in the client id ("hmacsha256"). */
const char *sig_method_name(enum sig_method method);

/* Parses "hmacsha256" or "hmacsha1"; returns 0, or -1 for any other name. */
int sig_method_parse(const char *name, enum sig_method *method);

/* Writes the signed text for the identity into buf; returns its length, or -1 if it does not fit.
 */
int sig_content(char *buf, size_t size, const char *client_id, const char *device_name,
                const char *product_key);

/* Writes the lower-case hex HMAC of data keyed with key into hex; returns 0, or -1 on failure. */
int sig_hmac_hex(enum sig_method method, const void *key, size_t key_len, const void *data,
                 size_t data_len, char hex[SIG_HEX_SIZE]);

/* The device's MQTT password: sig_hmac_hex of sig_content keyed with the secret; 0 or -1. */
int sig_password(enum sig_method method, const char *secret, const char *client_id,
                 const char *device_name, const char *product_key, char hex[SIG_HEX_SIZE]);

#endif
