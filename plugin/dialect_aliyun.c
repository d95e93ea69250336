/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alibaba Cloud IoT Platform: the NTP service.
 *
 *   request   /ext/ntp/{ProductKey}/{DeviceName}/request    {"deviceSendTime":"<T1 ms>"}
 *   response  /ext/ntp/{ProductKey}/{DeviceName}/response
 *             {"deviceSendTime":<echo>,"serverRecvTime":<T2 ms>,"serverSendTime":<T3 ms>}
 *
 * Sources: help.aliyun.com/document_detail/102509.html ("NTP服务": QoS 0 only; each time a
 * Long or a String), help.aliyun.com/en/iot/developer-reference/ntp-service-2 (Link SDK for C,
 * components/ntp, aiot_ntp_api.h). The request id is the echoed deviceSendTime. The topics are
 * the device's own, carrying nothing else. The stamps' truncation or rounding is not stated.
 *
 * This is the dialect the plugin has always spoken: its payloads are codec.c's, which keeps its
 * own tests and its fast path; its topics are written and read here, without snprintf or a
 * parser, since the router asks about every message the broker receives.
 */
#include <string.h>

#include "codec.h"
#include "dialect.h"

/* The console makes a ProductKey 11 characters and a DeviceName 4 to 32 (iotntp-config checks
 * those rules); the plugin has always taken up to 64 of each, and a configuration that worked
 * keeps working. */
#define ALI_PRODUCT_MAX 64
#define ALI_DEVICE_MAX  64

#define ALI_PREFIX "/ext/ntp/"

static enum dlc_status from_codec(enum cdc_status st)
{
	switch (st) {
	case CDC_OK:
		return DLC_OK;
	case CDC_TOO_LARGE:
		return DLC_TOO_LARGE;
	case CDC_NOT_JSON:
		return DLC_NOT_JSON;
	case CDC_MISSING_FIELD:
		return DLC_MISSING_FIELD;
	case CDC_BAD_TIME:
		return DLC_BAD_TIME;
	case CDC_BAD_VALUE:
	default:
		return DLC_BAD_VALUE;
	}
}

static const char *const kind_name[] = {
    [DLC_REQUEST] = "request",
    [DLC_RESPONSE] = "response",
};

static int topic(const struct dlc_identity *who, enum dlc_direction dir, char *out, size_t size)
{
	if (!dlc_valid_level(who->product, ALI_PRODUCT_MAX) ||
	    !dlc_valid_level(who->device, ALI_DEVICE_MAX))
		return -1;

	size_t plen = sizeof(ALI_PREFIX) - 1;
	size_t klen = strlen(who->product), dlen = strlen(who->device);
	const char *kind = kind_name[dir];
	size_t nlen = strlen(kind);
	size_t len = plen + klen + 1 + dlen + 1 + nlen;

	if (len >= size)
		return -1;
	char *p = out;
	memcpy(p, ALI_PREFIX, plen);
	p += plen;
	memcpy(p, who->product, klen);
	p += klen;
	*p++ = '/';
	memcpy(p, who->device, dlen);
	p += dlen;
	*p++ = '/';
	memcpy(p, kind, nlen + 1);
	return (int)len;
}

/* Whether topic is /ext/ntp/{pk}/{dn}/{kind} with both ids non-empty; gives where {pk}/{dn}
 * starts and how long it is. */
static bool split_topic(const char *t, enum dlc_direction dir, const char **ids, size_t *idlen)
{
	const char *kind = kind_name[dir];
	size_t plen = sizeof(ALI_PREFIX) - 1;
	size_t klen = strlen(kind);
	size_t tlen;

	/* The first byte is compared alone first: the router asks this of every message the
	 * broker receives, and nearly all differ there. */
	if (t == NULL || t[0] != ALI_PREFIX[0] || strncmp(t, ALI_PREFIX, plen) != 0)
		return false;
	tlen = strlen(t);
	if (tlen <= plen + klen + 1 || strcmp(t + tlen - klen, kind) != 0 ||
	    t[tlen - klen - 1] != '/')
		return false;
	*ids = t + plen;
	*idlen = tlen - plen - klen - 1;
	const char *slash = memchr(*ids, '/', *idlen);
	return slash != NULL && slash != *ids && slash != *ids + *idlen - 1 &&
	       memchr(slash + 1, '/', (size_t)(*ids + *idlen - slash - 1)) == NULL;
}

static bool is_topic(const char *t, enum dlc_direction dir)
{
	const char *ids;
	size_t idlen;

	return split_topic(t, dir, &ids, &idlen);
}

static bool reply_topic(const char *request_topic, char *out, size_t size)
{
	const char *ids;
	size_t idlen;

	if (!split_topic(request_topic, DLC_REQUEST, &ids, &idlen))
		return false;
	/* Built with memcpy: this runs for every request, and snprintf cost more than the rest. */
	size_t plen = sizeof(ALI_PREFIX) - 1;
	size_t slen = strlen(kind_name[DLC_RESPONSE]);
	if (plen + idlen + 1 + slen >= size)
		return false;
	memcpy(out, ALI_PREFIX, plen);
	memcpy(out + plen, ids, idlen);
	out[plen + idlen] = '/';
	memcpy(out + plen + idlen + 1, kind_name[DLC_RESPONSE], slen + 1);
	return true;
}

static enum dlc_owner owner(enum dlc_direction dir, const void *payload, size_t len)
{
	(void)dir;
	(void)payload;
	(void)len;
	/* Both topics belong to the time service alone. */
	return DLC_OWNER_TIME;
}

static int encode_request(int64_t t1_ms, uint32_t seq, struct dlc_id *id, char *out, size_t size)
{
	/* T1 grows from one request to the next: it names one alone. */
	(void)seq;
	*id = (struct dlc_id){.kind = DLC_ID_NUMBER, .number = t1_ms, .quoted = true};
	return cdc_encode_request(out, size, t1_ms);
}

static enum dlc_status decode_response(const void *payload, size_t len, struct dlc_answer *out)
{
	struct cdc_response r;
	enum dlc_status st = from_codec(cdc_decode_response(payload, len, &r));

	if (st != DLC_OK)
		return st;
	*out = (struct dlc_answer){
	    .id = {.kind = DLC_ID_NUMBER, .number = r.device_send},
	    .has_t1 = true,
	    .t1_ms = r.device_send,
	    .t2_ms = r.server_recv,
	    .t3_ms = r.server_send,
	};
	return DLC_OK;
}

static enum dlc_status decode_request(const void *payload, size_t len, struct dlc_request *out)
{
	struct cdc_request r;
	enum dlc_status st = from_codec(cdc_decode_request(payload, len, &r));

	if (st != DLC_OK)
		return st;
	*out = (struct dlc_request){
	    .id = {.kind = DLC_ID_NUMBER, .number = r.device_send, .quoted = r.as_string},
	    .has_t1 = true,
	    .t1_ms = r.device_send,
	};
	return DLC_OK;
}

static int encode_response(const struct dlc_request *req, int64_t recv_ms, int64_t send_ms,
                           char *out, size_t size)
{
	struct cdc_request r = {.device_send = req->t1_ms, .as_string = req->id.quoted};

	if (!req->has_t1)
		return -1;
	return cdc_encode_response(out, size, &r, recv_ms, send_ms);
}

const struct dlc_dialect dlc_aliyun = {
    .name = "aliyun",
    .product_max = ALI_PRODUCT_MAX,
    .device_max = ALI_DEVICE_MAX,
    .request_qos = 0,
    .id_kind = DLC_ID_NUMBER,
    .shared_topic = {false, false},
    .stamps = DLC_STAMPS_UNSTATED,
    .request_filter = ALI_PREFIX "+/+/request",
    .topic = topic,
    .is_topic = is_topic,
    .reply_topic = reply_topic,
    .owner = owner,
    .encode_request = encode_request,
    .decode_response = decode_response,
    .decode_request = decode_request,
    .encode_response = encode_response,
};
