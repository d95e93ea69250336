/* SPDX-License-Identifier: Apache-2.0 */
#include "secret.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <string.h>

int secret_read(FILE *in, const char *name, char buf[SECRET_SIZE], char *err, size_t err_size)
{
	/* Two bytes spare: a line ending, and one more to tell an overlong secret apart. */
	char raw[SECRET_MAX + 3];
	size_t len = fread(raw, 1, sizeof(raw), in);
	int rc = -1;

	if (ferror(in)) {
		snprintf(err, err_size, "cannot read the secret from %s: %s", name,
		         strerror(errno));
		goto out;
	}
	if (len > 0 && raw[len - 1] == '\n')
		len--;
	if (len > 0 && raw[len - 1] == '\r')
		len--;
	if (len == 0) {
		snprintf(err, err_size, "the secret in %s is empty", name);
		goto out;
	}
	if (len > SECRET_MAX) {
		snprintf(err, err_size,
		         "the secret in %s is longer than %d characters; it should hold the "
		         "DeviceSecret alone, on one line",
		         name, SECRET_MAX);
		goto out;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (c <= 0x20 || c == 0x7f) {
			snprintf(
			    err, err_size,
			    "the secret in %s holds a space, control character or second line "
			    "(at character %zu); it should hold the DeviceSecret alone, on one "
			    "line",
			    name, i + 1);
			goto out;
		}
	}
	memcpy(buf, raw, len);
	buf[len] = '\0';
	rc = 0;
out:
	secret_wipe(raw, sizeof(raw));
	return rc;
}

int secret_load(const char *path, char buf[SECRET_SIZE], char *err, size_t err_size)
{
	if (strcmp(path, "-") == 0)
		return secret_read(stdin, "standard input", buf, err, err_size);

	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, err_size, "cannot open the secret file %s: %s", path,
		         strerror(errno));
		return -1;
	}
	/* No stdio buffer: it would keep a copy of the secret in memory we do not wipe. */
	setvbuf(f, NULL, _IONBF, 0);
	int rc = secret_read(f, path, buf, err, err_size);
	fclose(f);
	return rc;
}

void secret_wipe(void *buf, size_t size)
{
	OPENSSL_cleanse(buf, size);
}
