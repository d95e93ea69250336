/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "broker_stubs.h"

#include <errno.h>
#include <mosquitto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>

/* --wrap redirects symbols by name. With a 64-bit time_t on a 32-bit architecture (Debian 13's
 * armhf) glibc renames the calls: clock_gettime to __clock_gettime64, ntp_adjtime to
 * ___adjtimex64 (time.h and sys/timex.h of glibc 2.41); the link wraps those names too
 * (tests/CMakeLists.txt), and the stubs take the names the plugin's calls have. */
#if defined(__USE_TIME_BITS64) && defined(__TIMESIZE) && __TIMESIZE != 64
#define WRAP_CLOCK_GETTIME __wrap___clock_gettime64
#define REAL_CLOCK_GETTIME __real___clock_gettime64
#define WRAP_NTP_ADJTIME   __wrap____adjtimex64
#else
#define WRAP_CLOCK_GETTIME __wrap_clock_gettime
#define REAL_CLOCK_GETTIME __real_clock_gettime
#define WRAP_NTP_ADJTIME   __wrap_ntp_adjtime
#endif

#define STUB_MAX_CALLBACKS 32
/* The fake clocks start with the raw clock at 1000 s and the system clock in 2026. */
#define START_RAW_NS  (1000 * 1000000000LL)
#define START_REAL_NS (1796601600 * 1000000000LL + 123456789)

struct stub_callback {
	int event;
	MOSQ_FUNC_generic_callback cb;
	void *userdata;
	int64_t due_after_ns; /* a TICK callback, as stub_tick_due() calls it: the raw time after
	                       * which it is due (0 at registration: due at once) */
};

static struct {
	struct stub_callback callbacks[STUB_MAX_CALLBACKS];
	int ncallbacks;
	int fail_event;
	int register_calls, unregister_calls, unregister_unknown;
	struct stub_publish published[STUB_MAX_PUBLISHED];
	int npublished;
	char log[STUB_MAX_LOG][STUB_MAX_TEXT];
	int nlog;
	int64_t raw_ns, real_ns;
	bool kernel_synced;
} st;

static char plugin_id_storage;

void stub_reset(void)
{
	memset(&st, 0, sizeof(st));
	st.raw_ns = START_RAW_NS;
	st.real_ns = START_REAL_NS;
}

mosquitto_plugin_id_t *stub_plugin_id(void)
{
	return (mosquitto_plugin_id_t *)(void *)&plugin_id_storage;
}

void stub_fail_next_register(int event)
{
	st.fail_event = event;
}

int stub_registered(int event)
{
	int n = 0;

	for (int i = 0; i < st.ncallbacks; i++)
		n += st.callbacks[i].event == event;
	return n;
}

int stub_register_calls(void)
{
	return st.register_calls;
}

int stub_unregister_calls(void)
{
	return st.unregister_calls;
}

int stub_unregister_unknown(void)
{
	return st.unregister_unknown;
}

int stub_message(struct mosquitto *client, const char *topic, const char *payload, int qos)
{
	char topic_copy[STUB_MAX_TEXT];
	size_t len = strlen(payload);
	/* Exactly len bytes, no NUL after them, as the broker hands a payload over, however
	 * large. */
	char *payload_copy = malloc(len > 0 ? len : 1);
	int rc = MOSQ_ERR_SUCCESS;

	if (payload_copy == NULL)
		return MOSQ_ERR_NOMEM;
	snprintf(topic_copy, sizeof(topic_copy), "%s", topic);
	memcpy(payload_copy, payload, len);
	for (int i = 0; i < st.ncallbacks && rc == MOSQ_ERR_SUCCESS; i++) {
		if (st.callbacks[i].event != MOSQ_EVT_MESSAGE)
			continue;
		struct mosquitto_evt_message m = {
		    .client = client,
		    .topic = topic_copy,
		    .payload = payload_copy,
		    .payloadlen = (uint32_t)len,
		    .qos = (uint8_t)qos,
		};
		rc = st.callbacks[i].cb(MOSQ_EVT_MESSAGE, &m, st.callbacks[i].userdata);
	}
	free(payload_copy);
	return rc;
}

/* One pass: the TICK callbacks in their order, all of them or (due_only) those whose time
 * asked for has passed, as 2.1.2's src/plugin_tick.c does; the wake the pass arms. */
static long tick_pass(bool due_only)
{
	long wake = -1;

	for (int i = 0; i < st.ncallbacks; i++) {
		struct stub_callback *c = &st.callbacks[i];
		if (c->event != MOSQ_EVT_TICK || (due_only && !(st.raw_ns > c->due_after_ns)))
			continue;
		struct mosquitto_evt_tick t = {.now_ns = (long)(st.raw_ns % 1000000000)};
		c->cb(MOSQ_EVT_TICK, &t, c->userdata);
		c->due_after_ns = st.raw_ns + (int64_t)t.next_ns * 1000000;
		if (t.next_ns > 0 && (wake < 0 || t.next_ns < wake))
			wake = t.next_ns;
	}
	return wake;
}

long stub_tick(void)
{
	return tick_pass(false);
}

long stub_tick_due(void)
{
	return tick_pass(true);
}

int stub_published_count(void)
{
	return st.npublished;
}

const struct stub_publish *stub_published(int i)
{
	return i >= 0 && i < st.npublished ? &st.published[i] : NULL;
}

const struct stub_publish *stub_last_published_on(const char *topic, int from)
{
	for (int i = st.npublished - 1; i >= from && i >= 0; i--) {
		if (strcmp(st.published[i].topic, topic) == 0)
			return &st.published[i];
	}
	return NULL;
}

int stub_log_count(void)
{
	return st.nlog;
}

int stub_log_containing(const char *text)
{
	int n = 0;

	for (int i = 0; i < st.nlog; i++)
		n += strstr(st.log[i], text) != NULL;
	return n;
}

void stub_clock_advance_ns(int64_t ns)
{
	st.raw_ns += ns;
	st.real_ns += ns;
}

int64_t stub_clock_raw_ns(void)
{
	return st.raw_ns;
}

int64_t stub_clock_real_ns(void)
{
	return st.real_ns;
}

void stub_clock_step_real_ns(int64_t ns)
{
	st.real_ns += ns;
}

void stub_kernel_synced(bool synced)
{
	st.kernel_synced = synced;
}

/* The broker's functions, as the adapters call them. */

int mosquitto_callback_register(mosquitto_plugin_id_t *identifier, int event,
                                MOSQ_FUNC_generic_callback cb_func, const void *event_data,
                                void *userdata)
{
	(void)event_data;
	if (identifier != stub_plugin_id() || cb_func == NULL)
		return MOSQ_ERR_INVAL;
	if (st.fail_event == event) {
		st.fail_event = 0;
		return MOSQ_ERR_NOMEM;
	}
	/* As the broker: one function once per event. */
	for (int i = 0; i < st.ncallbacks; i++) {
		if (st.callbacks[i].event == event && st.callbacks[i].cb == cb_func)
			return MOSQ_ERR_ALREADY_EXISTS;
	}
	if (st.ncallbacks == STUB_MAX_CALLBACKS)
		return MOSQ_ERR_NOMEM;
	st.callbacks[st.ncallbacks++] =
	    (struct stub_callback){.event = event, .cb = cb_func, .userdata = userdata};
	st.register_calls++;
	return MOSQ_ERR_SUCCESS;
}

int mosquitto_callback_unregister(mosquitto_plugin_id_t *identifier, int event,
                                  MOSQ_FUNC_generic_callback cb_func, const void *event_data)
{
	(void)event_data;
	if (identifier != stub_plugin_id() || cb_func == NULL)
		return MOSQ_ERR_INVAL;
	for (int i = 0; i < st.ncallbacks; i++) {
		if (st.callbacks[i].event == event && st.callbacks[i].cb == cb_func) {
			memmove(&st.callbacks[i], &st.callbacks[i + 1],
			        (size_t)(st.ncallbacks - i - 1) * sizeof(st.callbacks[0]));
			st.ncallbacks--;
			st.unregister_calls++;
			return MOSQ_ERR_SUCCESS;
		}
	}
	st.unregister_unknown++;
	return MOSQ_ERR_NOT_FOUND;
}

int mosquitto_broker_publish_copy(const char *clientid, const char *topic, int payloadlen,
                                  const void *payload, int qos, bool retain,
                                  mosquitto_property *properties)
{
	(void)properties;
	if (topic == NULL || payloadlen < 0 || (payloadlen > 0 && payload == NULL) || qos < 0 ||
	    qos > 2)
		return MOSQ_ERR_INVAL;
	if (st.npublished == STUB_MAX_PUBLISHED || payloadlen > STUB_MAX_PAYLOAD)
		return MOSQ_ERR_NOMEM;
	struct stub_publish *p = &st.published[st.npublished++];
	memset(p, 0, sizeof(*p));
	p->to_client = clientid != NULL;
	snprintf(p->client_id, sizeof(p->client_id), "%s", clientid != NULL ? clientid : "");
	snprintf(p->topic, sizeof(p->topic), "%s", topic);
	memcpy(p->payload, payload, (size_t)payloadlen);
	p->payloadlen = payloadlen;
	p->qos = qos;
	p->retain = retain;
	return MOSQ_ERR_SUCCESS;
}

/* The broker's header declares it without the format attribute; the definition carries it, so
 * that the compiler checks the format is the caller's (-Wformat-nonliteral). */
__attribute__((format(printf, 2, 3))) void mosquitto_log_printf(int level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	if (st.nlog == STUB_MAX_LOG)
		return;
	va_start(ap, fmt);
	vsnprintf(st.log[st.nlog++], STUB_MAX_TEXT, fmt, ap);
	va_end(ap);
}

const char *mosquitto_client_id(const struct mosquitto *client)
{
	return client->id;
}

const char *mosquitto_client_address(const struct mosquitto *client)
{
	return client->address;
}

int mosquitto_client_protocol(const struct mosquitto *client)
{
	return client->protocol;
}

/* The clocks broker_clock.h reads (linked with -Wl,--wrap=clock_gettime,--wrap=ntp_adjtime). */

int REAL_CLOCK_GETTIME(clockid_t clk, struct timespec *ts);
int WRAP_CLOCK_GETTIME(clockid_t clk, struct timespec *ts);
int WRAP_NTP_ADJTIME(struct timex *tx);

int WRAP_CLOCK_GETTIME(clockid_t clk, struct timespec *ts)
{
	int64_t ns;

	if (clk == CLOCK_MONOTONIC_RAW)
		ns = st.raw_ns;
	else if (clk == CLOCK_REALTIME)
		ns = st.real_ns;
	else
		return REAL_CLOCK_GETTIME(clk, ts);
	ts->tv_sec = (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
	return 0;
}

int WRAP_NTP_ADJTIME(struct timex *tx)
{
	tx->status = st.kernel_synced ? 0 : STA_UNSYNC;
	return st.kernel_synced ? TIME_OK : TIME_ERROR;
}
