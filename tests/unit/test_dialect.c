/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for dialect: each IoT platform's topics and payloads behind one table.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "dialect.h"
#include "runner.h"

/* 2026-11-24T21:00:00Z in ms. */
#define T0 INT64_C(1795554000000)

static const struct dlc_dialect *d_of(const char *name)
{
	const struct dlc_dialect *d = dlc_find(name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	return d;
}

/* A heap copy of exactly strlen(text) bytes, no NUL after it, as the broker hands payloads. */
static char *copy_of(const char *text, size_t *len)
{
	*len = strlen(text);
	char *copy = malloc(*len > 0 ? *len : 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, text, *len);
	return copy;
}

/* Decodes an answer from a copy, and checks the decoder left the payload as it was. */
static enum dlc_status answer(const struct dlc_dialect *d, const char *text, struct dlc_answer *a)
{
	size_t len;
	char *copy = copy_of(text, &len);
	enum dlc_status st = d->decode_response(copy, len, a);
	CU_ASSERT(memcmp(copy, text, len) == 0);
	free(copy);
	if (st != DLC_OK)
		runner_add_figure("bad_inputs", 1);
	return st;
}

static enum dlc_status request(const struct dlc_dialect *d, const char *text, struct dlc_request *r)
{
	size_t len;
	char *copy = copy_of(text, &len);
	enum dlc_status st = d->decode_request(copy, len, r);
	CU_ASSERT(memcmp(copy, text, len) == 0);
	free(copy);
	if (st != DLC_OK)
		runner_add_figure("bad_inputs", 1);
	return st;
}

/* Whose a payload on a shared topic is, from a copy left as it was. */
static enum dlc_owner owner_of(const struct dlc_dialect *d, enum dlc_direction dir,
                               const char *text)
{
	size_t len;
	char *copy = copy_of(text, &len);
	enum dlc_owner o = d->owner(dir, copy, len);
	CU_ASSERT(memcmp(copy, text, len) == 0);
	free(copy);
	return o;
}

/* ---- the seam ---- */

static void each_platform_is_found_by_its_name_and_no_other_name_is(void)
{
	const char *names[] = {"aliyun", "huawei", "tuya", "tencent"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct dlc_dialect *d = dlc_find(names[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		CU_ASSERT_STRING_EQUAL(d->name, names[i]);
		CU_ASSERT_PTR_EQUAL(dlc_all[i], d);
	}
	CU_ASSERT_PTR_NULL(dlc_all[4]);
	CU_ASSERT_PTR_NULL(dlc_find("Aliyun"));
	CU_ASSERT_PTR_NULL(dlc_find("aws"));
	CU_ASSERT_PTR_NULL(dlc_find(""));
	CU_ASSERT_PTR_NULL(dlc_find(NULL));
}

static void every_table_is_complete(void)
{
	for (int i = 0; dlc_all[i] != NULL; i++) {
		const struct dlc_dialect *d = dlc_all[i];
		CU_ASSERT(d->topic != NULL && d->is_topic != NULL && d->reply_topic != NULL &&
		          d->owner != NULL && d->encode_request != NULL &&
		          d->decode_response != NULL && d->decode_request != NULL &&
		          d->encode_response != NULL);
		CU_ASSERT(d->device_max > 0);
		CU_ASSERT(d->request_filter != NULL);
		CU_ASSERT(d->request_qos == 0 || d->request_qos == 1);
		/* The table says how its requests are named, as encode_request names them. */
		char buf[DLC_BUF_SIZE];
		struct dlc_id id;
		CU_ASSERT_FATAL(d->encode_request(T0, 1, &id, buf, sizeof(buf)) > 0);
		CU_ASSERT_EQUAL(id.kind, d->id_kind);
	}
}

static void every_status_has_a_name(void)
{
	for (int s = DLC_OK; s <= DLC_BAD_TIME; s++)
		CU_ASSERT_STRING_NOT_EQUAL(dlc_status_name((enum dlc_status)s), "unknown");
}

/* ---- documented examples, decoded exactly ---- */

static void aliyun_documented_request_and_answer_decode_exactly(void)
{
	const struct dlc_dialect *d = d_of("aliyun");
	struct dlc_request r;
	struct dlc_answer a;

	/* help.aliyun.com/document_detail/102509.html */
	CU_ASSERT_EQUAL(request(d, "{\n    \"deviceSendTime\":\"1571724098000\"\n}", &r), DLC_OK);
	CU_ASSERT(r.has_t1 && r.t1_ms == INT64_C(1571724098000));
	CU_ASSERT(r.id.kind == DLC_ID_NUMBER && r.id.number == r.t1_ms && r.id.quoted);
	/* developer.aliyun.com/article/765244, the platform's answer as a device received it */
	CU_ASSERT_EQUAL(answer(d,
	                       "{\"deviceSendTime\":\"1592361428000\",\"serverSendTime\":"
	                       "\"1592366463548\",\"serverRecvTime\":\"1592366463548\"}",
	                       &a),
	                DLC_OK);
	CU_ASSERT(a.id.kind == DLC_ID_NUMBER && a.id.number == INT64_C(1592361428000));
	CU_ASSERT(a.has_t1 && a.t1_ms == INT64_C(1592361428000));
	CU_ASSERT(a.t2_ms == INT64_C(1592366463548) && a.t3_ms == INT64_C(1592366463548));
}

static const char huawei_doc_request[] =
    "{ \n    \"object_device_id\": \"{object_device_id}\", \n    \"services\": [{ \n"
    "        \"service_id\": \"$time_sync\", \n        \"event_type\": \"time_sync_request\", \n"
    "        \"event_time\": \"20151212T121212Z\",\n         \"paras\": { \n"
    "            \"device_send_time\": 1582685678789\n         } \n    }] \n}";

static const char huawei_doc_response[] =
    "{ \n    \"object_device_id\": \"{object_device_id}\", \n    \"services\": [{ \n"
    "        \"service_id\": \"$time_sync\", \n        \"event_type\": \"time_sync_response\", \n"
    "        \"event_time\": \"20151212T121212Z\",\n         \"paras\": { \n"
    "            \"device_send_time\": 1582685678789,\n"
    "            \"server_recv_time\": 1582685696152,\n"
    "            \"server_send_time\": 1582685708109\n         } \n    }] \n}";

static void huawei_documented_request_and_answer_decode_exactly(void)
{
	const struct dlc_dialect *d = d_of("huawei");
	struct dlc_request r;
	struct dlc_answer a;

	CU_ASSERT_EQUAL(owner_of(d, DLC_REQUEST, huawei_doc_request), DLC_OWNER_TIME);
	CU_ASSERT_EQUAL(request(d, huawei_doc_request, &r), DLC_OK);
	CU_ASSERT(r.has_t1 && r.t1_ms == INT64_C(1582685678789));
	CU_ASSERT(r.id.kind == DLC_ID_NUMBER && r.id.number == INT64_C(1582685678789));
	CU_ASSERT_EQUAL(owner_of(d, DLC_RESPONSE, huawei_doc_response), DLC_OWNER_TIME);
	CU_ASSERT_EQUAL(answer(d, huawei_doc_response, &a), DLC_OK);
	CU_ASSERT(a.id.kind == DLC_ID_NUMBER && a.id.number == INT64_C(1582685678789));
	CU_ASSERT(a.has_t1 && a.t1_ms == INT64_C(1582685678789));
	CU_ASSERT(a.t2_ms == INT64_C(1582685696152) && a.t3_ms == INT64_C(1582685708109));
	/* A request is not an answer, nor the other way round. */
	CU_ASSERT_EQUAL(owner_of(d, DLC_RESPONSE, huawei_doc_request), DLC_OWNER_OTHER);
	CU_ASSERT_EQUAL(answer(d, huawei_doc_request, &a), DLC_NOT_OURS);
	CU_ASSERT_EQUAL(request(d, huawei_doc_response, &r), DLC_NOT_OURS);
}

static const char tuya_doc_request[] =
    "{\n    \"msgId\":\"45lkj3551234001\",\n  \t\"time\":1626197189638,\n"
    "\t\"data\":{\n        \"bizType\":\"NTP\",\n"
    "        \"dst\":1655957399000\n    }\n}";

static void tuya_documented_request_decodes_exactly(void)
{
	const struct dlc_dialect *d = d_of("tuya");
	struct dlc_request r;

	CU_ASSERT_EQUAL(owner_of(d, DLC_REQUEST, tuya_doc_request), DLC_OWNER_TIME);
	CU_ASSERT_EQUAL(request(d, tuya_doc_request, &r), DLC_OK);
	CU_ASSERT(r.id.kind == DLC_ID_STRING);
	CU_ASSERT_STRING_EQUAL(r.id.text, "45lkj3551234001");
	CU_ASSERT(r.has_t1 && r.t1_ms == INT64_C(1655957399000));
}

static void tuya_answer_is_matched_with_or_without_msgid_and_read_with_time_in_either_unit(void)
{
	const struct dlc_dialect *d = d_of("tuya");
	struct dlc_answer a;

	/* msgId echoed, time in ms */
	CU_ASSERT_EQUAL(answer(d,
	                       "{\"msgId\":\"45lkj3551234001\",\"time\":1655957399120,\"data\":{"
	                       "\"bizType\":\"NTP\",\"dst\":1655957399000,\"srt\":1655957399110,"
	                       "\"sst\":1655957399115}}",
	                       &a),
	                DLC_OK);
	CU_ASSERT(a.id.kind == DLC_ID_STRING && strcmp(a.id.text, "45lkj3551234001") == 0);
	CU_ASSERT(a.has_t1 && a.t1_ms == INT64_C(1655957399000));
	CU_ASSERT(a.t2_ms == INT64_C(1655957399110) && a.t3_ms == INT64_C(1655957399115));
	/* no msgId: dst is the id; time in seconds, as the SDK writes it; quoted values */
	CU_ASSERT_EQUAL(answer(d,
	                       "{\"time\":1655957399,\"data\":{\"bizType\":\"NTP\",\"dst\":"
	                       "\"1655957399000\",\"srt\":\"1655957399110\",\"sst\":"
	                       "\"1655957399115\"}}",
	                       &a),
	                DLC_OK);
	CU_ASSERT(a.id.kind == DLC_ID_NUMBER && a.id.number == INT64_C(1655957399000));
	CU_ASSERT(a.t2_ms == INT64_C(1655957399110) && a.t3_ms == INT64_C(1655957399115));
	/* It names the request that sent that dst, and no other. */
	char buf[DLC_BUF_SIZE];
	struct dlc_id sent, next;
	CU_ASSERT_FATAL(d->encode_request(INT64_C(1655957399000), 7, &sent, buf, sizeof(buf)) > 0);
	CU_ASSERT_FATAL(d->encode_request(INT64_C(1655957399001), 8, &next, buf, sizeof(buf)) > 0);
	CU_ASSERT(dlc_same_id(&sent, &a.id) && dlc_same_id(&a.id, &sent));
	CU_ASSERT(!dlc_same_id(&next, &a.id) && !dlc_same_id(&a.id, &next));
	/* An answer that echoes msgId is matched by it alone, whatever its dst. */
	CU_ASSERT_EQUAL(
	    answer(d,
	           "{\"msgId\":\"1655957399001-8\",\"data\":{\"bizType\":\"NTP\","
	           "\"dst\":1655957399000,\"srt\":1655957399110,\"sst\":1655957399115}}",
	           &a),
	    DLC_OK);
	CU_ASSERT(dlc_same_id(&next, &a.id) && !dlc_same_id(&sent, &a.id));
	/* neither msgId nor dst: nothing to match on */
	CU_ASSERT_EQUAL(answer(d,
	                       "{\"data\":{\"bizType\":\"NTP\",\"srt\":1655957399110,"
	                       "\"sst\":1655957399115}}",
	                       &a),
	                DLC_MISSING_FIELD);
}

static void tuya_dst_no_json_number_carries_is_echoed_quoted_and_read_back(void)
{
	const struct dlc_dialect *d = d_of("tuya");
	const char *req = "{\"msgId\":\"7\",\"data\":{\"bizType\":\"NTP\",\"dst\":"
	                  "\"999999999999999999\"}}";
	struct dlc_request r;
	struct dlc_answer a;
	char out[DLC_BUF_SIZE];

	CU_ASSERT_EQUAL_FATAL(request(d, req, &r), DLC_OK);
	CU_ASSERT_EQUAL(r.t1_ms, INT64_C(999999999999999999));
	int n = d->encode_response(&r, T0, T0 + 1, out, sizeof(out));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"dst\":\"999999999999999999\""));
	CU_ASSERT_EQUAL_FATAL(answer(d, out, &a), DLC_OK);
	CU_ASSERT(a.has_t1 && a.t1_ms == INT64_C(999999999999999999));
	/* Below 2^53 a dst is a number, as the document writes it. */
	r.t1_ms = (INT64_C(1) << 53) - 1;
	CU_ASSERT_FATAL(d->encode_response(&r, T0, T0 + 1, out, sizeof(out)) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"dst\":9007199254740991,"));
	r.t1_ms = INT64_C(1) << 53;
	CU_ASSERT_FATAL(d->encode_response(&r, T0, T0 + 1, out, sizeof(out)) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"dst\":\"9007199254740992\","));
}

static void tencent_documented_request_and_answer_decode_exactly(void)
{
	const struct dlc_dialect *d = d_of("tencent");
	struct dlc_request r;
	struct dlc_answer a;
	const char *req = "{\n\"type\": \"get\",\n\"resource\": [\n\"time\"\n]\n}";
	const char *resp = "{\n\"type\": \"get\",\n\"time\": 1621562342,\n\"ntptime1\": "
	                   "1621562342773,\n\"ntptime2\": 1621562342773\n}";

	CU_ASSERT_EQUAL(owner_of(d, DLC_REQUEST, req), DLC_OWNER_TIME);
	CU_ASSERT_EQUAL(request(d, req, &r), DLC_OK);
	CU_ASSERT(r.id.kind == DLC_ID_NONE && !r.has_t1);
	CU_ASSERT_EQUAL(owner_of(d, DLC_RESPONSE, resp), DLC_OWNER_TIME);
	CU_ASSERT_EQUAL(answer(d, resp, &a), DLC_OK);
	CU_ASSERT(a.id.kind == DLC_ID_NONE && !a.has_t1);
	CU_ASSERT(a.t2_ms == INT64_C(1621562342773) && a.t3_ms == INT64_C(1621562342773));
}

/* ---- encodings, exactly ---- */

static void each_request_is_written_exactly_as_documented(void)
{
	char buf[DLC_BUF_SIZE];
	struct dlc_id id;

	CU_ASSERT(d_of("aliyun")->encode_request(T0 + 123, 7, &id, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "{\"deviceSendTime\":\"1795554000123\"}");
	CU_ASSERT(id.kind == DLC_ID_NUMBER && id.number == T0 + 123);

	CU_ASSERT(d_of("huawei")->encode_request(T0 + 123, 7, &id, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "{\"services\":[{\"service_id\":\"$time_sync\",\"event_type\":"
	                            "\"time_sync_request\",\"paras\":{\"device_send_time\":"
	                            "1795554000123}}]}");
	CU_ASSERT(id.kind == DLC_ID_NUMBER && id.number == T0 + 123);

	CU_ASSERT(d_of("tuya")->encode_request(T0 + 123, 7, &id, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "{\"msgId\":\"1795554000123-7\",\"time\":1795554000123,"
	                            "\"data\":{\"bizType\":\"NTP\",\"dst\":1795554000123}}");
	CU_ASSERT(id.kind == DLC_ID_STRING && strcmp(id.text, "1795554000123-7") == 0);

	CU_ASSERT(d_of("tencent")->encode_request(T0 + 123, 7, &id, buf, sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "{\"type\":\"get\",\"resource\":[\"time\"]}");
	CU_ASSERT(id.kind == DLC_ID_NONE);
}

static void tencent_answer_carries_the_send_time_truncated_to_seconds(void)
{
	const struct dlc_dialect *d = d_of("tencent");
	struct dlc_request r = {.id = {.kind = DLC_ID_NONE}};
	char buf[DLC_BUF_SIZE];

	CU_ASSERT(d->encode_response(&r, INT64_C(1621562342773), INT64_C(1621562342999), buf,
	                             sizeof(buf)) > 0);
	CU_ASSERT_STRING_EQUAL(buf, "{\"type\":\"get\",\"time\":1621562342,\"ntptime1\":"
	                            "1621562342773,\"ntptime2\":1621562342999}");
}

static void no_encoder_writes_past_the_buffer_it_is_given(void)
{
	char buf[DLC_BUF_SIZE];

	for (int i = 0; dlc_all[i] != NULL; i++) {
		const struct dlc_dialect *d = dlc_all[i];
		struct dlc_id id;
		int full = d->encode_request(T0, 1, &id, buf, sizeof(buf));
		CU_ASSERT_FATAL(full > 0);
		for (size_t size = 0; size <= (size_t)full; size++) {
			memset(buf, 'x', sizeof(buf));
			CU_ASSERT_EQUAL(d->encode_request(T0, 1, &id, buf, size), -1);
			CU_ASSERT(buf[size] == 'x');
		}
		CU_ASSERT_EQUAL(d->encode_request(T0, 1, &id, buf, (size_t)full + 1), full);
		/* The answer to a request in this dialect. */
		struct dlc_request req;
		CU_ASSERT_EQUAL_FATAL(d->decode_request(buf, (size_t)full, &req), DLC_OK);
		full = d->encode_response(&req, T0 + 1, T0 + 2, buf, sizeof(buf));
		CU_ASSERT_FATAL(full > 0);
		for (size_t size = 0; size <= (size_t)full; size++) {
			memset(buf, 'x', sizeof(buf));
			CU_ASSERT_EQUAL(d->encode_response(&req, T0 + 1, T0 + 2, buf, size), -1);
			CU_ASSERT(buf[size] == 'x');
		}
	}
}

/* ---- round trips: request -> the platform's answer from the serve encoder -> decode ---- */

static void every_request_comes_back_as_an_answer_to_itself(void)
{
	srand(20);
	for (int i = 0; dlc_all[i] != NULL; i++) {
		const struct dlc_dialect *d = dlc_all[i];
		for (int n = 0; n < 2000; n++) {
			char req_text[DLC_BUF_SIZE], ans_text[DLC_BUF_SIZE];
			struct dlc_id id;
			struct dlc_request req;
			struct dlc_answer a;
			/* Any device time, even a wrong clock's; the platform's within its range.
			 */
			int64_t t1 = (int64_t)rand() * 1000 + rand() % 1000;
			int64_t t2 = T0 + (int64_t)(rand() % 100000000);
			int64_t t3 = t2 + rand() % 50;
			uint32_t seq = (uint32_t)rand();

			int len = d->encode_request(t1, seq, &id, req_text, sizeof(req_text));
			CU_ASSERT_FATAL(len > 0);
			CU_ASSERT_EQUAL(d->owner(DLC_REQUEST, req_text, (size_t)len),
			                DLC_OWNER_TIME);
			CU_ASSERT_EQUAL_FATAL(d->decode_request(req_text, (size_t)len, &req),
			                      DLC_OK);
			len = d->encode_response(&req, t2, t3, ans_text, sizeof(ans_text));
			CU_ASSERT_FATAL(len > 0);
			CU_ASSERT_EQUAL(d->owner(DLC_RESPONSE, ans_text, (size_t)len),
			                DLC_OWNER_TIME);
			CU_ASSERT_EQUAL_FATAL(d->decode_response(ans_text, (size_t)len, &a),
			                      DLC_OK);
			CU_ASSERT(dlc_same_id(&a.id, &id));
			CU_ASSERT(a.t2_ms == t2 && a.t3_ms == t3);
			if (a.has_t1)
				CU_ASSERT_EQUAL(a.t1_ms, t1);
		}
	}
}

static void an_answer_to_another_request_does_not_carry_its_id(void)
{
	for (int i = 0; dlc_all[i] != NULL; i++) {
		const struct dlc_dialect *d = dlc_all[i];
		char text[DLC_BUF_SIZE];
		struct dlc_id first, second;
		struct dlc_request req;
		struct dlc_answer a;

		d->encode_request(T0, 1, &first, text, sizeof(text));
		int len = d->encode_request(T0 + 1, 2, &second, text, sizeof(text));
		CU_ASSERT_EQUAL_FATAL(d->decode_request(text, (size_t)len, &req), DLC_OK);
		len = d->encode_response(&req, T0 + 5, T0 + 6, text, sizeof(text));
		CU_ASSERT_EQUAL_FATAL(d->decode_response(text, (size_t)len, &a), DLC_OK);
		CU_ASSERT(dlc_same_id(&a.id, &second));
		/* Tencent names no request: one in flight at a time is the engine's rule. */
		CU_ASSERT_EQUAL(dlc_same_id(&a.id, &first), first.kind == DLC_ID_NONE);
	}
}

/* ---- other traffic on a shared topic ---- */

static void huawei_other_events_on_events_down_are_not_ours(void)
{
	const struct dlc_dialect *d = d_of("huawei");
	struct dlc_answer a;
	const char *other[] = {
	    /* an OTA version query */
	    "{\"object_device_id\":\"p_n\",\"services\":[{\"service_id\":\"$ota\",\"event_type\":"
	    "\"version_query\",\"paras\":{}}]}",
	    /* sub-device management */
	    "{\"services\":[{\"service_id\":\"$sub_device_manager\",\"event_type\":"
	    "\"add_sub_device_notify\",\"paras\":{\"devices\":[]}}]}",
	    /* the time service's name with another event type */
	    "{\"services\":[{\"service_id\":\"$time_sync\",\"event_type\":\"other\",\"paras\":{}}]"
	    "}",
	    "{\"services\":[]}",
	    "{}",
	};

	CU_ASSERT(d->shared_topic[DLC_RESPONSE]);
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		CU_ASSERT_EQUAL(owner_of(d, DLC_RESPONSE, other[i]), DLC_OWNER_OTHER);
		CU_ASSERT_NOT_EQUAL(answer(d, other[i], &a), DLC_OK);
	}
	/* The time event among others is found wherever it is in the list. */
	CU_ASSERT_EQUAL(
	    owner_of(d, DLC_RESPONSE,
	             "{\"services\":[{\"service_id\":\"$ota\",\"event_type\":\"x\"},"
	             "{\"service_id\":\"$time_sync\",\"event_type\":\"time_sync_response\","
	             "\"paras\":{\"device_send_time\":1,\"server_recv_time\":1795554000000,"
	             "\"server_send_time\":1795554000001}}]}"),
	    DLC_OWNER_TIME);
	/* What cannot be read is nobody's for sure. */
	CU_ASSERT_EQUAL(owner_of(d, DLC_RESPONSE, "not json at all"), DLC_OWNER_UNKNOWN);
	CU_ASSERT_EQUAL(owner_of(d, DLC_RESPONSE, ""), DLC_OWNER_UNKNOWN);
}

static void tuya_daylight_saving_traffic_on_the_time_topic_is_not_ours(void)
{
	const struct dlc_dialect *d = d_of("tuya");
	struct dlc_answer a;
	struct dlc_request r;
	const char *dst_req = "{\"msgId\":\"2\",\"time\":1670232110,\"data\":{\"bizType\":\"DST\","
	                      "\"timezoneId\":\"asia/shanghai\"}}";
	const char *dst_resp = "{\"msgId\":\"2\",\"time\":1670232110,\"data\":{\"bizType\":\"DST\","
	                       "\"dst\":[]}}";

	CU_ASSERT_EQUAL(owner_of(d, DLC_REQUEST, dst_req), DLC_OWNER_OTHER);
	CU_ASSERT_EQUAL(request(d, dst_req, &r), DLC_NOT_OURS);
	CU_ASSERT_EQUAL(owner_of(d, DLC_RESPONSE, dst_resp), DLC_OWNER_OTHER);
	CU_ASSERT_EQUAL(answer(d, dst_resp, &a), DLC_NOT_OURS);
}

static void tencent_other_resources_are_not_ours_and_time_only_answers_not_the_engines(void)
{
	const struct dlc_dialect *d = d_of("tencent");
	struct dlc_answer a;
	struct dlc_request r;
	const char *time_only = "{\"type\":\"get\",\"time\":1621562342}";

	CU_ASSERT_EQUAL(owner_of(d, DLC_REQUEST, "{\"type\":\"get\",\"resource\":[\"iplist\"]}"),
	                DLC_OWNER_OTHER);
	CU_ASSERT_EQUAL(request(d, "{\"type\":\"get\",\"resource\":[\"iplist\"]}", &r),
	                DLC_NOT_OURS);
	CU_ASSERT_EQUAL(
	    owner_of(d, DLC_REQUEST, "{\"type\":\"get\",\"resource\":[\"iplist\",\"time\"]}"),
	    DLC_OWNER_TIME);
	CU_ASSERT_EQUAL(owner_of(d, DLC_RESPONSE, "{\"type\":\"get\",\"iplist\":[\"10.0.0.1\"]}"),
	                DLC_OWNER_OTHER);
	/* The older SDK takes "time" alone for the time: guarded as the time service's, but
	 * the engine has no ms stamps to take from it. */
	CU_ASSERT_EQUAL(owner_of(d, DLC_RESPONSE, time_only), DLC_OWNER_TIME);
	CU_ASSERT_EQUAL(answer(d, time_only, &a), DLC_NOT_OURS);
	CU_ASSERT_EQUAL(answer(d, "{\"type\":\"set\",\"ntptime1\":1,\"ntptime2\":2}", &a),
	                DLC_NOT_OURS);
}

/* Readers differ on a member named twice (cJSON takes the first, others the last): such a
 * payload is read by no dialect, and whose it is stays unknown, whichever comes first. */
static void a_member_named_twice_is_refused_and_its_owner_unknown(void)
{
	static const struct {
		const char *platform;
		enum dlc_direction dir;
		const char *text;
	} twice[] = {
	    {"huawei", DLC_RESPONSE,
	     "{\"services\":[{\"service_id\":\"$ota\",\"event_type\":\"version_query\"}],"
	     "\"services\":[{\"service_id\":\"$time_sync\",\"event_type\":\"time_sync_response\","
	     "\"paras\":{\"device_send_time\":1,\"server_recv_time\":1795554000000,"
	     "\"server_send_time\":1795554000001}}]}"},
	    {"huawei", DLC_RESPONSE,
	     "{\"services\":[{\"service_id\":\"$ota\",\"service_id\":\"$time_sync\","
	     "\"event_type\":\"time_sync_response\",\"paras\":{}}]}"},
	    {"tuya", DLC_RESPONSE,
	     "{\"msgId\":\"1\",\"data\":{\"bizType\":\"DST\",\"bizType\":\"NTP\",\"dst\":1,"
	     "\"srt\":1795554000000,\"sst\":1795554000001}}"},
	    /* Names that differ only in case, for a reader that folds it. */
	    {"tuya", DLC_REQUEST,
	     "{\"msgId\":\"1\",\"data\":{\"bizType\":\"DST\"},\"Data\":{\"bizType\":\"NTP\","
	     "\"dst\":1}}"},
	    {"tencent", DLC_REQUEST,
	     "{\"type\":\"get\",\"resource\":[\"iplist\"],\"resource\":[\"time\"]}"},
	    {"tencent", DLC_RESPONSE,
	     "{\"type\":\"set\",\"type\":\"get\",\"ntptime1\":1795554000000,"
	     "\"ntptime2\":1795554000001}"},
	};

	for (size_t i = 0; i < sizeof(twice) / sizeof(twice[0]); i++) {
		const struct dlc_dialect *d = d_of(twice[i].platform);
		struct dlc_answer a;
		struct dlc_request r;
		CU_ASSERT_EQUAL(owner_of(d, twice[i].dir, twice[i].text), DLC_OWNER_UNKNOWN);
		if (twice[i].dir == DLC_RESPONSE) {
			CU_ASSERT_NOT_EQUAL(answer(d, twice[i].text, &a), DLC_OK);
		} else {
			CU_ASSERT_NOT_EQUAL(request(d, twice[i].text, &r), DLC_OK);
		}
	}
	/* The same name in two objects is no repetition. */
	CU_ASSERT_EQUAL(owner_of(d_of("huawei"), DLC_RESPONSE,
	                         "{\"services\":[{\"service_id\":\"$ota\",\"event_type\":\"x\"},"
	                         "{\"service_id\":\"$log\",\"event_type\":\"y\"}]}"),
	                DLC_OWNER_OTHER);
}

static void the_owner_is_told_without_regard_to_case(void)
{
	CU_ASSERT_EQUAL(owner_of(d_of("huawei"), DLC_RESPONSE,
	                         "{\"Services\":[{\"SERVICE_ID\":\"$Time_Sync\",\"event_type\":"
	                         "\"TIME_SYNC_RESPONSE\",\"paras\":{}}]}"),
	                DLC_OWNER_TIME);
	CU_ASSERT_EQUAL(owner_of(d_of("tuya"), DLC_REQUEST,
	                         "{\"msgId\":\"1\",\"DATA\":{\"biztype\":\"ntp\",\"dst\":1}}"),
	                DLC_OWNER_TIME);
	CU_ASSERT_EQUAL(
	    owner_of(d_of("tencent"), DLC_REQUEST, "{\"Type\":\"GET\",\"Resource\":[\"Time\"]}"),
	    DLC_OWNER_TIME);
	CU_ASSERT_EQUAL(owner_of(d_of("tencent"), DLC_RESPONSE, "{\"NTPtime2\":1}"),
	                DLC_OWNER_TIME);
	/* The engine's reader stays exact. */
	struct dlc_answer a;
	CU_ASSERT_EQUAL(answer(d_of("tencent"),
	                       "{\"type\":\"GET\",\"ntptime1\":1795554000000,"
	                       "\"ntptime2\":1795554000001}",
	                       &a),
	                DLC_NOT_OURS);
}

/* A payload of n bytes: prefix, then spaces inside the object, then suffix. */
static char *padded(const char *prefix, const char *suffix, size_t n)
{
	size_t p = strlen(prefix), q = strlen(suffix);
	char *t = malloc(n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_FATAL(n >= p + q);
	memcpy(t, prefix, p);
	memset(t + p, ' ', n - p - q);
	memcpy(t + n - q, suffix, q + 1);
	return t;
}

/* The platforms' other services send more than an answer's limit on the shared topics: up
 * to DLC_MAX_SHARED they are told apart, and over it whose a payload is stays unknown. */
static void owners_are_told_up_to_the_shared_limit_and_unknown_beyond(void)
{
	const struct dlc_dialect *d = d_of("huawei");
	const char *ota = "{\"services\":[{\"service_id\":\"$ota\",\"event_type\":\"x\"}],\"p\":\"";
	const char *time = "{\"services\":[{\"service_id\":\"$time_sync\",\"event_type\":"
	                   "\"time_sync_response\",\"paras\":{\"device_send_time\":1,"
	                   "\"server_recv_time\":1795554000000,\"server_send_time\":"
	                   "1795554000001}}],\"p\":\"";
	const size_t sizes[] = {DLC_MAX_PAYLOAD + 1, 8000, DLC_MAX_SHARED};
	struct dlc_answer a;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *o = padded(ota, "\"}", sizes[i]);
		char *t = padded(time, "\"}", sizes[i]);
		CU_ASSERT_EQUAL(d->owner(DLC_RESPONSE, o, sizes[i]), DLC_OWNER_OTHER);
		CU_ASSERT_EQUAL(d->owner(DLC_RESPONSE, t, sizes[i]), DLC_OWNER_TIME);
		/* The time service's, and too large an answer to read. */
		CU_ASSERT_EQUAL(d->decode_response(t, sizes[i], &a), DLC_TOO_LARGE);
		free(o);
		free(t);
	}
	char *o = padded(ota, "\"}", DLC_MAX_SHARED + 1);
	CU_ASSERT_EQUAL(d->owner(DLC_RESPONSE, o, DLC_MAX_SHARED + 1), DLC_OWNER_UNKNOWN);
	free(o);

	/* An object of as many short members as fit is told as quickly as any. */
	size_t n = DLC_MAX_SHARED, k = 0;
	char *many = malloc(n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(many);
	many[k++] = '{';
	for (int m = 0; k + 24 < n; m++)
		k += (size_t)snprintf(many + k, n + 1 - k, "\"%x\":0,", m);
	k += (size_t)snprintf(many + k, n + 1 - k, "\"data\":{}}");
	CU_ASSERT_FATAL(k <= n);
	CU_ASSERT_EQUAL(d_of("tuya")->owner(DLC_RESPONSE, many, k), DLC_OWNER_OTHER);
	free(many);
}

/* ---- malformed payloads ---- */

/* cJSON reads 1e12, 1000000000000.0 and 1000000000000 alike: the text is what tells. */
static void timestamps_not_written_as_plain_integers_are_refused_in_every_dialect(void)
{
	/* Each dialect's answer, and its request where a device sends a time, with one
	 * timestamp left to fill in: %s. */
	static const struct {
		const char *dialect;
		bool is_request;
		const char *text;
	} cases[] = {
	    {"aliyun", false,
	     "{\"deviceSendTime\":%s,\"serverRecvTime\":1795554000000,"
	     "\"serverSendTime\":1795554000002}"},
	    {"huawei", false,
	     "{\"services\":[{\"service_id\":\"$time_sync\",\"event_type\":\"time_sync_response\","
	     "\"paras\":{\"device_send_time\":1795554000000,\"server_recv_time\":%s,"
	     "\"server_send_time\":1795554000002}}]}"},
	    {"huawei", true,
	     "{\"services\":[{\"service_id\":\"$time_sync\",\"event_type\":\"time_sync_request\","
	     "\"paras\":{\"device_send_time\":%s}}]}"},
	    {"tuya", false,
	     "{\"msgId\":\"m\",\"data\":{\"bizType\":\"NTP\",\"dst\":1795554000000,\"srt\":"
	     "1795554000001,\"sst\":%s}}"},
	    {"tuya", false,
	     "{\"msgId\":\"m\",\"time\":%s,\"data\":{\"bizType\":\"NTP\",\"dst\":1795554000000,"
	     "\"srt\":1795554000001,\"sst\":1795554000002}}"},
	    {"tuya", true,
	     "{\"msgId\":\"m\",\"time\":1795554000,\"data\":{\"bizType\":\"NTP\",\"dst\":%s}}"},
	    {"tencent", false,
	     "{\"type\":\"get\",\"time\":1795554000,\"ntptime1\":%s,\"ntptime2\":1795554000002}"},
	    {"tencent", false,
	     "{\"type\":\"get\",\"time\":%s,\"ntptime1\":1795554000001,\"ntptime2\":"
	     "1795554000002}"},
	};
	/* The value plain, then written otherwise; "time" in seconds where it is one. */
	static const char *const plain_ms[] = {"1795554000001", "1.795554000001e12",
	                                       "1795554000001.0", "1795554000001E0",
	                                       "17955540000010e-1"};
	static const char *const plain_s[] = {"1795554000", "1.795554e9", "1795554000.0",
	                                      "1795554000e0", "17955540000E-1"};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct dlc_dialect *d = d_of(cases[c].dialect);
		bool seconds = strstr(cases[c].text, "\"time\":%s") != NULL;
		for (size_t v = 0; v < sizeof(plain_ms) / sizeof(plain_ms[0]); v++) {
			const char *hole = strstr(cases[c].text, "%s");
			char text[512];
			snprintf(text, sizeof(text), "%.*s%s%s", (int)(hole - cases[c].text),
			         cases[c].text, seconds ? plain_s[v] : plain_ms[v], hole + 2);
			struct dlc_answer a;
			struct dlc_request r;
			enum dlc_status st =
			    cases[c].is_request ? request(d, text, &r) : answer(d, text, &a);
			enum dlc_status want = v == 0 ? DLC_OK : DLC_BAD_VALUE;
			CU_ASSERT_EQUAL(st, want);
			if (st != want)
				fprintf(stderr, "%s: %d\n", text, st);
		}
	}
}

/* Numbers that are not timestamps are not the time service's business. */
static void other_numbers_may_be_written_as_json_allows(void)
{
	struct dlc_answer a;

	CU_ASSERT_EQUAL(answer(d_of("tencent"),
	                       "{\"type\":\"get\",\"code\":-1.5e0,\"time\":1795554000,\"ntptime1\":"
	                       "1795554000001,\"ntptime2\":1795554000002}",
	                       &a),
	                DLC_OK);
	/* A member of the same name deeper down is another member. */
	CU_ASSERT_EQUAL(
	    answer(d_of("tuya"),
	           "{\"msgId\":\"m\",\"data\":{\"bizType\":\"NTP\",\"dst\":1795554000000,"
	           "\"srt\":1795554000001,\"sst\":1795554000002,\"x\":{\"sst\":1e3}}}",
	           &a),
	    DLC_OK);
}

static void malformed_answers_are_refused_with_a_status(void)
{
	struct dlc_answer a;
	/* Huawei's answer around the paras given. */
	const char *hw_head = "{\"services\":[{\"service_id\":\"$time_sync\",\"event_type\":"
	                      "\"time_sync_response\",\"paras\":";
	const char *hw_tail = "}]}";
	struct {
		const char *dialect;
		bool paras; /* arg is Huawei's paras, to be wrapped */
		const char *arg;
		enum dlc_status want;
	} cases[] = {
	    {"huawei", false,
	     "{\"services\":[{\"service_id\":\"$time_sync\",\"event_type\":"
	     "\"time_sync_response\"}]}",
	     DLC_MISSING_FIELD},
	    {"huawei", true, "[]", DLC_BAD_VALUE},
	    {"huawei", true, "{\"device_send_time\":1,\"server_recv_time\":1795554000000}",
	     DLC_MISSING_FIELD},
	    {"huawei", true,
	     "{\"device_send_time\":\"1\",\"server_recv_time\":1795554000000,"
	     "\"server_send_time\":1795554000001}",
	     DLC_BAD_VALUE},
	    {"huawei", true,
	     "{\"device_send_time\":-1,\"server_recv_time\":1795554000000,"
	     "\"server_send_time\":1795554000001}",
	     DLC_BAD_VALUE},
	    {"huawei", true,
	     "{\"device_send_time\":1,\"server_recv_time\":1e300,"
	     "\"server_send_time\":1795554000001}",
	     DLC_BAD_VALUE},
	    {"huawei", true,
	     "{\"device_send_time\":1.5,\"server_recv_time\":1795554000000,"
	     "\"server_send_time\":1795554000001}",
	     DLC_BAD_VALUE},
	    {"huawei", true,
	     "{\"device_send_time\":1,\"server_recv_time\":1010,\"server_send_time\":1015}",
	     DLC_BAD_TIME},
	    {"huawei", true,
	     "{\"device_send_time\":1,\"server_recv_time\":null,"
	     "\"server_send_time\":1795554000001}",
	     DLC_MISSING_FIELD},
	    {"tuya", false,
	     "{\"msgId\":7,\"data\":{\"bizType\":\"NTP\",\"srt\":1795554000000,"
	     "\"sst\":1795554000001}}",
	     DLC_BAD_VALUE},
	    {"tuya", false,
	     "{\"msgId\":\"a\\\"b\",\"data\":{\"bizType\":\"NTP\",\"srt\":1795554000000,"
	     "\"sst\":1795554000001}}",
	     DLC_BAD_VALUE},
	    {"tuya", false,
	     "{\"msgId\":\"123456789012345678901234567890123\",\"data\":{\"bizType\":\"NTP\","
	     "\"srt\":1795554000000,\"sst\":1795554000001}}",
	     DLC_BAD_VALUE},
	    {"tuya", false,
	     "{\"msgId\":\"m\",\"time\":-5,\"data\":{\"bizType\":\"NTP\",\"srt\":"
	     "1795554000000,\"sst\":1795554000001}}",
	     DLC_BAD_VALUE},
	    {"tuya", false,
	     "{\"msgId\":\"m\",\"data\":{\"bizType\":\"NTP\",\"srt\":"
	     "\"99999999999999999999\",\"sst\":1795554000001}}",
	     DLC_BAD_VALUE},
	    {"tuya", false,
	     "{\"msgId\":\"m\",\"data\":{\"bizType\":\"NTP\",\"srt\":true,"
	     "\"sst\":1795554000001}}",
	     DLC_BAD_VALUE},
	    {"tuya", false,
	     "{\"msgId\":\"m\",\"data\":{\"bizType\":\"NTP\",\"sst\":1795554000001}}",
	     DLC_MISSING_FIELD},
	    {"tencent", false,
	     "{\"type\":\"get\",\"ntptime1\":\"1795554000000\","
	     "\"ntptime2\":1795554000001}",
	     DLC_BAD_VALUE},
	    {"tencent", false, "{\"type\":\"get\",\"ntptime1\":1795554000000}", DLC_MISSING_FIELD},
	    {"tencent", false,
	     "{\"type\":\"get\",\"time\":\"x\",\"ntptime1\":1795554000000,"
	     "\"ntptime2\":1795554000001}",
	     DLC_BAD_VALUE},
	    {"tencent", false,
	     "{\"type\":\"get\",\"ntptime1\":4102444800000,"
	     "\"ntptime2\":4102444800001}",
	     DLC_BAD_TIME},
	    {"aliyun", false,
	     "{\"deviceSendTime\":\"100\",\"serverRecvTime\":\"1010\","
	     "\"serverSendTime\":\"1015\"}",
	     DLC_BAD_TIME},
	    {"aliyun", false, "{\"deviceSendTime\":1}", DLC_MISSING_FIELD},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[DLC_MAX_PAYLOAD];
		snprintf(text, sizeof(text), "%s%s%s", cases[i].paras ? hw_head : "", cases[i].arg,
		         cases[i].paras ? hw_tail : "");
		enum dlc_status st = answer(d_of(cases[i].dialect), text, &a);
		if (st != cases[i].want)
			fprintf(stderr, "\ncase %zu (%s): %s, want %s\n", i, cases[i].dialect,
			        dlc_status_name(st), dlc_status_name(cases[i].want));
		CU_ASSERT_EQUAL(st, cases[i].want);
	}
}

static void payloads_that_are_not_one_json_object_are_refused_by_every_dialect(void)
{
	const char *bad[] = {"", "{", "[]", "null", "\"x\"", "{}x", "{\"a\":1}{}", "{\"a\":}"};
	char *big = malloc(DLC_MAX_PAYLOAD + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, ' ', DLC_MAX_PAYLOAD + 1);
	big[0] = '{';
	big[DLC_MAX_PAYLOAD] = '}';
	big[DLC_MAX_PAYLOAD + 1] = '\0';

	for (int i = 0; dlc_all[i] != NULL; i++) {
		const struct dlc_dialect *d = dlc_all[i];
		struct dlc_answer a;
		struct dlc_request r;
		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			CU_ASSERT_NOT_EQUAL(answer(d, bad[k], &a), DLC_OK);
			CU_ASSERT_NOT_EQUAL(request(d, bad[k], &r), DLC_OK);
		}
		CU_ASSERT_EQUAL(d->decode_response(big, DLC_MAX_PAYLOAD + 1, &a), DLC_TOO_LARGE);
		CU_ASSERT_EQUAL(d->decode_request(big, DLC_MAX_PAYLOAD + 1, &r), DLC_TOO_LARGE);
		/* Too large for an answer, not for telling whose it is. */
		CU_ASSERT_EQUAL(d->owner(DLC_RESPONSE, big, DLC_MAX_PAYLOAD + 1),
		                d->shared_topic[DLC_RESPONSE] ? DLC_OWNER_OTHER : DLC_OWNER_TIME);
		CU_ASSERT_EQUAL(d->decode_response(NULL, 0, &a), DLC_NOT_JSON);
	}
	free(big);
}

static void every_truncation_of_a_good_answer_is_refused(void)
{
	for (int i = 0; dlc_all[i] != NULL; i++) {
		const struct dlc_dialect *d = dlc_all[i];
		char text[DLC_BUF_SIZE];
		struct dlc_id id;
		struct dlc_request req;
		struct dlc_answer a;

		int len = d->encode_request(T0, 3, &id, text, sizeof(text));
		CU_ASSERT_EQUAL_FATAL(d->decode_request(text, (size_t)len, &req), DLC_OK);
		len = d->encode_response(&req, T0 + 10, T0 + 11, text, sizeof(text));
		CU_ASSERT_FATAL(len > 0);
		for (int n = 0; n < len; n++) {
			char *cut = malloc(n > 0 ? (size_t)n : 1);
			CU_ASSERT_PTR_NOT_NULL_FATAL(cut);
			memcpy(cut, text, (size_t)n);
			CU_ASSERT_NOT_EQUAL(d->decode_response(cut, (size_t)n, &a), DLC_OK);
			/* Where the topic is the time service's alone, all of it is ours;
			 * where it is shared, a cut answer is nobody's for sure. */
			CU_ASSERT_EQUAL(d->owner(DLC_RESPONSE, cut, (size_t)n),
			                d->shared_topic[DLC_RESPONSE] ? DLC_OWNER_UNKNOWN
			                                              : DLC_OWNER_TIME);
			free(cut);
		}
	}
}

static void corrupted_answers_never_crash_and_never_decode_to_other_stamps(void)
{
	srand(2026);
	for (int i = 0; dlc_all[i] != NULL; i++) {
		const struct dlc_dialect *d = dlc_all[i];
		char good[DLC_BUF_SIZE];
		struct dlc_id id;
		struct dlc_request req;

		int len = d->encode_request(T0, 3, &id, good, sizeof(good));
		CU_ASSERT_EQUAL_FATAL(d->decode_request(good, (size_t)len, &req), DLC_OK);
		len = d->encode_response(&req, T0 + 10, T0 + 11, good, sizeof(good));
		for (int n = 0; n < 5000; n++) {
			char *bad = malloc((size_t)len);
			struct dlc_answer a;
			CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
			memcpy(bad, good, (size_t)len);
			int at = rand() % len;
			bad[at] = (char)(rand() % 256);
			/* Any status will do; an accepted answer must then be well-formed. */
			if (d->decode_response(bad, (size_t)len, &a) == DLC_OK)
				CU_ASSERT(a.t2_ms >= DLC_MIN_SERVER_MS &&
				          a.t3_ms < DLC_MAX_SERVER_MS);
			free(bad);
		}
	}
}

/* ---- Alibaba's dialect is the codec the plugin has always spoken ---- */

static void aliyun_request_is_the_codecs_byte_for_byte(void)
{
	static const int64_t edges[] = {0, 1, 9, 10, T0, INT64_C(999999999999999999), INT64_MAX};
	const struct dlc_dialect *d = d_of("aliyun");

	srand(102509);
	for (int n = 0; n < 5000; n++) {
		char mine[DLC_BUF_SIZE], codec[CDC_BUF_SIZE];
		struct dlc_id id;
		int64_t t1 = n < (int)(sizeof(edges) / sizeof(edges[0]))
		                 ? edges[n]
		                 : ((int64_t)rand() << 31 | rand()) % (INT64_C(1) << 53);
		int len = d->encode_request(t1, (uint32_t)rand(), &id, mine, sizeof(mine));
		CU_ASSERT_FATAL(len > 0);
		CU_ASSERT_EQUAL_FATAL(cdc_encode_request(codec, sizeof(codec), t1), len);
		CU_ASSERT_STRING_EQUAL(mine, codec);
		CU_ASSERT(id.kind == DLC_ID_NUMBER && id.number == t1);
	}
}

/* What the dialect's decoder says for what the codec says. */
static enum dlc_status as_dialect(enum cdc_status st)
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
	case CDC_BAD_VALUE:
		return DLC_BAD_VALUE;
	case CDC_BAD_TIME:
		return DLC_BAD_TIME;
	}
	return DLC_NOT_OURS;
}

/* Decodes len bytes of text both ways and asserts they agree, stamps included. */
static void aliyun_decodes_as_the_codec(const char *text, size_t len)
{
	struct cdc_response r;
	struct dlc_answer a;
	char *copy = malloc(len > 0 ? len : 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, text, len);
	enum cdc_status want = cdc_decode_response(copy, len, &r);
	enum dlc_status st = d_of("aliyun")->decode_response(copy, len, &a);
	free(copy);
	CU_ASSERT_EQUAL(st, as_dialect(want));
	if (st != DLC_OK || want != CDC_OK)
		return;
	CU_ASSERT(a.id.kind == DLC_ID_NUMBER && a.id.number == r.device_send);
	CU_ASSERT(a.has_t1 && a.t1_ms == r.device_send);
	CU_ASSERT(a.t2_ms == r.server_recv && a.t3_ms == r.server_send);
}

static void aliyun_answers_decode_as_the_codec_decodes_them(void)
{
	static const char *const payloads[] = {
	    "{\"deviceSendTime\":\"1795554000000\",\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":1795554000000,\"serverRecvTime\":1795554000010,"
	    "\"serverSendTime\":1795554000011}",
	    "{ \"serverSendTime\" : \"1795554000011\", \"deviceSendTime\":\"5\",\n"
	    "\"serverRecvTime\":\"1795554000010\", \"other\": [1e5, -2] }",
	    "{\"deviceSendTime\":\"9223372036854775807\",\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":\"9223372036854775808\",\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":9007199254740993,\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":1e3,\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":\"7\",\"serverRecvTime\":\"946684799999\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":\"7\",\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"4102444800000\"}",
	    "{\"deviceSendTime\":\"7\",\"serverRecvTime\":null,\"serverSendTime\":\"1\"}",
	    "{\"deviceSendTime\":\"7\",\"serverRecvTime\":\"1795554000010\"}",
	    "{\"deviceSendTime\":\"7\",\"serverRecvTime\":true,"
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"device\\u0053endTime\":\"7\",\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":\"07\",\"serverRecvTime\":\"1795554000010\","
	    "\"serverSendTime\":\"1795554000011\"}",
	    "{\"deviceSendTime\":7}",
	    "{}",
	    "[]",
	    "{",
	    "",
	    "not json",
	};

	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++)
		aliyun_decodes_as_the_codec(payloads[i], strlen(payloads[i]));

	/* Around the codec's size limit: a good answer padded with white space. */
	char big[CDC_MAX_PAYLOAD + 2];
	const char *good = payloads[0];
	for (size_t len = CDC_MAX_PAYLOAD - 1; len <= CDC_MAX_PAYLOAD + 1; len++) {
		memset(big, ' ', sizeof(big));
		memcpy(big, good, strlen(good));
		aliyun_decodes_as_the_codec(big, len);
	}

	/* A good answer, cut short and corrupted byte by byte. */
	srand(765244);
	size_t len = strlen(good);
	for (size_t n = 0; n < len; n++)
		aliyun_decodes_as_the_codec(good, n);
	for (int n = 0; n < 20000; n++) {
		char bad[256];
		memcpy(bad, good, len);
		bad[rand() % len] = "0123456789\"{}:, .e-+\\x\n"[rand() % 23];
		if (rand() % 2)
			bad[rand() % len] = (char)(rand() % 256);
		aliyun_decodes_as_the_codec(bad, len);
	}
}

/* ---- topics ---- */

static void each_dialect_names_the_documented_topics(void)
{
	char t[DLC_TOPIC_SIZE];
	struct dlc_identity pk_dn = {.product = "a1B2c3D4e5F", .device = "gw-01"};
	struct dlc_identity hw = {.device = "6123_gw01"};
	struct dlc_identity ty = {.device = "6c828cba434ff40c074wF2"};
	struct dlc_identity tc = {.product = "ABCDEFGHIJ", .device = "gw01"};

	CU_ASSERT(d_of("aliyun")->topic(&pk_dn, DLC_REQUEST, t, sizeof(t)) > 0);
	CU_ASSERT_STRING_EQUAL(t, "/ext/ntp/a1B2c3D4e5F/gw-01/request");
	CU_ASSERT(d_of("aliyun")->topic(&pk_dn, DLC_RESPONSE, t, sizeof(t)) > 0);
	CU_ASSERT_STRING_EQUAL(t, "/ext/ntp/a1B2c3D4e5F/gw-01/response");
	CU_ASSERT(d_of("huawei")->topic(&hw, DLC_REQUEST, t, sizeof(t)) > 0);
	CU_ASSERT_STRING_EQUAL(t, "$oc/devices/6123_gw01/sys/events/up");
	CU_ASSERT(d_of("huawei")->topic(&hw, DLC_RESPONSE, t, sizeof(t)) > 0);
	CU_ASSERT_STRING_EQUAL(t, "$oc/devices/6123_gw01/sys/events/down");
	CU_ASSERT(d_of("tuya")->topic(&ty, DLC_REQUEST, t, sizeof(t)) > 0);
	CU_ASSERT_STRING_EQUAL(t, "tylink/6c828cba434ff40c074wF2/ext/time/request");
	CU_ASSERT(d_of("tuya")->topic(&ty, DLC_RESPONSE, t, sizeof(t)) > 0);
	CU_ASSERT_STRING_EQUAL(t, "tylink/6c828cba434ff40c074wF2/ext/time/response");
	CU_ASSERT(d_of("tencent")->topic(&tc, DLC_REQUEST, t, sizeof(t)) > 0);
	CU_ASSERT_STRING_EQUAL(t, "$sys/operation/ABCDEFGHIJ/gw01");
	CU_ASSERT(d_of("tencent")->topic(&tc, DLC_RESPONSE, t, sizeof(t)) > 0);
	CU_ASSERT_STRING_EQUAL(t, "$sys/operation/result/ABCDEFGHIJ/gw01");
}

/* An id of n times c. */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void identities_at_their_longest_fit_and_one_more_is_refused(void)
{
	for (int i = 0; dlc_all[i] != NULL; i++) {
		const struct dlc_dialect *d = dlc_all[i];
		bool has_product = d->product_max > 0;
		char *p = has_product ? repeat('P', d->product_max) : NULL;
		char *dev = repeat('D', d->device_max);
		char *p_long = has_product ? repeat('P', d->product_max + 1) : NULL;
		char *dev_long = repeat('D', d->device_max + 1);
		char t[DLC_TOPIC_SIZE], reply[DLC_TOPIC_SIZE];

		for (int dir = DLC_REQUEST; dir <= DLC_RESPONSE; dir++) {
			struct dlc_identity who = {.product = p, .device = dev};
			int len = d->topic(&who, (enum dlc_direction)dir, t, sizeof(t));
			CU_ASSERT_FATAL(len > 0 && (size_t)len == strlen(t));
			CU_ASSERT(d->is_topic(t, (enum dlc_direction)dir));
			CU_ASSERT_FALSE(d->is_topic(t, (enum dlc_direction)(1 - dir)));
			/* The buffer exactly fits; one byte less does not, and is left unterminated
			 * past its end. */
			char exact[DLC_TOPIC_SIZE];
			CU_ASSERT_EQUAL(
			    d->topic(&who, (enum dlc_direction)dir, exact, (size_t)len + 1), len);
			CU_ASSERT_EQUAL(d->topic(&who, (enum dlc_direction)dir, exact, (size_t)len),
			                -1);
			CU_ASSERT_EQUAL(d->topic(&who, (enum dlc_direction)dir, exact, 0), -1);
			who.device = dev_long;
			CU_ASSERT_EQUAL(d->topic(&who, (enum dlc_direction)dir, t, sizeof(t)), -1);
			if (has_product) {
				who.device = dev;
				who.product = p_long;
				CU_ASSERT_EQUAL(
				    d->topic(&who, (enum dlc_direction)dir, t, sizeof(t)), -1);
			}
		}
		/* The serve role finds the answer's topic from the longest request topic. */
		struct dlc_identity who = {.product = p, .device = dev};
		char want[DLC_TOPIC_SIZE];
		d->topic(&who, DLC_REQUEST, t, sizeof(t));
		int wlen = d->topic(&who, DLC_RESPONSE, want, sizeof(want));
		CU_ASSERT(d->reply_topic(t, reply, sizeof(reply)));
		CU_ASSERT_STRING_EQUAL(reply, want);
		CU_ASSERT_FALSE(d->reply_topic(t, reply, (size_t)wlen));
		CU_ASSERT_FALSE(d->reply_topic(want, reply, sizeof(reply)));
		free(p);
		free(dev);
		free(p_long);
		free(dev_long);
	}
}

static void identities_that_would_break_the_topic_are_refused(void)
{
	const char *bad[] = {"", "a/b", "+", "dev#", "a+b"};
	char t[DLC_TOPIC_SIZE];

	for (int i = 0; dlc_all[i] != NULL; i++) {
		const struct dlc_dialect *d = dlc_all[i];
		const char *good_product = d->product_max > 0 ? "prod" : NULL;
		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			struct dlc_identity who = {.product = good_product, .device = bad[k]};
			CU_ASSERT_EQUAL(d->topic(&who, DLC_REQUEST, t, sizeof(t)), -1);
			if (d->product_max > 0) {
				who = (struct dlc_identity){.product = bad[k], .device = "dev1"};
				CU_ASSERT_EQUAL(d->topic(&who, DLC_RESPONSE, t, sizeof(t)), -1);
			}
		}
		struct dlc_identity none = {.product = good_product, .device = NULL};
		CU_ASSERT_EQUAL(d->topic(&none, DLC_REQUEST, t, sizeof(t)), -1);
		if (d->product_max > 0) {
			struct dlc_identity no_product = {.product = NULL, .device = "dev1"};
			CU_ASSERT_EQUAL(d->topic(&no_product, DLC_REQUEST, t, sizeof(t)), -1);
		}
	}
}

static void topics_of_other_shapes_and_other_platforms_are_not_recognised(void)
{
	const char *topics[] = {
	    "/ext/ntp/pk/dn/request",        "/ext/ntp/pk/dn/response",
	    "$oc/devices/dev/sys/events/up", "$oc/devices/dev/sys/events/down",
	    "tylink/dev/ext/time/request",   "tylink/dev/ext/time/response",
	    "$sys/operation/pid/dn",         "$sys/operation/result/pid/dn",
	};
	/* Which dialect and direction each of the above is; no other recognises it. */
	const char *owner[] = {"aliyun", "aliyun", "huawei",  "huawei",
	                       "tuya",   "tuya",   "tencent", "tencent"};

	for (size_t k = 0; k < sizeof(topics) / sizeof(topics[0]); k++) {
		for (int i = 0; dlc_all[i] != NULL; i++) {
			const struct dlc_dialect *d = dlc_all[i];
			bool mine = strcmp(d->name, owner[k]) == 0;
			CU_ASSERT_EQUAL(d->is_topic(topics[k], DLC_REQUEST), mine && k % 2 == 0);
			CU_ASSERT_EQUAL(d->is_topic(topics[k], DLC_RESPONSE), mine && k % 2 == 1);
		}
	}
	const char *near[] = {
	    "$oc/devices//sys/events/down",  "$oc/devices/a/b/sys/events/down",
	    "$oc/devices/+/sys/events/down", "$oc/devices/#/sys/events/down",
	    "tylink//ext/time/response",     "tylink/a/ext/time/responses",
	    "$sys/operation/result/pid",     "$sys/operation/result/pid/dn/x",
	    "$sys/operation/result/pid/",    "$sys/operation/pid/+",
	    "/ext/ntp/pk//response",         "",
	};
	for (size_t k = 0; k < sizeof(near) / sizeof(near[0]); k++) {
		for (int i = 0; dlc_all[i] != NULL; i++) {
			bool resp = dlc_all[i]->is_topic(near[k], DLC_RESPONSE);
			if (resp)
				fprintf(stderr, "\n%s takes '%s'\n", dlc_all[i]->name, near[k]);
			CU_ASSERT_FALSE(resp);
		}
	}
	for (int i = 0; dlc_all[i] != NULL; i++)
		CU_ASSERT_FALSE(dlc_all[i]->is_topic(NULL, DLC_RESPONSE));
}

/* ---- Alibaba's topics, read as the router has always read them ---- */

static const struct dlc_dialect *ali(void)
{
	return d_of("aliyun");
}

static int ali_topic(char *out, size_t size, const char *pk, const char *dn, enum dlc_direction dir)
{
	struct dlc_identity who = {.product = pk, .device = dn};

	return ali()->topic(&who, dir, out, size);
}

static void aliyun_request_topic_maps_to_response_topic(void)
{
	char out[DLC_TOPIC_SIZE];

	CU_ASSERT_TRUE_FATAL(ali()->reply_topic("/ext/ntp/pk/dn/request", out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/pk/dn/response");
	CU_ASSERT_TRUE_FATAL(
	    ali()->reply_topic("/ext/ntp/a1B2c3D4e5F/gateway-01/request", out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/a1B2c3D4e5F/gateway-01/response");
	/* One-character levels are levels. */
	CU_ASSERT_TRUE_FATAL(ali()->reply_topic("/ext/ntp/p/d/request", out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/p/d/response");
}

static void aliyun_other_topics_are_not_requests(void)
{
	const char *bad[] = {
	    "",
	    "/",
	    "/ext/ntp/",
	    "/ext/ntp/request",
	    "/ext/ntp//request",
	    /* Wrong prefix. */
	    "ext/ntp/pk/dn/request",
	    "/ext/ntpx/pk/dn/request",
	    "/ext/NTP/pk/dn/request",
	    "/ext/rrpc/pk/dn/request",
	    "//ext/ntp/pk/dn/request",
	    "x/ext/ntp/pk/dn/request",
	    /* Missing levels. */
	    "/ext/ntp/pk/request",
	    "/ext/ntp/pkdn/request",
	    /* Extra levels. */
	    "/ext/ntp/pk/dn/x/request",
	    "/ext/ntp/pk/dn/request/request",
	    "/ext/ntp/a/b/c/d/request",
	    /* Empty product key or device name. */
	    "/ext/ntp//dn/request",
	    "/ext/ntp/pk//request",
	    "/ext/ntp///request",
	    /* Not the request. */
	    "/ext/ntp/pk/dn/response",
	    "/ext/ntp/pk/dn/requests",
	    "/ext/ntp/pk/dn/xrequest",
	    "/ext/ntp/pk/dn/request/",
	    "/ext/ntp/pk/dn/Request",
	};
	char out[DLC_TOPIC_SIZE];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool accepted = ali()->reply_topic(bad[i], out, sizeof(out)) ||
		                ali()->is_topic(bad[i], DLC_REQUEST);
		if (accepted)
			fprintf(stderr, "\n  accepted as a request topic: \"%s\"\n", bad[i]);
		CU_ASSERT_FALSE(accepted);
	}
}

static void aliyun_response_topic_that_does_not_fit_is_refused(void)
{
	const char *topic = "/ext/ntp/pk/dn/request";
	const size_t need = strlen("/ext/ntp/pk/dn/response") + 1;
	char out[DLC_TOPIC_SIZE];

	CU_ASSERT_FALSE(ali()->reply_topic(topic, out, need - 1));
	CU_ASSERT_TRUE(ali()->reply_topic(topic, out, need));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/pk/dn/response");
}

static void aliyun_longest_names_fit_dlc_topic_size(void)
{
	/* Product key and device name of up to 64 characters each, as options allows. */
	char topic[DLC_TOPIC_SIZE], out[DLC_TOPIC_SIZE], name[65];

	memset(name, 'n', 64);
	name[64] = '\0';
	CU_ASSERT_TRUE_FATAL(ali_topic(topic, sizeof(topic), name, name, DLC_REQUEST) > 0);
	CU_ASSERT_TRUE_FATAL(ali()->reply_topic(topic, out, sizeof(out)));
	CU_ASSERT_EQUAL(strlen(out), strlen(topic) + 1);
	CU_ASSERT_STRING_EQUAL(out + strlen(out) - 9, "/response");
}

static void aliyun_response_topics_are_recognised(void)
{
	CU_ASSERT_TRUE(ali()->is_topic("/ext/ntp/pk/dn/response", DLC_RESPONSE));
	CU_ASSERT_TRUE(ali()->is_topic("/ext/ntp/a1B2c3D4e5F/gateway-01/response", DLC_RESPONSE));
	CU_ASSERT_TRUE(ali()->is_topic("/ext/ntp/p/d/response", DLC_RESPONSE));
	CU_ASSERT_TRUE(ali()->is_topic("/ext/ntp/lanpk/landev/response", DLC_RESPONSE));
}

static void aliyun_other_topics_are_not_response_topics(void)
{
	const char *bad[] = {
	    "",
	    "/",
	    "/ext/ntp/",
	    "/ext/ntp/response",
	    "/ext/ntp//response",
	    "/ext/ntp///response",
	    /* Requests. */
	    "/ext/ntp/pk/dn/request",
	    "/ext/ntp/lanpk/landev/request",
	    /* Wrong prefix. */
	    "ext/ntp/pk/dn/response",
	    "/ext/ntpx/pk/dn/response",
	    "/ext/NTP/pk/dn/response",
	    "//ext/ntp/pk/dn/response",
	    /* Missing levels. */
	    "/ext/ntp/pk/response",
	    "/ext/ntp/pkdn/response",
	    /* Extra levels. */
	    "/ext/ntp/pk/dn/x/response",
	    "/ext/ntp/pk/dn/response/response",
	    "/ext/ntp/a/b/c/d/response",
	    /* Empty product key or device name. */
	    "/ext/ntp//dn/response",
	    "/ext/ntp/pk//response",
	    /* Not the response. */
	    "/ext/ntp/pk/dn/responses",
	    "/ext/ntp/pk/dn/xresponse",
	    "/ext/ntp/pk/dn/response/",
	    "/ext/ntp/pk/dn/Response",
	    "/ext/ntp/pk/dn/",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool accepted = ali()->is_topic(bad[i], DLC_RESPONSE);
		if (accepted)
			fprintf(stderr, "\n  accepted as a response topic: \"%s\"\n", bad[i]);
		CU_ASSERT_FALSE(accepted);
	}
}

static void aliyun_device_topics_are_built_from_the_ids(void)
{
	char out[DLC_TOPIC_SIZE];

	CU_ASSERT_EQUAL(ali_topic(out, sizeof(out), "a1B2", "gw-01", DLC_REQUEST),
	                (int)strlen("/ext/ntp/a1B2/gw-01/request"));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/a1B2/gw-01/request");
	CU_ASSERT_EQUAL(ali_topic(out, sizeof(out), "a1B2", "gw-01", DLC_RESPONSE),
	                (int)strlen("/ext/ntp/a1B2/gw-01/response"));
	CU_ASSERT_STRING_EQUAL(out, "/ext/ntp/a1B2/gw-01/response");
	/* What is built is what is recognised. */
	CU_ASSERT_TRUE(ali()->is_topic(out, DLC_RESPONSE));
}

static void aliyun_device_topic_that_does_not_fit_is_refused_at_every_size(void)
{
	const char *want = "/ext/ntp/pk/dn/response";
	char out[DLC_TOPIC_SIZE];

	for (size_t size = 0; size <= strlen(want); size++) {
		memset(out, 'x', sizeof(out));
		CU_ASSERT_EQUAL(ali_topic(out, size, "pk", "dn", DLC_RESPONSE), -1);
		/* Nothing is written past what was given. */
		CU_ASSERT_EQUAL(out[size], 'x');
	}
	CU_ASSERT_EQUAL(ali_topic(out, strlen(want) + 1, "pk", "dn", DLC_RESPONSE),
	                (int)strlen(want));
	CU_ASSERT_STRING_EQUAL(out, want);
}

/* Whether topic matches an MQTT subscription filter made of plain and '+' levels. */
static bool filter_matches(const char *filter, const char *topic)
{
	while (*filter != '\0' && *topic != '\0') {
		if (filter[0] == '+' && (filter[1] == '/' || filter[1] == '\0')) {
			topic += strcspn(topic, "/");
			filter++;
		} else if (*filter++ != *topic++) {
			return false;
		}
	}
	return *filter == '\0' && *topic == '\0';
}

static void each_request_filter_takes_every_devices_request_topic_and_no_answer(void)
{
	struct dlc_identity who[] = {
	    {.product = "a1B2c3D4e5F", .device = "gw-01"},
	    {.product = "P", .device = "d"},
	};

	CU_ASSERT_STRING_EQUAL(d_of("aliyun")->request_filter, "/ext/ntp/+/+/request");
	CU_ASSERT_STRING_EQUAL(d_of("huawei")->request_filter, "$oc/devices/+/sys/events/up");
	CU_ASSERT_STRING_EQUAL(d_of("tuya")->request_filter, "tylink/+/ext/time/request");
	CU_ASSERT_STRING_EQUAL(d_of("tencent")->request_filter, "$sys/operation/+/+");
	for (int i = 0; dlc_all[i] != NULL; i++) {
		const struct dlc_dialect *d = dlc_all[i];
		CU_ASSERT_PTR_NULL(strchr(d->request_filter, '#'));
		for (size_t k = 0; k < sizeof(who) / sizeof(who[0]); k++) {
			struct dlc_identity id = who[k];
			char req[DLC_TOPIC_SIZE], resp[DLC_TOPIC_SIZE];
			if (d->product_max == 0)
				id.product = NULL;
			CU_ASSERT_FATAL(d->topic(&id, DLC_REQUEST, req, sizeof(req)) > 0);
			CU_ASSERT_FATAL(d->topic(&id, DLC_RESPONSE, resp, sizeof(resp)) > 0);
			CU_ASSERT_TRUE(filter_matches(d->request_filter, req));
			CU_ASSERT_FALSE(filter_matches(d->request_filter, resp));
			/* What the filter takes is what is_topic calls a request. */
			CU_ASSERT_TRUE(d->is_topic(req, DLC_REQUEST));
		}
	}
}

static CU_TestInfo tests[] = {
    RUNNER_TEST(each_platform_is_found_by_its_name_and_no_other_name_is),
    RUNNER_TEST(every_table_is_complete),
    RUNNER_TEST(every_status_has_a_name),
    RUNNER_TEST(aliyun_documented_request_and_answer_decode_exactly),
    RUNNER_TEST(huawei_documented_request_and_answer_decode_exactly),
    RUNNER_TEST(tuya_documented_request_decodes_exactly),
    RUNNER_TEST(tuya_answer_is_matched_with_or_without_msgid_and_read_with_time_in_either_unit),
    RUNNER_TEST(tuya_dst_no_json_number_carries_is_echoed_quoted_and_read_back),
    RUNNER_TEST(tencent_documented_request_and_answer_decode_exactly),
    RUNNER_TEST(each_request_is_written_exactly_as_documented),
    RUNNER_TEST(tencent_answer_carries_the_send_time_truncated_to_seconds),
    RUNNER_TEST(no_encoder_writes_past_the_buffer_it_is_given),
    RUNNER_TEST(every_request_comes_back_as_an_answer_to_itself),
    RUNNER_TEST(an_answer_to_another_request_does_not_carry_its_id),
    RUNNER_TEST(huawei_other_events_on_events_down_are_not_ours),
    RUNNER_TEST(tuya_daylight_saving_traffic_on_the_time_topic_is_not_ours),
    RUNNER_TEST(tencent_other_resources_are_not_ours_and_time_only_answers_not_the_engines),
    RUNNER_TEST(a_member_named_twice_is_refused_and_its_owner_unknown),
    RUNNER_TEST(the_owner_is_told_without_regard_to_case),
    RUNNER_TEST(owners_are_told_up_to_the_shared_limit_and_unknown_beyond),
    RUNNER_TEST(malformed_answers_are_refused_with_a_status),
    RUNNER_TEST(timestamps_not_written_as_plain_integers_are_refused_in_every_dialect),
    RUNNER_TEST(other_numbers_may_be_written_as_json_allows),
    RUNNER_TEST(payloads_that_are_not_one_json_object_are_refused_by_every_dialect),
    RUNNER_TEST(every_truncation_of_a_good_answer_is_refused),
    RUNNER_TEST(corrupted_answers_never_crash_and_never_decode_to_other_stamps),
    RUNNER_TEST(aliyun_request_is_the_codecs_byte_for_byte),
    RUNNER_TEST(aliyun_answers_decode_as_the_codec_decodes_them),
    RUNNER_TEST(each_dialect_names_the_documented_topics),
    RUNNER_TEST(identities_at_their_longest_fit_and_one_more_is_refused),
    RUNNER_TEST(identities_that_would_break_the_topic_are_refused),
    RUNNER_TEST(topics_of_other_shapes_and_other_platforms_are_not_recognised),
    RUNNER_TEST(aliyun_request_topic_maps_to_response_topic),
    RUNNER_TEST(aliyun_other_topics_are_not_requests),
    RUNNER_TEST(aliyun_response_topic_that_does_not_fit_is_refused),
    RUNNER_TEST(aliyun_longest_names_fit_dlc_topic_size),
    RUNNER_TEST(aliyun_response_topics_are_recognised),
    RUNNER_TEST(aliyun_other_topics_are_not_response_topics),
    RUNNER_TEST(aliyun_device_topics_are_built_from_the_ids),
    RUNNER_TEST(aliyun_device_topic_that_does_not_fit_is_refused_at_every_size),
    RUNNER_TEST(each_request_filter_takes_every_devices_request_topic_and_no_answer),
    CU_TEST_INFO_NULL,
};

static int init_dialect_tests(void)
{
	return runner_add_suite("dialect", tests);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (init_dialect_tests() != 0) {
		CU_cleanup_registry();
		return 1;
	}
	return runner_run();
}
