/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Huawei Cloud IoTDA: device time synchronisation, a system event.
 *
 *   request   $oc/devices/{device_id}/sys/events/up
 *             {"services":[{"service_id":"$time_sync","event_type":"time_sync_request",
 *                           "paras":{"device_send_time":<T1 ms>}}]}
 *   response  $oc/devices/{device_id}/sys/events/down
 *             {"services":[{"service_id":"$time_sync","event_type":"time_sync_response",
 *                           "paras":{"device_send_time":<echo>,"server_recv_time":<T2 ms>,
 *                                    "server_send_time":<T3 ms>}}]}
 *
 * Sources: support.huaweicloud.com/api-iothub/iot_06_v5_3040.html (request) and
 * iot_06_v5_3041.html (response; intl/en-us pages alike): each time a JSON long in ms,
 * object_device_id and event_time optional, device time = (T2 + T3 + T4 - T1) / 2. The
 * response page's example is tested byte for byte. huaweicloud-iot-device-sdk-c (2025-08,
 * 5280e8cd): src/agentlite/iota_payload.c IOTA_GetNTPTimePayload writes device_send_time as a
 * number; src/service/callback_func.c reads the three values as integers; include/base/
 * mqtt_base.h publishes at DEFAULT_QOS 1.
 *
 * Open points, built for both readings:
 * - events/up and events/down also carry OTA, sub-device and log events: a payload is the
 *   time service's when a services[] entry has service_id "$time_sync" and the direction's
 *   event_type, and another service's when it is readable JSON without one; what cannot be
 *   read is neither (dialect.h, enum dlc_owner).
 * - The QoS the platform answers with is not documented: answers are taken at any QoS. We
 *   request at QoS 1, as the SDK does; QoS 0 is documented neither way.
 * - Truncation or rounding of the ms stamps is not stated.
 * - The documents give numbers; a quoted value is refused.
 * - A request without object_device_id is the topic's device's, so the serve role answers
 *   without it. A gateway's sub-device (object_device_id set) is step 2's business.
 */
#include <string.h>

#include "dialect.h"
#include "dialect_json.h"

/* device_id is product_id + "_" + node_id; IoTDA allows up to 128 characters. */
#define HW_DEVICE_MAX 128

#define HW_SERVICE  "$time_sync"
#define HW_REQUEST  "time_sync_request"
#define HW_RESPONSE "time_sync_response"

/* Its timestamps' members: in paras, of an event in services, in the top object. */
static const struct jpl_stamp stamps[] = {
    {"device_send_time", 4}, {"server_recv_time", 4}, {"server_send_time", 4}};

static const struct dlj_shape shape[2] = {
    [DLC_REQUEST] = {"$oc/devices/", 1, "/sys/events/up"},
    [DLC_RESPONSE] = {"$oc/devices/", 1, "/sys/events/down"},
};

static int topic(const struct dlc_identity *who, enum dlc_direction dir, char *out, size_t size)
{
	const char *ids[] = {who->device};
	const size_t max[] = {HW_DEVICE_MAX};

	return dlj_topic(&shape[dir], ids, max, out, size);
}

static bool is_topic(const char *t, enum dlc_direction dir)
{
	return dlj_matches(&shape[dir], t);
}

static bool reply_topic(const char *request_topic, char *out, size_t size)
{
	return dlj_rewrite(&shape[DLC_REQUEST], &shape[DLC_RESPONSE], request_topic, out, size);
}

/* The first services[] entry of the time service with the event type of dir; NULL: none. */
static const cJSON *time_event(const cJSON *root, enum dlc_direction dir)
{
	const cJSON *services = cJSON_GetObjectItemCaseSensitive(root, "services");
	const cJSON *e;

	if (!cJSON_IsArray(services))
		return NULL;
	cJSON_ArrayForEach(e, services)
	{
		if (cJSON_IsObject(e) && dlj_string_is(e, "service_id", HW_SERVICE) &&
		    dlj_string_is(e, "event_type", dir == DLC_REQUEST ? HW_REQUEST : HW_RESPONSE))
			return e;
	}
	return NULL;
}

/* The owner test's reading of time_event: names and values without regard to case. */
static bool time_service(const cJSON *root, enum dlc_direction dir)
{
	const cJSON *services = cJSON_GetObjectItem(root, "services");
	const cJSON *e;

	if (!cJSON_IsArray(services))
		return false;
	cJSON_ArrayForEach(e, services)
	{
		if (cJSON_IsObject(e) && dlj_string_is_nocase(e, "service_id", HW_SERVICE) &&
		    dlj_string_is_nocase(e, "event_type",
		                         dir == DLC_REQUEST ? HW_REQUEST : HW_RESPONSE))
			return true;
	}
	return false;
}

static enum dlc_owner owner(enum dlc_direction dir, const void *payload, size_t len)
{
	return dlj_owner(payload, len, dir, time_service);
}

/* The event's paras, or why there are none. */
static const cJSON *paras_of(const cJSON *root, enum dlc_direction dir, enum dlc_status *st)
{
	const cJSON *e = time_event(root, dir);
	if (e == NULL) {
		*st = DLC_NOT_OURS;
		return NULL;
	}
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "paras");
	if (p == NULL || cJSON_IsNull(p)) {
		*st = DLC_MISSING_FIELD;
		return NULL;
	}
	if (!cJSON_IsObject(p)) {
		*st = DLC_BAD_VALUE;
		return NULL;
	}
	*st = DLC_OK;
	return p;
}

static int encode_request(int64_t t1_ms, uint32_t seq, struct dlc_id *id, char *out, size_t size)
{
	struct txo_out o = txo_start(out, size);

	/* The echoed T1 is the id: it grows from one request to the next. */
	(void)seq;
	*id = (struct dlc_id){.kind = DLC_ID_NUMBER, .number = t1_ms};
	txo_put(&o, "{\"services\":[{\"service_id\":\"" HW_SERVICE "\",\"event_type\":\"" HW_REQUEST
	            "\",\"paras\":{\"device_send_time\":");
	txo_put_int(&o, t1_ms);
	txo_put(&o, "}}]}");
	return txo_finish(&o);
}

static enum dlc_status decode_response(const void *payload, size_t len, struct dlc_answer *out)
{
	enum dlc_status st;
	struct dlc_answer a = {.id = {.kind = DLC_ID_NUMBER}, .has_t1 = true};
	cJSON *root = dlj_parse(payload, len, stamps, sizeof(stamps) / sizeof(stamps[0]), &st);
	if (root == NULL)
		return st;
	const cJSON *p = paras_of(root, DLC_RESPONSE, &st);
	if (p != NULL)
		st = dlj_ms(cJSON_GetObjectItemCaseSensitive(p, "device_send_time"), false,
		            &a.t1_ms, NULL);
	if (st == DLC_OK)
		st = dlj_server_ms(cJSON_GetObjectItemCaseSensitive(p, "server_recv_time"), false,
		                   &a.t2_ms);
	if (st == DLC_OK)
		st = dlj_server_ms(cJSON_GetObjectItemCaseSensitive(p, "server_send_time"), false,
		                   &a.t3_ms);
	cJSON_Delete(root);
	if (st != DLC_OK)
		return st;
	a.id.number = a.t1_ms;
	*out = a;
	return DLC_OK;
}

static enum dlc_status decode_request(const void *payload, size_t len, struct dlc_request *out)
{
	enum dlc_status st;
	struct dlc_request r = {.id = {.kind = DLC_ID_NUMBER}, .has_t1 = true};
	cJSON *root = dlj_parse(payload, len, stamps, sizeof(stamps) / sizeof(stamps[0]), &st);
	if (root == NULL)
		return st;
	const cJSON *p = paras_of(root, DLC_REQUEST, &st);
	if (p != NULL)
		st = dlj_ms(cJSON_GetObjectItemCaseSensitive(p, "device_send_time"), false,
		            &r.t1_ms, NULL);
	cJSON_Delete(root);
	if (st != DLC_OK)
		return st;
	r.id.number = r.t1_ms;
	*out = r;
	return DLC_OK;
}

static int encode_response(const struct dlc_request *req, int64_t recv_ms, int64_t send_ms,
                           char *out, size_t size)
{
	struct txo_out o = txo_start(out, size);

	if (!req->has_t1)
		return -1;
	txo_put(&o, "{\"services\":[{\"service_id\":\"" HW_SERVICE
	            "\",\"event_type\":\"" HW_RESPONSE "\",\"paras\":{\"device_send_time\":");
	txo_put_int(&o, req->t1_ms);
	txo_put(&o, ",\"server_recv_time\":");
	txo_put_int(&o, recv_ms);
	txo_put(&o, ",\"server_send_time\":");
	txo_put_int(&o, send_ms);
	txo_put(&o, "}}]}");
	return txo_finish(&o);
}

const struct dlc_dialect dlc_huawei = {
    .name = "huawei",
    .product_max = 0,
    .device_max = HW_DEVICE_MAX,
    .request_qos = 1,
    .id_kind = DLC_ID_NUMBER,
    .shared_topic = {true, true},
    .stamps = DLC_STAMPS_UNSTATED,
    .request_filter = "$oc/devices/+/sys/events/up",
    .topic = topic,
    .is_topic = is_topic,
    .reply_topic = reply_topic,
    .owner = owner,
    .encode_request = encode_request,
    .decode_response = decode_response,
    .decode_request = decode_request,
    .encode_response = encode_response,
};
