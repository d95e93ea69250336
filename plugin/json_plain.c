/* SPDX-License-Identifier: Apache-2.0 */
#include "json_plain.h"

#include <string.h>

/* Whether the member named key (n bytes as written) at depth is one of stamps. */
static bool is_stamp(const char *key, size_t n, int depth, const struct jpl_stamp stamps[],
                     size_t count)
{
	bool escaped = memchr(key, '\\', n) != NULL;

	for (size_t i = 0; i < count; i++) {
		if (stamps[i].depth != depth)
			continue;
		if (escaped || (strlen(stamps[i].name) == n && memcmp(key, stamps[i].name, n) == 0))
			return true;
	}
	return false;
}

static bool plain_integer(const char *s, size_t n)
{
	if (n == 0 || (s[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

bool jpl_stamps_plain(const char *text, size_t len, const struct jpl_stamp stamps[], size_t n)
{
	const char *str = NULL; /* the last string, which is a member's name once ':' follows */
	size_t str_len = 0;
	const char *key = NULL; /* the member whose value comes next */
	size_t key_len = 0;
	int depth = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == '"') {
			size_t start = ++i;
			while (i < len && text[i] != '"')
				i += text[i] == '\\' ? 2 : 1;
			str = text + start;
			str_len = i - start;
			key = NULL;
		} else if (c == ':') {
			key = str;
			key_len = str_len;
		} else if (c == '{' || c == '[') {
			depth++;
			key = NULL;
		} else if (c == '}' || c == ']') {
			depth--;
		} else if (c == ',') {
			key = NULL;
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			size_t start = i;
			while (i + 1 < len && text[i + 1] != '\0' &&
			       strchr("0123456789+-.eE", text[i + 1]) != NULL)
				i++;
			if (key != NULL && is_stamp(key, key_len, depth, stamps, n) &&
			    !plain_integer(text + start, i - start + 1))
				return false;
			key = NULL;
		}
	}
	return true;
}
