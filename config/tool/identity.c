/* SPDX-License-Identifier: Apache-2.0 */
#include "identity.h"

#include <stdio.h>
#include <string.h>

struct id_rule {
	const char *option;
	size_t min;
	size_t max;
	const char *extra; /* allowed besides ASCII letters and digits */
	const char *allowed;
};

/*
 * DeviceName: 4 to 32 of letters, digits and - _ . @ : (the platform's rule). The client id
 * defaults to ProductKey.DeviceName, so it takes the same characters; '|' and ',' would break
 * the "<id>|securemode=...|" framing, and spaces a mosquitto.conf line.
 */
static const struct id_rule rules[] = {
    [ID_PRODUCT_KEY] = {"--product-key", 1, ID_PRODUCT_KEY_MAX, "", "letters and digits"},
    [ID_DEVICE_NAME] = {"--device-name", ID_DEVICE_NAME_MIN, ID_DEVICE_NAME_MAX,
                        "-_.@:", "letters, digits and - _ . @ :"},
    [ID_CLIENT_ID] = {"--client-id", 1, ID_CLIENT_ID_MAX, "-_.@:", "letters, digits and - _ . @ :"},
};

static int is_alnum_ascii(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int id_check(enum id_kind kind, const char *value, char *err, size_t err_size)
{
	const struct id_rule *r = &rules[kind];
	size_t len = strlen(value);

	if (len == 0) {
		snprintf(err, err_size, "%s is empty", r->option);
		return -1;
	}
	if (len < r->min || len > r->max) {
		snprintf(err, err_size, "%s is %zu characters long; the platform allows %zu to %zu",
		         r->option, len, r->min, r->max);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];
		if (is_alnum_ascii(c) || (c != '\0' && strchr(r->extra, c) != NULL))
			continue;
		/* Shown as a code, not raw: it may be a control character or half a UTF-8 one. */
		if (c > 0x20 && c < 0x7f)
			snprintf(err, err_size,
			         "%s: character %zu, '%c', is not allowed; the platform allows %s",
			         r->option, i + 1, c, r->allowed);
		else
			snprintf(
			    err, err_size,
			    "%s: character %zu, byte 0x%02x, is not allowed; the platform allows "
			    "%s",
			    r->option, i + 1, c, r->allowed);
		return -1;
	}
	return 0;
}
