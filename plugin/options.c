/* SPDX-License-Identifier: Apache-2.0 */
#include "options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"
#include "schedule.h"

enum opt_kind {
	OPT_TEXT,
	OPT_NAME,
	OPT_TOPIC,
	OPT_PATH,
	OPT_UINT,
	OPT_BOOL,
	OPT_ROLE,
	OPT_PLATFORM
};

struct opt_spec {
	const char *key;
	enum opt_kind kind;
	size_t offset;
	size_t size;  /* text: buffer size */
	unsigned min; /* numbers: range; text: 1 if required in the sync role */
	unsigned max;
};

#define TEXT(k, kind, field, req)                                                                  \
	{                                                                                          \
		k, kind, offsetof(struct opt_config, field),                                       \
		    sizeof(((struct opt_config *)0)->field), req, 0                                \
	}
#define BOOL(k, field)                                                                             \
	{                                                                                          \
		k, OPT_BOOL, offsetof(struct opt_config, field), 0, 0, 0                           \
	}
#define UINT(k, field, lo, hi)                                                                     \
	{                                                                                          \
		k, OPT_UINT, offsetof(struct opt_config, field), 0, lo, hi                         \
	}

static const struct opt_spec specs[] = {
    {"role", OPT_ROLE, offsetof(struct opt_config, role), 0, 0, 0},
    /* aliyun (the default), huawei, tuya or tencent: dialect.h's names. */
    {"platform", OPT_PLATFORM, offsetof(struct opt_config, dialect), 0, 0, 0},
    /* The identity options, required in the sync role as the platform names its devices
     * (identities[] below): the default topics are built from them, and every platform's
     * limit on their length is checked against its dialect. */
    /* Alibaba's ProductKey: letters, digits and - _ @ . : (as its DeviceName). */
    TEXT("product_key", OPT_NAME, product_key, 0),
    /* Alibaba's DeviceName: letters, digits and - _ @ . : (its console's rule). Tencent's
     * API documents its DeviceName as [a-zA-Z0-9:_-]{1,48} (CreateDevice, IoT Hub and IoT
     * Explorer alike); held to Alibaba's characters, every such name is taken, and one with
     * @ or . too, should a console allow more than the API says; any other character is
     * refused at start, naming this option. The 48 is the dialect's limit. */
    TEXT("device_name", OPT_NAME, device_name, 0),
    /* Tencent's ProductId: any characters a topic level may hold. */
    TEXT("product_id", OPT_TEXT, product_id, 0),
    /* Huawei's device_id (product_id + "_" + node_id) or Tuya's deviceId: one topic level. */
    TEXT("device_id", OPT_TEXT, device_id, 0),
    TEXT("bridge_client_id", OPT_TEXT, bridge_client_id, 1),
    TEXT("refclock_socket", OPT_PATH, refclock_socket, 0),
    TEXT("request_topic", OPT_TOPIC, request_topic, 0),
    TEXT("response_topic", OPT_TOPIC, response_topic, 0),
    TEXT("status_topic", OPT_TOPIC, status_topic, 0),
    TEXT("exchange_topic", OPT_TOPIC, exchange_topic, 0),
    UINT("max_requests_per_day", max_requests_per_day, 24, 691200),
    UINT("poll_interval", poll_interval_s, 2, 86400),
    UINT("burst", burst, 1, 16),
    UINT("burst_spacing_ms", burst_spacing_ms, 10, 10000),
    UINT("response_timeout_ms", response_timeout_ms, 100, 60000),
    UINT("max_rtt_ms", max_rtt_ms, 1, 60000),
    UINT("max_failed_polls", max_failed_polls, 1, 1000),
    UINT("refclock_delay_ms", refclock_delay_ms, 1, 10000),
    BOOL("server_time_truncated", server_time_truncated),
    BOOL("serve_lan", serve_lan),
    BOOL("authoritative", authoritative),
    UINT("serve_rate", serve_rate, 1, 1000),
    UINT("serve_burst", serve_burst, 1, 1000),
    UINT("serve_max_clients", serve_max_clients, 1, 100000),
    UINT("serve_total_rate", serve_total_rate, 1, 100000),
};
#define SPEC_COUNT (sizeof(specs) / sizeof(specs[0]))

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
                                                      ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Writes "aliyun, huawei, tuya or tencent": every dialect's name, in dlc_all's order. */
static void platform_names(char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; dlc_all[i] != NULL && n < size; i++) {
		const char *sep = i == 0 ? "" : dlc_all[i + 1] == NULL ? " or " : ", ";
		int k = snprintf(out + n, size - n, "%s%s", sep, dlc_all[i]->name);
		if (k < 0)
			break;
		n += (size_t)k;
	}
}

static bool name_char_ok(char c)
{
	/* What the platform allows in a ProductKey or DeviceName; none is special in a topic. */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("-_@.:", c) != NULL;
}

static const char *check_text(enum opt_kind kind, const char *v)
{
	if (v[0] == '\0')
		return "is empty";
	for (const char *p = v; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f)
			return "contains a control character";
		if (kind == OPT_NAME && !name_char_ok(*p))
			return "may contain only letters, digits and - _ @ . :";
		if (kind == OPT_TOPIC && (c == '+' || c == '#'))
			return "must not contain the wildcards + or #";
		if (kind == OPT_TEXT && (c == '+' || c == '#' || c == '/'))
			return "must not contain + # or /";
	}
	if (kind == OPT_PATH && v[0] != '/')
		return "must be an absolute path";
	return NULL;
}

static const char *parse_uint(const char *v, unsigned min, unsigned max, unsigned *out)
{
	char *end;

	if (v[0] < '0' || v[0] > '9')
		return "is not a whole number";
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (*end != '\0')
		return "is not a whole number";
	if (errno == ERANGE || n < min || n > max)
		return "is out of range";
	*out = (unsigned)n;
	return NULL;
}

static int set_one(struct opt_config *cfg, const struct opt_spec *s, const char *v, char *err,
                   size_t errlen)
{
	char *field = (char *)cfg + s->offset;
	const char *why;

	switch (s->kind) {
	case OPT_ROLE:
		if (strcmp(v, "sync") == 0)
			cfg->role = OPT_ROLE_SYNC;
		else if (strcmp(v, "serve") == 0)
			cfg->role = OPT_ROLE_SERVE;
		else
			return fail(err, errlen, "option role: '%s' is neither sync nor serve", v);
		return 0;
	case OPT_PLATFORM:
		cfg->dialect = dlc_find(v);
		if (cfg->dialect == NULL) {
			char names[128];
			platform_names(names, sizeof(names));
			return fail(err, errlen, "option platform: '%s' is none of %s", v, names);
		}
		return 0;
	case OPT_BOOL:
		if (strcmp(v, "true") == 0)
			*(bool *)(void *)field = true;
		else if (strcmp(v, "false") == 0)
			*(bool *)(void *)field = false;
		else
			return fail(err, errlen, "option %s: '%s' is neither true nor false",
			            s->key, v);
		return 0;
	case OPT_UINT:
		why = parse_uint(v, s->min, s->max, (unsigned *)(void *)field);
		if (why != NULL)
			return fail(err, errlen, "option %s: '%s' %s (allowed %u to %u)", s->key, v,
			            why, s->min, s->max);
		return 0;
	default:
		why = check_text(s->kind, v);
		if (why != NULL)
			return fail(err, errlen, "option %s %s", s->key, why);
		if (strlen(v) >= s->size)
			return fail(err, errlen, "option %s is too long (at most %zu characters)",
			            s->key, s->size - 1);
		memcpy(field, v, strlen(v) + 1);
		return 0;
	}
}

static const struct opt_spec *find_spec(const char *key)
{
	for (size_t i = 0; i < SPEC_COUNT; i++) {
		if (strcmp(specs[i].key, key) == 0)
			return &specs[i];
	}
	return NULL;
}

static void set_defaults(struct opt_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->role = OPT_ROLE_SYNC;
	/* Alibaba's, as before there was a choice: every configuration of then works as it did. */
	cfg->dialect = dlc_find("aliyun");
	snprintf(cfg->refclock_socket, sizeof(cfg->refclock_socket), "%s", OPT_DEFAULT_SOCKET);
	snprintf(cfg->status_topic, sizeof(cfg->status_topic), "%s", OPT_DEFAULT_STATUS_TOPIC);
	cfg->poll_interval_s = OPT_DEFAULT_POLL_S;
	cfg->burst = OPT_DEFAULT_BURST;
	cfg->burst_spacing_ms = OPT_DEFAULT_SPACING_MS;
	cfg->response_timeout_ms = OPT_DEFAULT_TIMEOUT_MS;
	cfg->max_rtt_ms = OPT_DEFAULT_MAX_RTT_MS;
	cfg->refclock_delay_ms = OPT_DEFAULT_REFCLOCK_DELAY_MS;
	cfg->max_failed_polls = OPT_DEFAULT_FAILED_POLLS;
	cfg->server_time_truncated = true;
	cfg->serve_rate = OPT_DEFAULT_SERVE_RATE;
	cfg->serve_burst = OPT_DEFAULT_SERVE_BURST;
	cfg->serve_max_clients = OPT_DEFAULT_SERVE_CLIENTS;
	cfg->serve_total_rate = OPT_DEFAULT_SERVE_TOTAL;
}

/*
 * The budget and a fixed poll: a poll_interval given fixes the steady poll, and together with
 * the budget it must not send more than the budget (burst requests every poll_interval s). A
 * fixed poll without a budget sets the budget it needs, with room for the quick polls (as the
 * adaptive poll leaves); the budget alone lets the poll adapt.
 */
static int check_schedule(struct opt_config *cfg, char *err, size_t errlen)
{
	if (cfg->poll_interval_s == 0) {
		if (cfg->max_requests_per_day == 0)
			cfg->max_requests_per_day = OPT_DEFAULT_MAX_REQUESTS;
		return 0;
	}
	/* A burst must be over well before the next poll starts. */
	uint64_t burst_ms =
	    (uint64_t)(cfg->burst - 1) * cfg->burst_spacing_ms + cfg->response_timeout_ms;
	if (burst_ms >= (uint64_t)cfg->poll_interval_s * 1000)
		return fail(err, errlen,
		            "option poll_interval (%u s) must exceed the burst length (%llu ms: "
		            "(burst-1) x burst_spacing_ms + response_timeout_ms)",
		            cfg->poll_interval_s, (unsigned long long)burst_ms);
	uint64_t per_day = (uint64_t)86400 * cfg->burst / cfg->poll_interval_s;
	if (cfg->max_requests_per_day == 0) {
		uint64_t need = (uint64_t)((double)per_day / SCH_STEADY_SHARE) + 1;
		cfg->max_requests_per_day =
		    need > OPT_DEFAULT_MAX_REQUESTS ? (unsigned)need : OPT_DEFAULT_MAX_REQUESTS;
		return 0;
	}
	if (per_day > cfg->max_requests_per_day)
		return fail(err, errlen,
		            "options poll_interval (%u s) and burst (%u) send %llu requests a day, "
		            "over max_requests_per_day (%u): raise max_requests_per_day, lengthen "
		            "poll_interval, or leave poll_interval out to let the poll adapt",
		            cfg->poll_interval_s, cfg->burst, (unsigned long long)per_day,
		            cfg->max_requests_per_day);
	return 0;
}

/*
 * The options that name the gateway on each platform, in its own documents' words: Alibaba by
 * ProductKey and DeviceName, Tencent by ProductId and DeviceName, Huawei (device_id) and Tuya
 * (deviceId) by one id.
 */
static const struct opt_identity {
	const char *platform;
	const char *product; /* NULL: the platform has none */
	const char *device;
} identities[] = {
    {"aliyun", "product_key", "device_name"},
    {"huawei", NULL, "device_id"},
    {"tuya", NULL, "device_id"},
    {"tencent", "product_id", "device_name"},
};
static const char *const identity_keys[] = {"product_key", "device_name", "product_id",
                                            "device_id"};

/* Every dialect has its line above: test_options checks each platform's. */
static const struct opt_identity *identity_of(const struct dlc_dialect *d)
{
	for (size_t i = 0; i < sizeof(identities) / sizeof(identities[0]); i++) {
		if (strcmp(identities[i].platform, d->name) == 0)
			return &identities[i];
	}
	return NULL;
}

static const char *value_of(const struct opt_config *cfg, const char *key)
{
	const struct opt_spec *s = find_spec(key);
	return (const char *)cfg + s->offset;
}

/* An identity option another platform's: refused, in any role, rather than ignored. */
static int check_identity_keys(const struct opt_config *cfg, char *err, size_t errlen)
{
	const struct opt_identity *id = identity_of(cfg->dialect);

	for (size_t i = 0; i < sizeof(identity_keys) / sizeof(identity_keys[0]); i++) {
		const char *key = identity_keys[i];
		bool used = (id->product != NULL && strcmp(key, id->product) == 0) ||
		            strcmp(key, id->device) == 0;
		if (!used && value_of(cfg, key)[0] != '\0')
			return fail(
			    err, errlen,
			    "option %s is not platform %s's: it names its devices by %s%s%s", key,
			    cfg->dialect->name, id->product ? id->product : "",
			    id->product ? " and " : "", id->device);
	}
	return 0;
}

/* One identity option of the sync role: given, and within the platform's limit. */
static int check_id(const struct opt_config *cfg, const char *key, size_t max, char *err,
                    size_t errlen)
{
	const char *v = value_of(cfg, key);

	if (v[0] == '\0')
		return fail(err, errlen, "option %s is required in the sync role", key);
	/* Its characters were checked as it was read; what is left is the platform's length. */
	if (!dlc_valid_level(v, max))
		return fail(err, errlen,
		            "option %s is too long for platform %s (at most %zu characters)", key,
		            cfg->dialect->name, max);
	return 0;
}

static int check_sync_role(struct opt_config *cfg, char *err, size_t errlen)
{
	const struct dlc_dialect *d = cfg->dialect;
	const struct opt_identity *id = identity_of(d);

	if (id->product != NULL && check_id(cfg, id->product, d->product_max, err, errlen) != 0)
		return -1;
	if (check_id(cfg, id->device, d->device_max, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < SPEC_COUNT; i++) {
		const struct opt_spec *s = &specs[i];
		if (s->kind != OPT_UINT && s->kind != OPT_BOOL && s->kind != OPT_ROLE &&
		    s->kind != OPT_PLATFORM && s->min == 1 && ((char *)cfg + s->offset)[0] == '\0')
			return fail(err, errlen, "option %s is required in the sync role", s->key);
	}
	const struct dlc_identity who = {
	    .product = id->product != NULL ? value_of(cfg, id->product) : NULL,
	    .device = value_of(cfg, id->device),
	};
	if (cfg->request_topic[0] == '\0' &&
	    d->topic(&who, DLC_REQUEST, cfg->request_topic, sizeof(cfg->request_topic)) < 0)
		return fail(err, errlen, "option request_topic: default topic too long");
	if (cfg->response_topic[0] == '\0' &&
	    d->topic(&who, DLC_RESPONSE, cfg->response_topic, sizeof(cfg->response_topic)) < 0)
		return fail(err, errlen, "option response_topic: default topic too long");
	if (strcmp(cfg->request_topic, cfg->response_topic) == 0)
		return fail(err, errlen, "options request_topic and response_topic must differ");
	if (cfg->max_rtt_ms > cfg->response_timeout_ms)
		return fail(err, errlen,
		            "option max_rtt_ms (%u) must not exceed response_timeout_ms (%u)",
		            cfg->max_rtt_ms, cfg->response_timeout_ms);
	return check_schedule(cfg, err, errlen);
}

int opt_parse(struct opt_config *cfg, const struct opt_pair *pairs, int count, char *err,
              size_t errlen)
{
	set_defaults(cfg);
	for (int i = 0; i < count; i++) {
		const char *key = pairs[i].key ? pairs[i].key : "";
		const char *value = pairs[i].value ? pairs[i].value : "";
		const struct opt_spec *s = find_spec(key);
		if (s == NULL)
			return fail(err, errlen, "unknown option '%s'", key);
		for (int j = 0; j < i; j++) {
			if (pairs[j].key != NULL && strcmp(pairs[j].key, key) == 0)
				return fail(err, errlen, "option %s is given twice", key);
		}
		if (set_one(cfg, s, value, err, errlen) != 0)
			return -1;
		if (s->offset == offsetof(struct opt_config, status_topic))
			cfg->status_topic_given = true;
	}
	if (check_identity_keys(cfg, err, errlen) != 0)
		return -1;
	if (cfg->role == OPT_ROLE_SYNC)
		return check_sync_role(cfg, err, errlen);
	return 0;
}
