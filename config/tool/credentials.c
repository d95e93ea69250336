/* SPDX-License-Identifier: Apache-2.0 */
#include "credentials.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

extern const struct crd_platform crd_aliyun;
extern const struct crd_platform crd_huawei;
extern const struct crd_platform crd_tuya;
extern const struct crd_platform crd_tencent;

/* Alibaba first: it is the default platform. */
const struct crd_platform *const crd_all[] = {&crd_aliyun, &crd_huawei, &crd_tuya, &crd_tencent,
                                              NULL};

const struct crd_platform *crd_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (int i = 0; crd_all[i] != NULL; i++) {
		if (strcmp(crd_all[i]->name, name) == 0)
			return crd_all[i];
	}
	return NULL;
}

void crd_names(char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; crd_all[i] != NULL && n < size; i++) {
		const char *sep = i == 0 ? "" : crd_all[i + 1] == NULL ? " or " : ", ";
		int k = snprintf(out + n, size - n, "%s%s", sep, crd_all[i]->name);
		if (k < 0)
			break;
		n += (size_t)k;
	}
}

static int is_alnum_ascii(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int crd_check_secret(const char *secret, const char *name, char *err, size_t err_size)
{
	if (secret != NULL && secret[0] != '\0')
		return 0;
	snprintf(err, err_size, "the %s is empty", name);
	return -1;
}

int crd_check_name(const char *option, const char *value, size_t min, size_t max, const char *extra,
                   char *err, size_t err_size)
{
	size_t len = value != NULL ? strlen(value) : 0;

	if (len == 0) {
		snprintf(err, err_size, "%s is empty", option);
		return -1;
	}
	if (len < min || len > max) {
		snprintf(err, err_size, "%s is %zu characters long; the platform allows %zu to %zu",
		         option, len, min, max);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];
		if (is_alnum_ascii(c) || (c != '\0' && strchr(extra, c) != NULL))
			continue;
		/* Shown as a code unless printable: it may be a control character or half a UTF-8
		 * one. */
		if (c > 0x20 && c < 0x7f)
			snprintf(err, err_size,
			         "%s: character %zu, '%c', is not allowed; the platform allows "
			         "letters%s digits%s%s",
			         option, i + 1, c, extra[0] != '\0' ? "," : " and",
			         extra[0] != '\0' ? " and " : "", extra);
		else
			snprintf(err, err_size,
			         "%s: character %zu, byte 0x%02x, is not allowed; the platform "
			         "allows letters%s digits%s%s",
			         option, i + 1, c, extra[0] != '\0' ? "," : " and",
			         extra[0] != '\0' ? " and " : "", extra);
		return -1;
	}
	return 0;
}

int crd_field(char field[CRD_FIELD_SIZE], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(field, CRD_FIELD_SIZE, fmt, ap);
	va_end(ap);
	return n < 0 || n >= CRD_FIELD_SIZE ? -1 : 0;
}

int crd_nonce(char nonce[CRD_NONCE_LEN + 1])
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char bytes[4 * CRD_NONCE_LEN];
	size_t n = 0;

	/* Bytes of 248 and over are skipped, so that every character is as likely: 62 * 4. */
	while (n < CRD_NONCE_LEN) {
		if (RAND_bytes(bytes, sizeof(bytes)) != 1)
			return -1;
		for (size_t i = 0; i < sizeof(bytes) && n < CRD_NONCE_LEN; i++) {
			if (bytes[i] < 248)
				nonce[n++] = alphabet[bytes[i] % 62];
		}
	}
	nonce[n] = '\0';
	OPENSSL_cleanse(bytes, sizeof(bytes));
	return 0;
}
