/* SPDX-License-Identifier: Apache-2.0 */
#include "ca_file.h"

#include <errno.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int ca_file_check(const char *path, char *abs, size_t abs_size, char *err, size_t err_size)
{
	char resolved[PATH_MAX];
	struct stat st;

	if (realpath(path, resolved) == NULL || stat(resolved, &st) != 0) {
		snprintf(err, err_size, "--ca-file %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, err_size, "--ca-file %s is not a regular file", path);
		return -1;
	}
	FILE *f = fopen(resolved, "r");
	if (f == NULL) {
		snprintf(err, err_size, "--ca-file %s: %s", path, strerror(errno));
		return -1;
	}
	/* Validity dates are not checked: this machine's clock may be the very thing wrong. */
	X509 *cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ERR_clear_error();
	if (cert == NULL) {
		snprintf(err, err_size, "--ca-file %s holds no PEM certificate", path);
		return -1;
	}
	X509_free(cert);
	if (strlen(resolved) >= abs_size) {
		snprintf(err, err_size, "--ca-file %s: the absolute path is too long", path);
		return -1;
	}
	strcpy(abs, resolved);
	return 0;
}
