/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tuya's tylink login (developer.tuya.com/en/docs/iot-device-dev/MQTT-protocol?id=Kb3nzwbv28sgk,
 * "Open MQTT Protocol"; tuya/tuya-iot-core-sdk src/tuyalink_core.c does the same): client id
 * "tuyalink_{deviceId}", username
 * "{deviceId}|signMethod=hmacSha256,timestamp={10-digit},secureMode=1,accessType=1", password
 * the 64-digit hex HMAC-SHA256 of "deviceId={id},timestamp={ts},secureMode=1,accessType=1"
 * keyed with the device secret. Keepalive 30 to 1200 s. The document asks not to hard-code an
 * endpoint (data residency), so the host is always --host; TLS on 8883 as its sample shows.
 *
 * Open point: whether the platform checks the signed timestamp against its clock is not
 * documented. The stamp is this machine's clock when iotntp-config runs (a clock before 2020
 * is refused, as it cannot be right), and the login is written once. If the platform does not
 * check it, that login works for good; if it does, the bridge's login is refused once the
 * stamp is too old, and the fragment must be written again. iotntp-config says so when it
 * writes one, and so do the fragment and the README.
 */
#include <string.h>

#include "credentials.h"
#include "signature.h"

/* Not documented; ids seen are 20 to 22 letters and digits. */
#define TUYA_DEVICE_MAX 64
/* 2020-01-01T00:00:00Z: a clock before this is not the time. */
#define TUYA_MIN_STAMP 1577836800

static int check(const struct crd_identity *who, char *err, size_t err_size)
{
	if (who->device != NULL &&
	    crd_check_name("--device-id", who->device, 1, TUYA_DEVICE_MAX, "", err, err_size) != 0)
		return -1;
	return 0;
}

static int check_secret(const char *secret, char *err, size_t err_size)
{
	return crd_check_secret(secret, "device secret", err, err_size);
}

static int sign(const struct crd_identity *who, const char *secret, time_t now, const char *nonce,
                struct crd_login *out)
{
	char content[CRD_FIELD_SIZE];
	char hex[SIG_HEX_SIZE];
	long long ts = (long long)now;

	(void)nonce;
	if (ts < TUYA_MIN_STAMP || ts > 9999999999LL)
		return -1;
	if (crd_field(content, "deviceId=%s,timestamp=%lld,secureMode=1,accessType=1", who->device,
	              ts) != 0)
		return -1;
	if (sig_hmac_hex(SIG_HMACSHA256, secret, strlen(secret), content, strlen(content), hex) !=
	    0)
		return -1;
	if (crd_field(out->client_id, "tuyalink_%s", who->device) != 0 ||
	    crd_field(out->username,
	              "%s|signMethod=hmacSha256,timestamp=%lld,secureMode=1,accessType=1",
	              who->device, ts) != 0 ||
	    crd_field(out->password, "%s", hex) != 0)
		return -1;
	out->psk_identity[0] = out->psk_hex[0] = '\0';
	return 0;
}

/*
 * Every tylink topic of a device starts with tylink/{deviceId}/. Neither the protocol document
 * nor the SDK subscribes with a wildcard: a carried topic the bridge subscribes to is named
 * whole.
 */
static const char *const topic_spaces[] = {"tylink/{d}", NULL};

const struct crd_platform crd_tuya = {
    .name = "tuya",
    .title = "Tuya (tylink MQTT)",
    .product = {NULL, NULL, NULL},
    .device = {"--device-id", "device_id", "deviceId"},
    .secret_word = "device secret",
    .client_id_chosen = false,
    .port = 8883,
    .tls = CRD_TLS_CERT,
    .keepalive_min = 30,
    .keepalive_max = 1200,
    .publish_per_s = 0,
    .clock = CRD_CLOCK_UNKNOWN,
    .nonce = false,
    .min_clock = TUYA_MIN_STAMP,
    .login_comment = "The username carries the time this file was written, by this machine's\n"
                     "clock, and the password signs it. Tuya does not document whether it\n"
                     "checks that time against its own clock: if the bridge's login is\n"
                     "refused after it worked, write this file again with iotntp-config.",
    .topic_spaces = topic_spaces,
    .subscribe_wildcards = false,
    .regions = NULL,
    .host = NULL,
    .check = check,
    .check_secret = check_secret,
    .sign = sign,
};
