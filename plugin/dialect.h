/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dialect: one IoT platform's way of serving time over MQTT, behind one table of functions.
 *
 * Each platform (Alibaba, Huawei Cloud IoTDA, Tuya, Tencent Cloud) has its own topics and
 * payloads for the same four-timestamp exchange: the device sends T1, the platform stamps T2
 * when the request arrives and T3 when it answers, the device reads T4 on arrival. A dialect
 * names its topics from the device's identity, tells its own messages from other traffic,
 * writes a request with the id to match, and turns an answer into a neutral struct dlc_answer
 * that the sync engine can take without knowing the platform. It also plays the platform's
 * side (decode a request, write the answer) for the serve role.
 *
 * As chrony's refclock drivers do, each dialect is one file (dialect_<name>.c) that exports
 * only its table; dlc_find() picks one by name. Every dialect is pure: no broker, no clock.
 */
#ifndef IOTNTP_DIALECT_H
#define IOTNTP_DIALECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest payload looked at; every documented answer is under 400 bytes. */
#define DLC_MAX_PAYLOAD 1024
/* Largest payload on a shared topic whose owner is told (struct dlc_dialect's owner): the
 * platforms' other services send more there (Huawei's sub-device lists, Tuya's daylight saving
 * rules), and each must be told from the time service's to pass untouched. */
#define DLC_MAX_SHARED 65536
/* Room for any request or answer a dialect writes, terminating NUL included. */
#define DLC_BUF_SIZE 512
/* Room for any topic a dialect names or accepts, terminating NUL included. */
#define DLC_TOPIC_SIZE 320
/* Longest request id kept as text (Tuya documents msgId as at most 32 characters). */
#define DLC_ID_MAX 32

/* Platform timestamps outside [2000-01-01, 2100-01-01) are not plausible. */
#define DLC_MIN_SERVER_MS INT64_C(946684800000)
#define DLC_MAX_SERVER_MS INT64_C(4102444800000)

enum dlc_status {
	DLC_OK = 0,
	DLC_NOT_OURS,      /* well-formed traffic of another service on a shared topic */
	DLC_TOO_LARGE,     /* payload over DLC_MAX_PAYLOAD */
	DLC_NOT_JSON,      /* not one JSON object, or one that names a member twice */
	DLC_MISSING_FIELD, /* a required member is absent or null */
	DLC_BAD_VALUE,     /* a member of the wrong type, negative, fractional or too long */
	DLC_BAD_TIME,      /* a platform timestamp outside the plausible range */
};

enum dlc_direction {
	DLC_REQUEST,  /* device to platform */
	DLC_RESPONSE, /* platform to device */
};

/*
 * Whose a message on a topic the platform shares with its other services is. Only a message
 * that is positively another service's is left alone by the router: one that cannot be read
 * here might still be read as the time service's by a laxer reader (a device's SDK, the
 * platform), so who may publish it is still checked (route.h).
 */
enum dlc_owner {
	DLC_OWNER_TIME,    /* the time service's, its values usable or not */
	DLC_OWNER_OTHER,   /* one JSON object, of another service */
	DLC_OWNER_UNKNOWN, /* unreadable: over DLC_MAX_SHARED, not one JSON object, or a member
	                    * named twice (readers differ on which one counts) */
};

/*
 * Who the device is. Alibaba names a device by ProductKey and DeviceName, Tencent by ProductId
 * and DeviceName; Huawei (device_id) and Tuya (deviceId) by one id and leave product NULL.
 */
struct dlc_identity {
	const char *product;
	const char *device;
};

/* How an answer names the request it answers: the dialect's business. */
enum dlc_id_kind {
	DLC_ID_NONE,   /* nothing to match on: one request in flight at a time (Tencent) */
	DLC_ID_NUMBER, /* an echoed integer, the request's T1 in ms (Alibaba, Huawei) */
	DLC_ID_STRING, /* a message id chosen by the device (Tuya's msgId) */
};

struct dlc_id {
	enum dlc_id_kind kind;
	int64_t number;            /* DLC_ID_NUMBER; DLC_ID_STRING with has_number */
	bool quoted;               /* DLC_ID_NUMBER written as a JSON string, so echoed alike */
	char text[DLC_ID_MAX + 1]; /* DLC_ID_STRING, NUL-terminated */
	/* DLC_ID_STRING: the request carries number too, unique as the text is, and an answer
	 * that echoes it but not the text names the request by it (Tuya's dst). */
	bool has_number;
};

/*
 * An answer, decoded: what the sync engine takes. T2 and T3 are whole ms since 1970 as the
 * platform wrote them; how they were cut from the platform's clock is the table's `stamps`.
 */
struct dlc_answer {
	struct dlc_id id; /* the request this answers */
	bool has_t1;      /* the answer echoes the request's T1 */
	int64_t t1_ms;
	int64_t t2_ms; /* platform received the request */
	int64_t t3_ms; /* platform sent this answer */
};

/* A request as the serve role receives it: what its answer must echo. */
struct dlc_request {
	struct dlc_id id;
	bool has_t1; /* the request carries the device's send time */
	int64_t t1_ms;
};

/* How a platform's ms stamps relate to its clock; none of the four documents says. */
enum dlc_stamps {
	DLC_STAMPS_UNSTATED, /* truncated or rounded: within [-0.5, +1) ms of the true time */
	DLC_STAMPS_TRUNCATED,
	DLC_STAMPS_ROUNDED,
};

/*
 * One platform's dialect. Topics are written NUL-terminated into out; the functions that write
 * return the length written, or -1 when the identity is invalid or the result does not fit.
 * A decoder that finds well-formed traffic of another service returns DLC_NOT_OURS and leaves
 * it alone; anything else it cannot read is an error, never a crash.
 */
struct dlc_dialect {
	/* The name plugin_opt_platform gives: "aliyun", "huawei", "tuya", "tencent". */
	const char *name;
	/* Longest product and device id accepted in an identity (product 0: has none). */
	size_t product_max;
	size_t device_max;
	/* QoS our requests are published at; answers are accepted at any QoS. */
	int request_qos;
	/* How encode_request names a request; with DLC_ID_NONE, one is in flight at a time. */
	enum dlc_id_kind id_kind;
	/* Whether the topic of that direction also carries other services' messages. */
	bool shared_topic[2];
	/* How the platform cuts its stamps to ms. */
	enum dlc_stamps stamps;
	/* Every device's request topic, as an MQTT subscription filter: what the serve role
	 * answers, named in its log and in a bridge's topic lines. */
	const char *request_filter;

	/* Writes the identity's request or response topic into out (size bytes). */
	int (*topic)(const struct dlc_identity *who, enum dlc_direction dir, char *out,
	             size_t size);
	/* Whether topic is some device's topic of that direction. */
	bool (*is_topic)(const char *topic, enum dlc_direction dir);
	/* Whether topic is some device's request topic; if so writes its response topic. */
	bool (*reply_topic)(const char *request_topic, char *out, size_t size);
	/* Whose a payload on a shared topic of that direction is. Member names and the values
	 * that name the service are compared without regard to case, so that no reader that
	 * folds case can take for the time service's what is told another's here. */
	enum dlc_owner (*owner)(enum dlc_direction dir, const void *payload, size_t len);

	/* Writes a request sent at t1_ms, which grows strictly from one request to the next;
	 * seq numbers the requests. Sets *id to what the answer will carry. */
	int (*encode_request)(int64_t t1_ms, uint32_t seq, struct dlc_id *id, char *out,
	                      size_t size);
	/* Decodes and validates an answer (payload not NUL-terminated). */
	enum dlc_status (*decode_response)(const void *payload, size_t len, struct dlc_answer *out);

	/* Serve role: decodes a device's request. */
	enum dlc_status (*decode_request)(const void *payload, size_t len, struct dlc_request *out);
	/* Serve role: writes the answer to req, received at recv_ms and sent at send_ms. */
	int (*encode_response)(const struct dlc_request *req, int64_t recv_ms, int64_t send_ms,
	                       char *out, size_t size);
};

/* The dialect called name, or NULL when there is none. */
const struct dlc_dialect *dlc_find(const char *name);

/* The dialects in a fixed order, NULL-terminated: for listing and for tests. */
extern const struct dlc_dialect *const dlc_all[];

/* Human-readable name of a status, for logs and counters. */
const char *dlc_status_name(enum dlc_status status);

/* Whether id is a usable topic level: 1 to max bytes, none of '/', '+', '#' or NUL. */
bool dlc_valid_level(const char *id, size_t max);

/* Whether two ids name the same request: the same kind and value, or a number and a string
 * id that carries that number (has_number). */
bool dlc_same_id(const struct dlc_id *a, const struct dlc_id *b);

#endif
