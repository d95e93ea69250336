/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "broker_play.h"

#include <CUnit/CUnit.h>
#include <math.h>
#include <mosquitto_plugin.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sock_sample.h"

#define MAX_OPTIONS 32
#define TICK_NS     (10 * 1000000LL)
/* Ticks a poll may take: the first poll's burst and the timeout fit well within. */
#define POLL_TICKS 2000

struct mosquitto play_bridge = {.id = PLAY_BRIDGE_ID};
struct mosquitto play_impostor = {.id = PLAY_BRIDGE_ID, .address = "192.0.2.66"};
struct mosquitto play_lan = {.id = "lan-client", .address = "192.0.2.10"};
struct mosquitto play_device = {.id = "dev-01", .address = "192.0.2.20"};

static char dir[64];
static char sock_path[100];
static int chrony_fd = -1;

static const char *const gateway_options[] = {
    "product_key", "gwpk", "device_name", "gw-01", "bridge_client_id", PLAY_BRIDGE_ID, NULL,
};

/* Removes the chronyd stand-in, if any. */
static void unbind_chrony(void)
{
	if (chrony_fd < 0)
		return;
	close(chrony_fd);
	chrony_fd = -1;
	unlink(sock_path);
	rmdir(dir);
}

static void bind_chrony(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};

	/* A test that failed a fatal assertion never reached play_stop: its stand-in goes now,
	 * the last one at exit. */
	static bool at_exit;
	if (!at_exit)
		at_exit = atexit(unbind_chrony) == 0;
	unbind_chrony();
	snprintf(dir, sizeof(dir), "/tmp/iotntp-unit-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(sock_path, sizeof(sock_path), "%s/chrony.iotntp.sock", dir);
	chrony_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	CU_ASSERT_FATAL(chrony_fd >= 0);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", sock_path);
	CU_ASSERT_EQUAL_FATAL(bind(chrony_fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
}

static int fail_event;
/* The platform's clock runs with the raw oscillator: a step of the system clock leaves it. */
static int64_t platform_minus_raw_ns;

void play_fail_next_register(int event)
{
	fail_event = event;
}

/* Starts the plugin with the options kv ("key", "value", ..., NULL). */
static int init_with(void **userdata, const char *const *kv)
{
	struct mosquitto_opt opts[MAX_OPTIONS];
	int n = 0;

	for (; kv != NULL && kv[0] != NULL; kv += 2) {
		CU_ASSERT_FATAL(n < MAX_OPTIONS && kv[1] != NULL);
		opts[n].key = (char *)kv[0];
		opts[n].value = (char *)kv[1];
		n++;
	}
	*userdata = NULL;
	platform_minus_raw_ns =
	    stub_clock_real_ns() - stub_clock_raw_ns() + PLAY_OFFSET_MS * 1000000LL;
	if (fail_event != 0)
		stub_fail_next_register(fail_event);
	fail_event = 0;
	return mosquitto_plugin_init(stub_plugin_id(), userdata, opts, n);
}

int play_start_with(void **userdata, const char *const *options)
{
	stub_reset();
	bind_chrony();
	return init_with(userdata, options);
}

/* Starts the plugin with the stand-in's path, then identity and extra (none repeated). */
static int start_merged(void **userdata, const char *const *identity, const char *const *extra)
{
	const char *const socket_option[] = {"refclock_socket", sock_path, NULL};
	const char *merged[2 * MAX_OPTIONS + 1];
	const char *const *parts[3] = {socket_option, identity, extra};
	int n = 0;

	stub_reset();
	bind_chrony();
	for (int l = 0; l < 3; l++) {
		for (const char *const *kv = parts[l]; kv != NULL && *kv != NULL; kv++) {
			CU_ASSERT_FATAL(n < 2 * MAX_OPTIONS);
			merged[n++] = *kv;
		}
	}
	merged[n] = NULL;
	return init_with(userdata, merged);
}

int play_start(void **userdata, const char *const *extra)
{
	return start_merged(userdata, gateway_options, extra);
}

int play_start_on(void **userdata, const char *const *options)
{
	static const char *const bridge[] = {"bridge_client_id", PLAY_BRIDGE_ID, NULL};

	return start_merged(userdata, bridge, options);
}

void play_stop(void *userdata)
{
	mosquitto_plugin_cleanup(userdata, NULL, 0);
	unbind_chrony();
}

int64_t play_real_ms(void)
{
	return stub_clock_real_ns() / 1000000;
}

void play_answer(char *buf, size_t size, int64_t id)
{
	/* The platform stamps its receipt and its send in the same ms, truncated. */
	int64_t platform_ms = (stub_clock_raw_ns() + platform_minus_raw_ns) / 1000000;

	snprintf(buf, size,
	         "{\"deviceSendTime\":\"%lld\",\"serverRecvTime\":\"%lld\","
	         "\"serverSendTime\":\"%lld\"}",
	         (long long)id, (long long)platform_ms, (long long)platform_ms);
}

static int64_t request_id(const struct stub_publish *p)
{
	cJSON *j = cJSON_ParseWithLength(p->payload, (size_t)p->payloadlen);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "deviceSendTime");
	int64_t id = cJSON_IsString(v) ? strtoll(v->valuestring, NULL, 10) : -1;

	cJSON_Delete(j);
	return id;
}

cJSON *play_poll(play_hook before_answer)
{
	char answer[256];

	for (int t = 0; t < POLL_TICKS; t++) {
		int seen = stub_published_count();
		stub_tick();
		for (int i = seen; i < stub_published_count(); i++) {
			const struct stub_publish *p = stub_published(i);
			if (strcmp(p->topic, PLAY_STATUS_TOPIC) == 0)
				return play_status(i);
			if (strcmp(p->topic, PLAY_REQUEST_TOPIC) != 0)
				continue;
			int64_t id = request_id(p);
			stub_clock_advance_ns(PLAY_ONE_WAY_NS);
			play_answer(answer, sizeof(answer), id);
			stub_clock_advance_ns(PLAY_ONE_WAY_NS);
			if (before_answer != NULL)
				before_answer(id, answer);
			CU_ASSERT_EQUAL(stub_message(&play_bridge, PLAY_RESPONSE_TOPIC, answer, 0),
			                MOSQ_ERR_SUCCESS);
		}
		stub_clock_advance_ns(TICK_NS);
	}
	return NULL;
}

cJSON *play_status(int from)
{
	const struct stub_publish *p = stub_last_published_on(PLAY_STATUS_TOPIC, from);

	return p != NULL ? cJSON_ParseWithLength(p->payload, (size_t)p->payloadlen) : NULL;
}

cJSON *play_status_on(const char *topic)
{
	const struct stub_publish *p = stub_last_published_on(topic, 0);

	return p != NULL ? cJSON_ParseWithLength(p->payload, (size_t)p->payloadlen) : NULL;
}

double play_number(const cJSON *status, ...)
{
	va_list ap;
	const cJSON *j = status;

	va_start(ap, status);
	for (const char *name = va_arg(ap, const char *); name != NULL && j != NULL;
	     name = va_arg(ap, const char *))
		j = cJSON_GetObjectItemCaseSensitive(j, name);
	va_end(ap);
	return cJSON_IsNumber(j) ? j->valuedouble : NAN;
}

bool play_chrony_sample(double *offset_s)
{
	struct sock_sample s;

	ssize_t n = recv(chrony_fd, &s, sizeof(s), MSG_DONTWAIT);
	if (n != (ssize_t)sizeof(s) || s.magic != SOCK_SAMPLE_MAGIC)
		return false;
	*offset_s = s.offset;
	return true;
}
