/* SPDX-License-Identifier: Apache-2.0 */
#include "signature.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

/* The identity is at most three short names; anything longer was not validated first. */
#define SIG_CONTENT_MAX 512

const char *sig_method_name(enum sig_method method)
{
	return method == SIG_HMACSHA1 ? "hmacsha1" : "hmacsha256";
}

int sig_method_parse(const char *name, enum sig_method *method)
{
	if (strcmp(name, "hmacsha256") == 0) {
		*method = SIG_HMACSHA256;
		return 0;
	}
	if (strcmp(name, "hmacsha1") == 0) {
		*method = SIG_HMACSHA1;
		return 0;
	}
	return -1;
}

int sig_content(char *buf, size_t size, const char *client_id, const char *device_name,
                const char *product_key)
{
	int n = snprintf(buf, size, "clientId%sdeviceName%sproductKey%s", client_id, device_name,
	                 product_key);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return n;
}

int sig_hmac_hex(enum sig_method method, const void *key, size_t key_len, const void *data,
                 size_t data_len, char hex[SIG_HEX_SIZE])
{
	static const char digits[] = "0123456789abcdef";
	const EVP_MD *md = method == SIG_HMACSHA1 ? EVP_sha1() : EVP_sha256();
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;

	if (key_len > (size_t)INT_MAX)
		return -1;
	if (HMAC(md, key, (int)key_len, data, data_len, mac, &mac_len) == NULL)
		return -1;
	if (2 * (size_t)mac_len + 1 > SIG_HEX_SIZE)
		return -1;
	for (unsigned int i = 0; i < mac_len; i++) {
		hex[2 * i] = digits[mac[i] >> 4];
		hex[2 * i + 1] = digits[mac[i] & 0x0f];
	}
	hex[2 * mac_len] = '\0';
	OPENSSL_cleanse(mac, sizeof(mac));
	return 0;
}

int sig_password(enum sig_method method, const char *secret, const char *client_id,
                 const char *device_name, const char *product_key, char hex[SIG_HEX_SIZE])
{
	char content[SIG_CONTENT_MAX];
	int n = sig_content(content, sizeof(content), client_id, device_name, product_key);

	if (n < 0)
		return -1;
	return sig_hmac_hex(method, secret, strlen(secret), content, (size_t)n, hex);
}
