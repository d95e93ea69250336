/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Huawei Cloud IoTDA's login (support.huaweicloud.com/intl/en-us/api-iothub/iot_06_v5_3009.html,
 * "Device Connection Authentication"): client id "{device_id}_0_0_{YYYYMMDDHH}" (0: the device
 * id is used; 0: the signature type whose timestamp the platform does not check against its
 * clock; the hour in UTC), username the device_id, password the hex HMAC-SHA256 of the secret
 * keyed with that YYYYMMDDHH. The stamp must be present and well formed, but with signature
 * type 0 "the platform only checks the password": a gateway with a wrong clock connects, and
 * the password written once stays valid. The documentation's worked example (secret 12345678,
 * stamp 2025041401) is a unit test.
 *
 * Each instance has its own endpoint (the console's "device access" address), so there is no
 * host from a region: --host. MQTTS on 8883. Keepalive: the AT command reference
 * (iot_06_v5_1403) advises 30 s or more; 1200 s is taken as the ceiling, as the other platforms
 * document it, until a document gives one. 50 publishes a second per connection, as issue 20
 * records. device_id: up to 128 letters, digits, '_' and '-'.
 */
#include <string.h>

#include "credentials.h"
#include "signature.h"

#define HW_DEVICE_MAX 128
#define HW_STAMP_SIZE 11 /* YYYYMMDDHH and its NUL */

static int check(const struct crd_identity *who, char *err, size_t err_size)
{
	if (who->device != NULL &&
	    crd_check_name("--device-id", who->device, 1, HW_DEVICE_MAX, "_-", err, err_size) != 0)
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
	char stamp[HW_STAMP_SIZE];
	char hex[SIG_HEX_SIZE];
	struct tm utc;

	(void)nonce;
	if (gmtime_r(&now, &utc) == NULL || utc.tm_year + 1900 < 1000 ||
	    utc.tm_year + 1900 > 9999 ||
	    strftime(stamp, sizeof(stamp), "%Y%m%d%H", &utc) != HW_STAMP_SIZE - 1)
		return -1;
	if (sig_hmac_hex(SIG_HMACSHA256, stamp, strlen(stamp), secret, strlen(secret), hex) != 0)
		return -1;
	if (crd_field(out->client_id, "%s_0_0_%s", who->device, stamp) != 0 ||
	    crd_field(out->username, "%s", who->device) != 0 ||
	    crd_field(out->password, "%s", hex) != 0)
		return -1;
	out->psk_identity[0] = out->psk_hex[0] = '\0';
	return 0;
}

/*
 * Every topic of a device starts with $oc/devices/{device_id}/ (system topics under sys/,
 * custom ones under user/). The device SDK subscribes with '#' (src/service/subscribe.c).
 */
static const char *const topic_spaces[] = {"$oc/devices/{d}", NULL};

const struct crd_platform crd_huawei = {
    .name = "huawei",
    .title = "Huawei Cloud IoTDA",
    .product = {NULL, NULL, NULL},
    .device = {"--device-id", "device_id", "device_id"},
    .secret_word = "device secret",
    .client_id_chosen = false,
    .port = 8883,
    .tls = CRD_TLS_CERT,
    .keepalive_min = 30,
    .keepalive_max = 1200,
    .publish_per_s = 50,
    .clock = CRD_CLOCK_UNCHECKED,
    .nonce = false,
    .min_clock = 0,
    .login_comment = "The client id ends with the hour (UTC) this file was written, which the\n"
                     "password signs; its signature type, the second 0, tells the platform not\n"
                     "to check that hour against its clock: a gateway whose clock is wrong\n"
                     "still connects, and this password does not run out.",
    .topic_spaces = topic_spaces,
    .subscribe_wildcards = true,
    .regions = NULL,
    .host = NULL,
    .check = check,
    .check_secret = check_secret,
    .sign = sign,
};
