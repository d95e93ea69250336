/* SPDX-License-Identifier: Apache-2.0 */
#include "dialect.h"

#include <string.h>

extern const struct dlc_dialect dlc_aliyun;
extern const struct dlc_dialect dlc_huawei;
extern const struct dlc_dialect dlc_tuya;
extern const struct dlc_dialect dlc_tencent;

/* Alibaba first: it is the default platform. */
const struct dlc_dialect *const dlc_all[] = {&dlc_aliyun, &dlc_huawei, &dlc_tuya, &dlc_tencent,
                                             NULL};

const struct dlc_dialect *dlc_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (int i = 0; dlc_all[i] != NULL; i++) {
		if (strcmp(dlc_all[i]->name, name) == 0)
			return dlc_all[i];
	}
	return NULL;
}

const char *dlc_status_name(enum dlc_status status)
{
	switch (status) {
	case DLC_OK:
		return "ok";
	case DLC_NOT_OURS:
		return "not the time service's";
	case DLC_TOO_LARGE:
		return "payload too large";
	case DLC_NOT_JSON:
		return "not a JSON object";
	case DLC_MISSING_FIELD:
		return "missing field";
	case DLC_BAD_VALUE:
		return "bad value";
	case DLC_BAD_TIME:
		return "implausible timestamp";
	}
	return "unknown";
}

bool dlc_valid_level(const char *id, size_t max)
{
	size_t n = id != NULL ? strnlen(id, max + 1) : 0;

	return n >= 1 && n <= max && strpbrk(id, "/+#") == NULL;
}

bool dlc_same_id(const struct dlc_id *a, const struct dlc_id *b)
{
	if (a->kind != b->kind) {
		/* A request named by a string that also carries a number, and an answer that
		 * names it by the number alone, either way round. */
		const struct dlc_id *s = a->kind == DLC_ID_STRING ? a : b;
		const struct dlc_id *n = s == a ? b : a;
		return s->kind == DLC_ID_STRING && s->has_number && n->kind == DLC_ID_NUMBER &&
		       s->number == n->number;
	}
	switch (a->kind) {
	case DLC_ID_NUMBER:
		return a->number == b->number;
	case DLC_ID_STRING:
		return strcmp(a->text, b->text) == 0;
	case DLC_ID_NONE:
	default:
		return true;
	}
}
