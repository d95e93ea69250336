#include "broker_sync.h"

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <stdlib.h>
#include <string.h>

#include "broker_clock.h"
#include "codec.h"
#include "refclock_sock.h"
#include "status.h"
#include "sync.h"

struct bsy_role {
	mosquitto_plugin_id_t *id;
	struct opt_config cfg;
	struct syn_engine *engine;
	struct rcs_writer *refclock;
	enum rcs_state refclock_state;
	struct xch_sample last_sample;
	bool have_sample;
	const struct srv_stats *serve_stats;
	const struct rte_stats *route_stats;
	bool registered_tick;
};

static void log_refclock(struct bsy_role *r, enum rcs_state st)
{
	if (st == r->refclock_state || st == RCS_BUSY)
		return;
	r->refclock_state = st;
	if (st == RCS_CONNECTED)
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "iotntp: feeding chrony through %s",
		                     r->cfg.refclock_socket);
	else
		mosquitto_log_printf(MOSQ_LOG_WARNING, "iotntp: chrony socket %s: %s: %s",
		                     r->cfg.refclock_socket, strerror(rcs_errno(r->refclock)),
		                     rcs_hint(st));
}

static void publish_status(struct bsy_role *r)
{
	char buf[STS_BUF_SIZE];
	struct sts_view v = {
	    .synced = syn_synced(r->engine),
	    .have_sample = r->have_sample,
	    .last_sample = r->last_sample,
	    .counters = syn_counters(r->engine),
	    .refclock_connected = rcs_connected(r->refclock),
	    .samples_to_chrony = rcs_sent(r->refclock),
	    .serve = r->serve_stats,
	    .route = r->route_stats,
	};
	int n = sts_format(buf, sizeof(buf), &v);
	if (n > 0)
		mosquitto_broker_publish_copy(NULL, r->cfg.status_topic, n, buf, 0, true, NULL);
}

/* For analysis: every exchange with its four timestamps, as the platform's formula uses them. */
static void publish_exchange(struct bsy_role *r)
{
	struct syn_exchange x;
	char buf[STS_EXCHANGE_SIZE];

	if (!syn_last_exchange(r->engine, &x))
		return;
	int n = sts_format_exchange(buf, sizeof(buf), &x);
	if (n > 0)
		mosquitto_broker_publish_copy(NULL, r->cfg.exchange_topic, n, buf, 0, false, NULL);
}

static void poll_finished(struct bsy_role *r, const struct syn_poll_result *res)
{
	if (res->have_sample) {
		r->last_sample = res->sample;
		r->have_sample = true;
		log_refclock(r, rcs_send(r->refclock, &res->sample.recv_real,
		                         (double)res->sample.offset_ns / 1e9));
	} else {
		log_refclock(r, rcs_connect(r->refclock));
	}

	if (res->synced && !res->was_synced)
		mosquitto_log_printf(MOSQ_LOG_NOTICE,
		                     "iotntp: synchronised to the platform: offset %+.6f s, round "
		                     "trip %.3f ms",
		                     (double)res->sample.offset_ns / 1e9,
		                     (double)res->sample.rtt_ns / 1e6);
	else if (!res->synced && res->was_synced)
		mosquitto_log_printf(MOSQ_LOG_WARNING,
		                     "iotntp: lost sync: no valid answer in %u polls; chrony gets "
		                     "no samples until the platform answers again",
		                     r->cfg.max_failed_polls);
	publish_status(r);
}

static int on_tick(int event, void *event_data, void *userdata)
{
	struct bsy_role *r = userdata;
	struct syn_poll_result res;
	char payload[CDC_BUF_SIZE];
	int64_t id;

	(void)event;
	(void)event_data;
	struct timespec real = bck_real();
	int64_t mono = bck_mono_ns();
	/*
	 * At most one request per tick keeps the burst spread out even after a slow loop.
	 *
	 * The request goes to the bridge's client id alone, not to the topic's subscribers: the
	 * bridge forwards what is queued for it whatever it subscribed to, and no LAN client
	 * reads the gateway's requests. It must not depend on the bridge's local subscription:
	 * a client that takes over the bridge's id and subscribes to the request topic holds
	 * that subscription in the bridge's name (Mosquitto 2.0 keys a subscriber by client id),
	 * and when it leaves the subscription goes with it while the bridge stays connected.
	 * By id, the request reaches the newest connection with that id: the impostor while it
	 * stays, whose answers are dropped, and the bridge again as soon as it leaves.
	 */
	if (syn_request_due(r->engine, mono, bck_ms(&real), &id)) {
		int n = cdc_encode_request(payload, sizeof(payload), id);
		if (n > 0)
			mosquitto_broker_publish_copy(r->cfg.bridge_client_id, r->cfg.request_topic,
			                              n, payload, 0, false, NULL);
	}
	if (syn_poll_done(r->engine, mono, &res))
		poll_finished(r, &res);
	return MOSQ_ERR_SUCCESS;
}

void bsy_take_answer(struct bsy_role *r, const void *payload, size_t len)
{
	int64_t mono = bck_mono_ns();
	struct timespec real = bck_real();
	int64_t raw = bck_raw_ns();

	enum syn_verdict v = syn_response(r->engine, payload, len, mono, &real, raw);
	if ((v == SYN_ACCEPTED || v == SYN_DISCARDED_RTT) && r->cfg.exchange_topic[0] != '\0')
		publish_exchange(r);
}

void bsy_count(struct bsy_role *r, enum syn_verdict v)
{
	syn_count_verdict(r->engine, v);
}

static struct syn_config engine_config(const struct opt_config *cfg)
{
	struct syn_config sc = {
	    .poll_ns = (int64_t)cfg->poll_interval_s * XCH_NS_PER_S,
	    .spacing_ns = (int64_t)cfg->burst_spacing_ms * XCH_NS_PER_MS,
	    .timeout_ns = (int64_t)cfg->response_timeout_ms * XCH_NS_PER_MS,
	    .max_rtt_ns = (int64_t)cfg->max_rtt_ms * XCH_NS_PER_MS,
	    .burst = cfg->burst,
	    .max_failed_polls = cfg->max_failed_polls,
	    .server_bias_ns = cfg->server_time_truncated ? XCH_NS_PER_MS / 2 : 0,
	};
	return sc;
}

struct bsy_role *bsy_start(mosquitto_plugin_id_t *id, const struct opt_config *cfg)
{
	struct bsy_role *r = calloc(1, sizeof(*r));
	if (r == NULL)
		goto nomem;
	r->id = id;
	r->cfg = *cfg;
	struct syn_config sc = engine_config(cfg);
	r->engine = syn_create(&sc);
	r->refclock = rcs_create(cfg->refclock_socket);
	if (r->engine == NULL || r->refclock == NULL)
		goto nomem;

	if (mosquitto_callback_register(id, MOSQ_EVT_TICK, on_tick, NULL, r) != MOSQ_ERR_SUCCESS)
		goto noregister;
	r->registered_tick = true;

	mosquitto_log_printf(
	    MOSQ_LOG_NOTICE, "iotntp: sync role: %s via bridge client '%s', poll %u s, burst %u",
	    cfg->request_topic, cfg->bridge_client_id, cfg->poll_interval_s, cfg->burst);
	/* A missing chronyd is not fatal: it is logged now and retried at every poll. */
	log_refclock(r, rcs_connect(r->refclock));
	publish_status(r);
	return r;

nomem:
	mosquitto_log_printf(MOSQ_LOG_ERR, "iotntp: out of memory");
	bsy_stop(r);
	return NULL;
noregister:
	mosquitto_log_printf(MOSQ_LOG_ERR, "iotntp: cannot register the broker callbacks");
	bsy_stop(r);
	return NULL;
}

bool bsy_platform_time(const struct bsy_role *r, struct timespec *at_sample, int64_t *raw_ns)
{
	if (!r->have_sample || !syn_synced(r->engine))
		return false;
	*at_sample = xch_timespec_add(&r->last_sample.recv_real, r->last_sample.offset_ns);
	*raw_ns = r->last_sample.recv_raw_ns;
	return true;
}

void bsy_show_stats(struct bsy_role *r, const struct srv_stats *serve,
                    const struct rte_stats *route)
{
	r->serve_stats = serve;
	r->route_stats = route;
}

void bsy_stop(struct bsy_role *r)
{
	if (r == NULL)
		return;
	if (r->registered_tick)
		mosquitto_callback_unregister(r->id, MOSQ_EVT_TICK, on_tick, NULL);
	rcs_destroy(r->refclock);
	syn_destroy(r->engine);
	free(r);
}
