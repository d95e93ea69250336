/* SPDX-License-Identifier: Apache-2.0 */
#include "bridge_id.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

void bridge_id_format(const unsigned char bytes[BRIDGE_ID_RANDOM_BYTES], char id[BRIDGE_ID_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(BRIDGE_ID_PREFIX);

	memcpy(id, BRIDGE_ID_PREFIX, n);
	for (int i = 0; i < BRIDGE_ID_RANDOM_BYTES; i++) {
		id[n++] = hex[bytes[i] >> 4];
		id[n++] = hex[bytes[i] & 0x0f];
	}
	id[n] = '\0';
}

int bridge_id_generate(char id[BRIDGE_ID_SIZE])
{
	unsigned char bytes[BRIDGE_ID_RANDOM_BYTES];

	/* A predictable id would bring back the takeover it exists to prevent: no fallback. */
	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		return -1;
	bridge_id_format(bytes, id);
	OPENSSL_cleanse(bytes, sizeof(bytes));
	return 0;
}

int bridge_id_check(const char *id, char *err, size_t err_size)
{
	size_t len = strlen(id);

	if (len == 0) {
		snprintf(err, err_size, "--bridge-client-id is empty");
		return -1;
	}
	if (len > BRIDGE_ID_MAX) {
		snprintf(err, err_size,
		         "--bridge-client-id is %zu characters long; the plugin allows 1 to %d",
		         len, BRIDGE_ID_MAX);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)id[i];
		/* '+', '#' and '/' are rejected by the plugin; a space would end the config token.
		 */
		if (c > 0x20 && c < 0x7f && c != '+' && c != '#' && c != '/')
			continue;
		/* Shown as a code, not raw: it may be a control character or half a UTF-8 one. */
		if (c > 0x20 && c < 0x7f)
			snprintf(err, err_size,
			         "--bridge-client-id: character %zu, '%c', is not allowed; give "
			         "printable ASCII without spaces, '+', '#' or '/'",
			         i + 1, c);
		else
			snprintf(
			    err, err_size,
			    "--bridge-client-id: character %zu, byte 0x%02x, is not allowed; give "
			    "printable ASCII without spaces, '+', '#' or '/'",
			    i + 1, c);
		return -1;
	}
	return 0;
}
