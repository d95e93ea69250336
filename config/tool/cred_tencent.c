/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tencent Cloud IoT Explorer / IoT Hub's key-authenticated login over TLS. The document
 * (cloud.tencent.com/document/product/1081/102803 and tencentcloud.com/document/product/1105/
 * 41824, "MQTT-Based Device Connection over TCP") gives client id "{ProductId}{DeviceName}",
 * username "{ProductId}{DeviceName};{sdkappid};{connid};{expiry}", keepalive 0 to 900 s and the
 * host {ProductId}.iotcloud.tencentdevices.com for the Guangzhou region. For a key-authenticated
 * device it signs the username into a password on port 1883, without TLS. The platform's C SDK
 * (qcloud-iot-explorer-sdk-embedded-c, sdk_src/protocol/mqtt/mqtt_client.c and
 * mqtt_client_connect.c; built with TLS unless told otherwise) does that only without TLS: with
 * TLS it connects to port 8883 with TLS-PSK, the identity "{ProductId}{DeviceName}" and the
 * base64-decoded device key as pre-shared key, and sends the username without a password.
 *
 * This table writes the SDK's TLS login: a bridge without TLS would let anyone on the path
 * read a password that never expires and forge the platform's answers, so the time itself.
 * The handshake proves the device key, and proves that the platform knows it too, so no CA is
 * needed. The username carries sdkappid 21010406 and a 5-character connid, as the SDK's, and as
 * expiry the SDK's value with none configured, LONG_MAX of a 64-bit long: nothing the
 * gateway's clock can make run out. 30 publishes a second, as issue 20 records.
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
#define TC_PORT        8883
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

static int check(const struct crd_identity *who, char *err, size_t err_size)
{
	if (who->product != NULL &&
	    crd_check_name("--product-id", who->product, 1, TC_PRODUCT_MAX, "", err, err_size) != 0)
		return -1;
	/* The API's [a-zA-Z0-9:_-]{1,48}, and '@' and '.' too, as the plugin's device_name takes
	 * them (plugin/options.c), should a console allow more than the API says. */
	if (who->device != NULL && crd_check_name("--device-name", who->device, 1, TC_DEVICE_MAX,
	                                          "-_:@.", err, err_size) != 0)
		return -1;
	return 0;
}

static int check_secret(const char *secret, char *err, size_t err_size)
{
	unsigned char key[TC_KEY_MAX + 3];
	int n = secret != NULL ? decode_key(secret, key) : -1;

	OPENSSL_cleanse(key, sizeof(key));
	if (n < 0) {
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
	static const char digits[] = "0123456789abcdef";
	unsigned char key[TC_KEY_MAX + 3];
	int key_len = decode_key(secret, key);
	int rc = -1;

	(void)now;
	if (key_len < 0 || nonce == NULL || strlen(nonce) != CRD_NONCE_LEN)
		goto out;
	if (crd_field(out->client_id, "%s%s", who->product, who->device) != 0 ||
	    crd_field(out->username, "%s%s;" TC_SDKAPPID ";%s;" TC_EXPIRY, who->product,
	              who->device, nonce) != 0 ||
	    crd_field(out->psk_identity, "%s%s", who->product, who->device) != 0)
		goto out;
	for (int i = 0; i < key_len; i++) {
		out->psk_hex[2 * i] = digits[key[i] >> 4];
		out->psk_hex[2 * i + 1] = digits[key[i] & 0x0f];
	}
	out->psk_hex[2 * key_len] = '\0';
	out->password[0] = '\0';
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

/*
 * A device's topics: its custom ones ({ProductId}/{DeviceName}/...), and the system ones, which
 * name the device after one to three levels of their own ($thing/up/property/..., $ota/report/...,
 * $sys/operation/result/..., $rrpc/rxd/..., as the document and Tencent's device SDKs name
 * them). Its SDKs subscribe to $rrpc/rxd/{ProductId}/{DeviceName}/+: wildcards are taken.
 */
static const char *const topic_spaces[] = {"{p}/{d}",
                                           "$thing/*/*/{p}/{d}",
                                           "$ota/*/{p}/{d}",
                                           "$rrpc/*/{p}/{d}",
                                           "$broadcast/rxd/{p}/{d}",
                                           "$shadow/operation/{p}/{d}",
                                           "$shadow/operation/result/{p}/{d}",
                                           "$sys/operation/{p}/{d}",
                                           "$sys/operation/result/{p}/{d}",
                                           "$log/operation/{p}/{d}",
                                           "$log/operation/result/{p}/{d}",
                                           "$gateway/operation/{p}/{d}",
                                           "$gateway/operation/result/{p}/{d}",
                                           NULL};

const struct crd_platform crd_tencent = {
    .name = "tencent",
    .title = "Tencent Cloud IoT Explorer / IoT Hub",
    .product = {"--product-id", "product_id", "ProductId"},
    .device = {"--device-name", "device_name", "DeviceName"},
    .secret_word = "device key",
    .client_id_chosen = false,
    .port = TC_PORT,
    .tls = CRD_TLS_PSK,
    .keepalive_min = 0,
    .keepalive_max = 900,
    .publish_per_s = 30,
    .clock = CRD_CLOCK_FAR_EXPIRY,
    .nonce = true,
    .min_clock = 0,
    .login_comment = "The device key is the TLS pre-shared key (bridge_psk): the handshake proves\n"
                     "it, and proves that the platform knows it too. The username's last field\n"
                     "is its expiry, the farthest there is: the gateway's clock plays no part.",
    .topic_spaces = topic_spaces,
    .subscribe_wildcards = true,
    .regions = "ap-guangzhou",
    .host = host,
    .check = check,
    .check_secret = check_secret,
    .sign = sign,
};
