/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tencent Cloud IoT Explorer / IoT Hub's key-authenticated login
 * (cloud.tencent.com/document/product/1081/102803 and tencentcloud.com/document/product/1105/
 * 41824, "MQTT-Based Device Connection over TCP"): client id "{ProductId}{DeviceName}",
 * username "{ProductId}{DeviceName};{sdkappid};{connid};{expiry}", password
 * "{hex HMAC of the username keyed with the base64-decoded device key};hmacsha256"; keepalive 0
 * to 900 s; host {ProductId}.iotcloud.tencentdevices.com for the Guangzhou region. The C SDK
 * (qcloud-iot-explorer-sdk-embedded-c, sdk_src/protocol/mqtt/mqtt_client_connect.c) sends
 * sdkappid 21010406, a 5-character connid, and, with no expiry configured, LONG_MAX as the
 * expiry; the same value is signed here, so a gateway whose clock is wrong still connects and
 * the password written once does not run out. 30 publishes a second, as issue 20 records.
 *
 * Open point: key authentication with a signed password is documented on port 1883 without
 * TLS (the SDK signs a password only when built without TLS; with TLS it uses TLS-PSK instead).
 * With an expiry that never comes, a login seen on the wire can be replayed. Step 3 must choose
 * TLS-PSK (mosquitto's bridge_identity / bridge_psk), a device certificate on 8883, or a short
 * expiry signed again on a timer; this table describes the documented login as it is.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "credentials.h"
#include "signature.h"

#define TC_PRODUCT_MAX 32 /* 10 characters today */
#define TC_DEVICE_MAX  48
#define TC_SDKAPPID    "21010406"
#define TC_EXPIRY      "9223372036854775807"
/* A device key decodes to at most 48 bytes (the SDK's limit). */
#define TC_KEY_MAX 48

/* Decodes the base64 device key into key; its length, or -1 when it is not base64. */
static int decode_key(const char *psk, unsigned char key[TC_KEY_MAX + 3])
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(psk);
	size_t pad = 0;

	if (len == 0 || len % 4 != 0 || len / 4 * 3 > TC_KEY_MAX + 2)
		return -1;
	while (pad < 2 && psk[len - 1 - pad] == '=')
		pad++;
	/* EVP_DecodeBlock skips white space and reads padding as zero bits: check the text. */
	if (strspn(psk, alphabet) != len - pad)
		return -1;
	int n = EVP_DecodeBlock(key, (const unsigned char *)psk, (int)len);
	if (n < 0)
		return -1;
	n -= (int)pad;
	return n > 0 && n <= TC_KEY_MAX ? n : -1;
}

static int host(const struct crd_identity *who, const char *region, char *out, size_t size)
{
	if (who->product == NULL || region == NULL || strcmp(region, "ap-guangzhou") != 0)
		return -1;
	int n = snprintf(out, size, "%s.iotcloud.tencentdevices.com", who->product);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int check(const struct crd_identity *who, const char *secret, char *err, size_t err_size)
{
	unsigned char key[TC_KEY_MAX + 3];

	if (crd_check_name("--product-id", who->product, 1, TC_PRODUCT_MAX, "", err, err_size) !=
	        0 ||
	    crd_check_name("--device-name", who->device, 1, TC_DEVICE_MAX, "-_:@", err, err_size) !=
	        0)
		return -1;
	if (secret == NULL || decode_key(secret, key) < 0) {
		snprintf(err, err_size,
		         "the device key is not base64 of 1 to %d bytes, as the console shows it",
		         TC_KEY_MAX);
		return -1;
	}
	return 0;
}

static int sign(const struct crd_identity *who, const char *secret, time_t now, const char *nonce,
                struct crd_login *out)
{
	unsigned char key[TC_KEY_MAX + 3];
	char hex[SIG_HEX_SIZE];
	int key_len = decode_key(secret, key);

	(void)now;
	if (key_len < 0 || nonce == NULL || strlen(nonce) != CRD_NONCE_LEN)
		return -1;
	if (crd_field(out->client_id, "%s%s", who->product, who->device) != 0 ||
	    crd_field(out->username, "%s%s;" TC_SDKAPPID ";%s;" TC_EXPIRY, who->product,
	              who->device, nonce) != 0)
		return -1;
	int rc = sig_hmac_hex(SIG_HMACSHA256, key, (size_t)key_len, out->username,
	                      strlen(out->username), hex);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc != 0 || crd_field(out->password, "%s;hmacsha256", hex) != 0)
		return -1;
	return 0;
}

const struct crd_platform crd_tencent = {
    .name = "tencent",
    .port = 1883,
    .tls = false,
    .keepalive_min = 0,
    .keepalive_max = 900,
    .publish_per_s = 30,
    .clock = CRD_CLOCK_FAR_EXPIRY,
    .host = host,
    .check = check,
    .sign = sign,
};
