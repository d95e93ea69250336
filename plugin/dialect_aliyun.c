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
 * This is the dialect the plugin has always spoken: it is codec.c (payloads) and route.c
 * (topics) behind the table, so both keep their own tests and their fast paths.
 */
#include <string.h>

#include "codec.h"
#include "dialect.h"
#include "route.h"

/* ProductKey and DeviceName limits from the console's rules (DeviceName 4 to 32 characters);
 * a ProductKey is 11 today, given room to grow. */
#define ALI_PRODUCT_MAX 32
#define ALI_DEVICE_MAX  32

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

static int topic(const struct dlc_identity *who, enum dlc_direction dir, char *out, size_t size)
{
	if (!dlc_valid_level(who->product, ALI_PRODUCT_MAX) ||
	    !dlc_valid_level(who->device, ALI_DEVICE_MAX))
		return -1;
	return rte_device_topic(out, size, who->product, who->device,
	                        dir == DLC_REQUEST ? RTE_REQUEST : RTE_RESPONSE);
}

static bool is_topic(const char *t, enum dlc_direction dir)
{
	char scratch[RTE_TOPIC_SIZE];

	if (t == NULL)
		return false;
	if (dir == DLC_RESPONSE)
		return rte_is_response_topic(t);
	return rte_response_topic(t, scratch, sizeof(scratch));
}

static bool reply_topic(const char *request_topic, char *out, size_t size)
{
	return request_topic != NULL && rte_response_topic(request_topic, out, size);
}

static bool is_ours(enum dlc_direction dir, const void *payload, size_t len)
{
	(void)dir;
	(void)payload;
	(void)len;
	/* Both topics belong to the time service alone. */
	return true;
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
    .topic = topic,
    .is_topic = is_topic,
    .reply_topic = reply_topic,
    .is_ours = is_ours,
    .encode_request = encode_request,
    .decode_response = decode_response,
    .decode_request = decode_request,
    .encode_response = encode_response,
};
