/* SPDX-License-Identifier: Apache-2.0 */
#include "broker_serve.h"

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker_clock.h"
#include "dialect.h"
#include "exchange.h"
#include "rate_limit.h"
#include "serve_status.h"

struct bsv_role {
	mosquitto_plugin_id_t *id;
	const struct bsy_role *sync;
	const struct dlc_dialect *dialect; /* the platform's, spoken to LAN devices */
	bool authoritative;
	struct rtl_limiter *per_client;
	struct rtl_limiter *total;
	struct srv_stats stats;
	bool answering; /* for logging changes only */
	bool started;   /* for the closing log line */
	/* The role's own status, published when it serves alone and was given a topic. */
	char status_topic[OPT_MAX_TOPIC + 1]; /* empty: none */
	char status[SST_BUF_SIZE];            /* the last one published */
	int status_len;
	int64_t next_status_ns; /* CLOCK_MONOTONIC_RAW; at most one status a second */
	bool registered_tick;
};

/* The time to answer with, at CLOCK_MONOTONIC_RAW raw; false while the gateway does not know
 * the time. */
static bool answer_time(struct bsv_role *r, int64_t raw, int64_t *out_ns)
{
	struct srv_clock c = {.authoritative = r->authoritative};
	struct timespec now = bck_real();

	if (!c.authoritative) {
		c.plugin_synced = r->sync != NULL && bsy_platform_time(r->sync, &c.line);
		c.kernel_synced = !c.plugin_synced && bck_kernel_synced();
	}
	bool ok = srv_time_now(&c, &now, raw, out_ns);
	if (ok != r->answering) {
		r->answering = ok;
		mosquitto_log_printf(ok ? MOSQ_LOG_NOTICE : MOSQ_LOG_WARNING,
		                     ok ? "iotntp: answering LAN time requests"
		                        : "iotntp: not answering LAN time requests: the gateway "
		                          "does not know the time");
	}
	return ok;
}

bool bsv_answer(struct bsv_role *r, const struct mosquitto_evt_message *m)
{
	char topic[DLC_TOPIC_SIZE];
	char answer[DLC_BUF_SIZE];
	int64_t recv_ns;
	enum dlc_status why;
	const char *requester = mosquitto_client_id(m->client);

	r->stats.received++;
	/* Without an id the answer would go to every subscriber. Mosquitto gives every client
	 * one (it makes one up for a client that sends none), so this never happens. */
	if (requester == NULL || !r->dialect->reply_topic(m->topic, topic, sizeof(topic)))
		return false;
	int64_t raw = bck_raw_ns();
	if (!answer_time(r, raw, &recv_ns)) {
		r->stats.unsynced++;
		return false;
	}
	if (!rtl_allow(r->per_client, requester, raw) || !rtl_allow(r->total, "", raw)) {
		r->stats.rate_limited++;
		return false;
	}
	/* The send time follows from the receive time on the raw oscillator: the clock is asked
	 * once per request, and both times come from the same reading of it. */
	int64_t send_ns = recv_ns + (bck_raw_ns() - raw);
	int n = srv_answer(r->dialect, m->payload, m->payloadlen, recv_ns / XCH_NS_PER_MS,
	                   send_ns / XCH_NS_PER_MS, answer, sizeof(answer), &why);
	/* The router hands over only the time service's messages; should the dialect's reader
	 * still find another service's, it is not a bad request, and the broker routes it. */
	if (n < 0 && why == DLC_NOT_OURS)
		return false;
	if (n < 0) {
		if (r->stats.bad_request++ == 0)
			mosquitto_log_printf(
			    MOSQ_LOG_WARNING,
			    "iotntp: dropped a request on %s: %s (further ones are "
			    "only counted)",
			    m->topic, dlc_status_name(why));
		return false;
	}
	/*
	 * To the requester alone, as the platform delivers: the platform's device SDK never
	 * subscribes to its response topic (the platform subscribes the device itself), and no
	 * other client may read a device's answers. A message for one client id skips the
	 * subscriptions, so a device that did subscribe gets it once. The broker looks the id up
	 * when it queues the message, at its next loop pass: a connection that has taken the id
	 * over by then gets it, as the device's newest connection does on the platform.
	 */
	if (mosquitto_broker_publish_copy(requester, topic, n, answer, 0, false, NULL) !=
	    MOSQ_ERR_SUCCESS)
		return false;
	r->stats.answered++;
	return true;
}

void bsv_count_forged(struct bsv_role *r)
{
	r->stats.forged_answer++;
}

/* Publishes the role's status if it changed since the last one: a retained message, so that a
 * subscriber gets the counts as soon as it subscribes. */
static void publish_status(struct bsv_role *r)
{
	char buf[SST_BUF_SIZE];

	int n = sst_format(buf, sizeof(buf), &r->stats);
	if (n <= 0 || (n == r->status_len && memcmp(buf, r->status, (size_t)n) == 0))
		return;
	if (mosquitto_broker_publish_copy(NULL, r->status_topic, n, buf, 0, true, NULL) !=
	    MOSQ_ERR_SUCCESS)
		return;
	memcpy(r->status, buf, (size_t)n);
	r->status_len = n;
}

static int on_tick(int event, void *event_data, void *userdata)
{
	struct bsv_role *r = userdata;

	(void)event;
	(void)event_data;
	int64_t raw = bck_raw_ns();
	if (raw >= r->next_status_ns) {
		r->next_status_ns = raw + XCH_NS_PER_S;
		publish_status(r);
	}
	return MOSQ_ERR_SUCCESS;
}

struct bsv_role *bsv_start(mosquitto_plugin_id_t *id, const struct opt_config *cfg,
                           const struct bsy_role *sync, bool publish_status_too)
{
	struct bsv_role *r = calloc(1, sizeof(*r));
	if (r == NULL)
		goto nomem;
	r->id = id;
	r->sync = sync;
	r->dialect = cfg->dialect;
	r->authoritative = cfg->authoritative;
	r->answering = true;
	r->per_client = rtl_create(cfg->serve_rate, cfg->serve_burst, cfg->serve_max_clients);
	r->total = rtl_create(cfg->serve_total_rate, cfg->serve_total_rate, 1);
	if (r->per_client == NULL || r->total == NULL)
		goto nomem;
	if (publish_status_too) {
		snprintf(r->status_topic, sizeof(r->status_topic), "%s", cfg->status_topic);
		if (mosquitto_callback_register(id, MOSQ_EVT_TICK, on_tick, NULL, r) !=
		    MOSQ_ERR_SUCCESS) {
			mosquitto_log_printf(MOSQ_LOG_ERR,
			                     "iotntp: cannot register the broker callbacks");
			bsv_stop(r);
			return NULL;
		}
		r->registered_tick = true;
		publish_status(r);
	}
	mosquitto_log_printf(MOSQ_LOG_NOTICE,
	                     "iotntp: serve role: answering %s %s, %u/s per client",
	                     r->dialect->request_filter,
	                     cfg->authoritative ? "from this clock (authoritative)"
	                                        : "while the gateway knows the time",
	                     cfg->serve_rate);
	if (publish_status_too)
		mosquitto_log_printf(MOSQ_LOG_NOTICE,
		                     "iotntp: serve role: its status on %s, at most once a second",
		                     r->status_topic);
	r->started = true;
	return r;

nomem:
	mosquitto_log_printf(MOSQ_LOG_ERR, "iotntp: out of memory");
	bsv_stop(r);
	return NULL;
}

const struct srv_stats *bsv_stats(const struct bsv_role *r)
{
	return &r->stats;
}

void bsv_stop(struct bsv_role *r)
{
	if (r == NULL)
		return;
	if (r->started) {
		mosquitto_log_printf(
		    MOSQ_LOG_NOTICE,
		    "iotntp: serve role stopped: %llu requests received, %llu answered, "
		    "%llu rate-limited, %llu unanswered while unsynchronised, %llu bad",
		    r->stats.received, r->stats.answered, r->stats.rate_limited, r->stats.unsynced,
		    r->stats.bad_request);
	}
	if (r->registered_tick)
		mosquitto_callback_unregister(r->id, MOSQ_EVT_TICK, on_tick, NULL);
	rtl_destroy(r->per_client);
	rtl_destroy(r->total);
	free(r);
}
