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
 * documented. The stamp is the tool's clock when it runs (a clock before 2020 is refused, as
 * it cannot be right), and the password is written once: if the platform does check it, a
 * login signed once stops working and iotntp-config must be run again, which step 3 of
 * issue 20 will have to settle.
 */
#include <string.h>

#include "credentials.h"
#include "signature.h"

/* Not documented; ids seen are 20 to 22 letters and digits. */
#define TUYA_DEVICE_MAX 64
/* 2020-01-01T00:00:00Z: a clock before this is not the time. */
#define TUYA_MIN_STAMP 1577836800

static int check(const struct crd_identity *who, const char *secret, char *err, size_t err_size)
{
	if (crd_check_name("--device-id", who->device, 1, TUYA_DEVICE_MAX, "", err, err_size) != 0)
		return -1;
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
	return 0;
}

const struct crd_platform crd_tuya = {
    .name = "tuya",
    .port = 8883,
    .tls = true,
    .keepalive_min = 30,
    .keepalive_max = 1200,
    .publish_per_s = 0,
    .clock = CRD_CLOCK_UNKNOWN,
    .host = NULL,
    .check = check,
    .sign = sign,
};
