/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tencent Cloud IoT Explorer / IoT Hub: the NTP service on the system operation topics.
 *
 *   request   $sys/operation/{ProductId}/{DeviceName}          {"type":"get","resource":["time"]}
 *   response  $sys/operation/result/{ProductId}/{DeviceName}
 *             {"type":"get","time":<s>,"ntptime1":<T2 ms>,"ntptime2":<T3 ms>}
 *
 * Sources: tencentcloud.com/document/product/1105/41511 ("NTP Service", IoT Hub; the same on
 * www-sg.tencentcloud.com/zh/document/product/1105/41511): the request carries no device time,
 * the device keeps deviceSendtime and deviceRecvtime itself, accurate time = (ntptime1 +
 * ntptime2 + deviceRecvtime - deviceSendtime) / 2; its response example is tested exactly.
 * tencentyun/qcloud-iot-explorer-sdk-embedded-c (2021-03, 810ac680):
 * sdk_src/services/system/system_mqtt.c publishes the request and subscribes the result at
 * QoS 0, reads only "time" (seconds), and uses the same topics for other resources (eRESOURCE_IP).
 *
 * Nothing in an answer names its request: the id is DLC_ID_NONE, and the sync engine must keep
 * one request in flight and T1 and T4 itself.
 *
 * Open points, built for both readings:
 * - Both topics carry other resources: a request is the time service's when its resource
 *   list holds "time", an answer when it has ntptime1 or ntptime2, or "time" alone (seconds,
 *   all the older SDK reads): no client but the bridge may publish either on a guarded topic.
 *   The engine reads only an answer with both ms stamps; one with "time" alone is left to
 *   the broker (DLC_NOT_OURS), its one request then times out, and nothing is fed.
 * - "time" is seconds; the example (1621562342 beside 1621562342773) shows it truncated. It is
 *   checked to be an integer when present, never used; the serve role writes T3 truncated.
 * - The QoS of the answer: any is taken. Truncation or rounding of ntptime1/2: not stated.
 * - The documents give numbers; a quoted value is refused.
 */
#include <string.h>
#include <strings.h>

#include "dialect.h"
#include "dialect_json.h"

/* ProductId is 10 characters today, given room to grow; DeviceName is 1 to 48 characters. */
#define TC_PRODUCT_MAX 32
#define TC_DEVICE_MAX  48

/* Its timestamps' members, all in the top object. */
static const struct jpl_stamp stamps[] = {{"time", 1}, {"ntptime1", 1}, {"ntptime2", 1}};

static const struct dlj_shape shape[2] = {
    [DLC_REQUEST] = {"$sys/operation/", 2, ""},
    [DLC_RESPONSE] = {"$sys/operation/result/", 2, ""},
};

static int topic(const struct dlc_identity *who, enum dlc_direction dir, char *out, size_t size)
{
	const char *ids[] = {who->product, who->device};
	const size_t max[] = {TC_PRODUCT_MAX, TC_DEVICE_MAX};

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

static bool asks_for_time(const cJSON *root)
{
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(root, "resource");
	const cJSON *r;

	if (!dlj_string_is(root, "type", "get") || !cJSON_IsArray(res))
		return false;
	cJSON_ArrayForEach(r, res)
	{
		if (cJSON_IsString(r) && strcmp(r->valuestring, "time") == 0)
			return true;
	}
	return false;
}

static bool carries_ntp(const cJSON *root)
{
	return dlj_string_is(root, "type", "get") &&
	       (cJSON_GetObjectItemCaseSensitive(root, "ntptime1") != NULL ||
	        cJSON_GetObjectItemCaseSensitive(root, "ntptime2") != NULL);
}

/*
 * The owner test, laxer than asks_for_time and carries_ntp (names and values without regard
 * to case): a request whose resource list holds "time", whatever its type; an answer with
 * either ms stamp, or a "get" answer with "time" alone, which the older SDK takes for the
 * time though the engine cannot use it.
 */
static bool time_service(const cJSON *root, enum dlc_direction dir)
{
	if (dir == DLC_REQUEST) {
		const cJSON *res = cJSON_GetObjectItem(root, "resource");
		const cJSON *r;

		if (!cJSON_IsArray(res))
			return false;
		cJSON_ArrayForEach(r, res)
		{
			if (cJSON_IsString(r) && strcasecmp(r->valuestring, "time") == 0)
				return true;
		}
		return false;
	}
	return cJSON_GetObjectItem(root, "ntptime1") != NULL ||
	       cJSON_GetObjectItem(root, "ntptime2") != NULL ||
	       (dlj_string_is_nocase(root, "type", "get") &&
	        cJSON_GetObjectItem(root, "time") != NULL);
}

static enum dlc_owner owner(enum dlc_direction dir, const void *payload, size_t len)
{
	return dlj_owner(payload, len, dir, time_service);
}

static int encode_request(int64_t t1_ms, uint32_t seq, struct dlc_id *id, char *out, size_t size)
{
	struct txo_out o = txo_start(out, size);

	(void)t1_ms;
	(void)seq;
	*id = (struct dlc_id){.kind = DLC_ID_NONE};
	txo_put(&o, "{\"type\":\"get\",\"resource\":[\"time\"]}");
	return txo_finish(&o);
}

static enum dlc_status decode_response(const void *payload, size_t len, struct dlc_answer *out)
{
	enum dlc_status st;
	struct dlc_answer a = {.id = {.kind = DLC_ID_NONE}, .has_t1 = false};
	cJSON *root = dlj_parse(payload, len, stamps, sizeof(stamps) / sizeof(stamps[0]), &st);
	if (root == NULL)
		return st;
	if (!carries_ntp(root)) {
		cJSON_Delete(root);
		return DLC_NOT_OURS;
	}
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "time");
	int64_t seconds;
	st = t == NULL ? DLC_OK : dlj_ms(t, false, &seconds, NULL);
	if (st == DLC_OK)
		st = dlj_server_ms(cJSON_GetObjectItemCaseSensitive(root, "ntptime1"), false,
		                   &a.t2_ms);
	if (st == DLC_OK)
		st = dlj_server_ms(cJSON_GetObjectItemCaseSensitive(root, "ntptime2"), false,
		                   &a.t3_ms);
	cJSON_Delete(root);
	if (st == DLC_OK)
		*out = a;
	return st;
}

static enum dlc_status decode_request(const void *payload, size_t len, struct dlc_request *out)
{
	enum dlc_status st;
	cJSON *root = dlj_parse(payload, len, stamps, sizeof(stamps) / sizeof(stamps[0]), &st);
	if (root == NULL)
		return st;
	st = asks_for_time(root) ? DLC_OK : DLC_NOT_OURS;
	cJSON_Delete(root);
	if (st == DLC_OK)
		*out = (struct dlc_request){.id = {.kind = DLC_ID_NONE}, .has_t1 = false};
	return st;
}

static int encode_response(const struct dlc_request *req, int64_t recv_ms, int64_t send_ms,
                           char *out, size_t size)
{
	struct txo_out o = txo_start(out, size);

	(void)req;
	if (send_ms < 0)
		return -1;
	txo_put(&o, "{\"type\":\"get\",\"time\":");
	txo_put_int(&o, send_ms / 1000);
	txo_put(&o, ",\"ntptime1\":");
	txo_put_int(&o, recv_ms);
	txo_put(&o, ",\"ntptime2\":");
	txo_put_int(&o, send_ms);
	txo_put(&o, "}");
	return txo_finish(&o);
}

const struct dlc_dialect dlc_tencent = {
    .name = "tencent",
    .product_max = TC_PRODUCT_MAX,
    .device_max = TC_DEVICE_MAX,
    .request_qos = 0,
    .id_kind = DLC_ID_NONE,
    .shared_topic = {true, true},
    .stamps = DLC_STAMPS_UNSTATED,
    .request_filter = "$sys/operation/+/+",
    .topic = topic,
    .is_topic = is_topic,
    .reply_topic = reply_topic,
    .owner = owner,
    .encode_request = encode_request,
    .decode_response = decode_response,
    .decode_request = decode_request,
    .encode_response = encode_response,
};
