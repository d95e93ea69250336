/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tuya (tylink MQTT): the time service's NTP request.
 *
 *   request   tylink/{deviceId}/ext/time/request
 *             {"msgId":"<id>","time":<stamp>,"data":{"bizType":"NTP","dst":<T1 ms>}}
 *   response  tylink/{deviceId}/ext/time/response
 *             {"msgId":"<id>","time":<stamp>,"data":{"bizType":"NTP","dst":<T1>,"srt":<T2 ms>,
 *                                                     "sst":<T3 ms>}}
 *
 * Sources: developer.tuya.com/en/docs/iot/time-service?id=Kc0uqqccj0c47 ("Time Service":
 * msgId a string of up to 32 characters "used to correlate responses and requests"; time "in
 * seconds (10-digit value) or milliseconds (13-digit value)"; the device passes t1, the server
 * returns t1, t2 and t3; its request example is tested exactly).
 * developer.tuya.com/en/docs/iot-device-dev/MQTT-protocol?id=Kb3nzwbv28sgk (client id,
 * signing). tuya/tuya-iot-core-sdk (2023-03, 0208badef): src/tuyalink_core.c writes msgId as
 * a decimal counter in quotes and time as system_timestamp() in seconds, publishes at QoS 0,
 * and reads msgId, time and data from every message; examples/ota_basic_demo asks for bizType
 * "NTP" and "DST" (daylight saving rules) on the same topic.
 *
 * Open points, built for both readings:
 * - time's unit: read as either (any non-negative integer, not used); written in ms as the
 *   document's example does. It is the message's stamp, never one of the four timestamps.
 * - Whether the answer echoes msgId, dst or both: a request's id holds both, and an answer
 *   is matched by msgId when it carries one, else by dst (dlc_same_id).
 * - Numbers or quoted numbers: the document shows numbers; both are read.
 * - Both topics carry bizType "DST" traffic: only bizType "NTP" is ours.
 * - The QoS of the answer: any is taken. Truncation or rounding of srt and sst: not stated.
 */
#include <string.h>

#include "dialect.h"
#include "dialect_json.h"

/* Not documented; ids seen are 20 to 22 characters. */
#define TUYA_DEVICE_MAX 64

/* Integers from here on are not exact in a double, and no JSON number carries them. */
#define TUYA_EXACT_MAX (INT64_C(1) << 53)

/* Its timestamps' members: the message's time, and those in data. */
static const struct jpl_stamp stamps[] = {{"time", 1}, {"dst", 2}, {"srt", 2}, {"sst", 2}};

static const struct dlj_shape shape[2] = {
    [DLC_REQUEST] = {"tylink/", 1, "/ext/time/request"},
    [DLC_RESPONSE] = {"tylink/", 1, "/ext/time/response"},
};

static int topic(const struct dlc_identity *who, enum dlc_direction dir, char *out, size_t size)
{
	const char *ids[] = {who->device};
	const size_t max[] = {TUYA_DEVICE_MAX};

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

/* The data object of an NTP message; NULL: not one. */
static const cJSON *ntp_data(const cJSON *root)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
	return cJSON_IsObject(data) && dlj_string_is(data, "bizType", "NTP") ? data : NULL;
}

/* The owner test's reading of ntp_data: names and values without regard to case. */
static bool time_service(const cJSON *root, enum dlc_direction dir)
{
	const cJSON *data = cJSON_GetObjectItem(root, "data");

	(void)dir;
	return cJSON_IsObject(data) && dlj_string_is_nocase(data, "bizType", "NTP");
}

static enum dlc_owner owner(enum dlc_direction dir, const void *payload, size_t len)
{
	return dlj_owner(payload, len, dir, time_service);
}

/* The message's time, when present: an integer in either unit. */
static enum dlc_status check_time(const cJSON *root)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "time");
	int64_t v;

	return t == NULL ? DLC_OK : dlj_ms(t, true, &v, NULL);
}

static int encode_request(int64_t t1_ms, uint32_t seq, struct dlc_id *id, char *out, size_t size)
{
	struct txo_out o = txo_start(out, size);
	struct txo_out idt = txo_start(id->text, sizeof(id->text));

	/* T1 and a sequence number: unique across requests in one ms and across restarts. */
	txo_put_int(&idt, t1_ms);
	txo_put(&idt, "-");
	txo_put_int(&idt, seq);
	if (txo_finish(&idt) < 0)
		return -1;
	/* The answer may echo msgId, dst or both (see above): the id holds both. T1 grows
	 * strictly from one request to the next, so dst names one request as msgId does. */
	id->kind = DLC_ID_STRING;
	id->number = t1_ms;
	id->has_number = true;
	id->quoted = true;
	txo_put(&o, "{\"msgId\":\"");
	txo_put(&o, id->text);
	txo_put(&o, "\",\"time\":");
	txo_put_int(&o, t1_ms);
	txo_put(&o, ",\"data\":{\"bizType\":\"NTP\",\"dst\":");
	txo_put_int(&o, t1_ms);
	txo_put(&o, "}}");
	return txo_finish(&o);
}

/* msgId when present, else the echoed dst as a number. */
static enum dlc_status read_id(const cJSON *root, bool has_dst, int64_t dst, struct dlc_id *id)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "msgId");

	if (m != NULL && !cJSON_IsNull(m))
		return dlj_string_id(m, id);
	if (!has_dst)
		return DLC_MISSING_FIELD;
	*id = (struct dlc_id){.kind = DLC_ID_NUMBER, .number = dst};
	return DLC_OK;
}

static enum dlc_status decode_response(const void *payload, size_t len, struct dlc_answer *out)
{
	enum dlc_status st;
	struct dlc_answer a = {0};
	cJSON *root = dlj_parse(payload, len, stamps, sizeof(stamps) / sizeof(stamps[0]), &st);
	if (root == NULL)
		return st;
	const cJSON *data = ntp_data(root);
	if (data == NULL) {
		cJSON_Delete(root);
		return DLC_NOT_OURS;
	}
	const cJSON *dst = cJSON_GetObjectItemCaseSensitive(data, "dst");
	st = DLC_OK;
	if (dst != NULL && !cJSON_IsNull(dst)) {
		st = dlj_ms(dst, true, &a.t1_ms, NULL);
		a.has_t1 = st == DLC_OK;
	}
	if (st == DLC_OK)
		st = check_time(root);
	if (st == DLC_OK)
		st = read_id(root, a.has_t1, a.t1_ms, &a.id);
	if (st == DLC_OK)
		st = dlj_server_ms(cJSON_GetObjectItemCaseSensitive(data, "srt"), true, &a.t2_ms);
	if (st == DLC_OK)
		st = dlj_server_ms(cJSON_GetObjectItemCaseSensitive(data, "sst"), true, &a.t3_ms);
	cJSON_Delete(root);
	if (st == DLC_OK)
		*out = a;
	return st;
}

static enum dlc_status decode_request(const void *payload, size_t len, struct dlc_request *out)
{
	enum dlc_status st;
	struct dlc_request r = {.has_t1 = true};
	cJSON *root = dlj_parse(payload, len, stamps, sizeof(stamps) / sizeof(stamps[0]), &st);
	if (root == NULL)
		return st;
	const cJSON *data = ntp_data(root);
	if (data == NULL) {
		cJSON_Delete(root);
		return DLC_NOT_OURS;
	}
	/* The document makes msgId and dst required; the answer echoes both. */
	st = dlj_string_id(cJSON_GetObjectItemCaseSensitive(root, "msgId"), &r.id);
	if (st == DLC_OK)
		st = check_time(root);
	if (st == DLC_OK)
		st = dlj_ms(cJSON_GetObjectItemCaseSensitive(data, "dst"), true, &r.t1_ms, NULL);
	cJSON_Delete(root);
	if (st == DLC_OK)
		*out = r;
	return st;
}

static int encode_response(const struct dlc_request *req, int64_t recv_ms, int64_t send_ms,
                           char *out, size_t size)
{
	struct txo_out o = txo_start(out, size);

	if (req->id.kind != DLC_ID_STRING || !req->has_t1)
		return -1;
	txo_put(&o, "{\"msgId\":\"");
	txo_put(&o, req->id.text);
	txo_put(&o, "\",\"time\":");
	txo_put_int(&o, send_ms);
	txo_put(&o, ",\"data\":{\"bizType\":\"NTP\",\"dst\":");
	/* A request may quote a dst no JSON number carries exactly (2^53 and over): it is echoed
	 * quoted, as the reader takes it, so that the device can read its answer. */
	txo_put_ms(&o, req->t1_ms, req->t1_ms >= TUYA_EXACT_MAX);
	txo_put(&o, ",\"srt\":");
	txo_put_int(&o, recv_ms);
	txo_put(&o, ",\"sst\":");
	txo_put_int(&o, send_ms);
	txo_put(&o, "}}");
	return txo_finish(&o);
}

const struct dlc_dialect dlc_tuya = {
    .name = "tuya",
    .product_max = 0,
    .device_max = TUYA_DEVICE_MAX,
    .request_qos = 0,
    .id_kind = DLC_ID_STRING,
    .shared_topic = {true, true},
    .stamps = DLC_STAMPS_UNSTATED,
    .request_filter = "tylink/+/ext/time/request",
    .topic = topic,
    .is_topic = is_topic,
    .reply_topic = reply_topic,
    .owner = owner,
    .encode_request = encode_request,
    .decode_response = decode_response,
    .decode_request = decode_request,
    .encode_response = encode_response,
};
