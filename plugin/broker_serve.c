#include "broker_serve.h"

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <stdlib.h>
#include <string.h>

#include "broker_clock.h"
#include "codec.h"
#include "exchange.h"
#include "rate_limit.h"

struct bsv_role {
	mosquitto_plugin_id_t *id;
	const struct bsy_role *sync;
	bool authoritative;
	char bridge_client_id[OPT_MAX_CLIENT + 1];
	struct rtl_limiter *per_client;
	struct rtl_limiter *total;
	struct srv_stats stats;
	bool answering; /* for logging changes only */
	bool registered;
};

/* The time to answer with, at CLOCK_MONOTONIC_RAW raw; false while the gateway does not know
 * the time. */
static bool answer_time(struct bsv_role *r, int64_t raw, struct timespec *out)
{
	struct srv_clock c = {.authoritative = r->authoritative};
	struct timespec now = bck_real();

	if (!c.authoritative) {
		c.plugin_synced =
		    r->sync != NULL &&
		    bsy_platform_time(r->sync, &c.platform_at_sample, &c.sample_raw_ns);
		c.kernel_synced = !c.plugin_synced && bck_kernel_synced();
	}
	bool ok = srv_time_now(&c, &now, raw, out);
	if (ok != r->answering) {
		r->answering = ok;
		mosquitto_log_printf(ok ? MOSQ_LOG_NOTICE : MOSQ_LOG_WARNING,
		                     ok ? "iotntp: answering LAN time requests"
		                        : "iotntp: not answering LAN time requests: the gateway "
		                          "does not know the time");
	}
	return ok;
}

static int deny_forged_answer(struct bsv_role *r, const struct mosquitto_evt_message *m)
{
	const char *client = mosquitto_client_id(m->client);

	/* The gateway's own answers come from the bridge; nobody else may publish one, or a
	 * LAN device could be handed a forged time. */
	if (client != NULL && r->bridge_client_id[0] != '\0' &&
	    strcmp(client, r->bridge_client_id) == 0)
		return MOSQ_ERR_SUCCESS;
	r->stats.forged_answer++;
	return MOSQ_ERR_ACL_DENIED;
}

static int on_message(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_message *m = event_data;
	struct bsv_role *r = userdata;
	char topic[SRV_TOPIC_SIZE];
	char answer[CDC_BUF_SIZE];
	struct timespec recv, send;
	enum cdc_status why;

	(void)event;
	/* Every message passes here: other topics fail on the first bytes of the prefix. */
	if (m->topic == NULL || strncmp(m->topic, "/ext/ntp/", 9) != 0)
		return MOSQ_ERR_SUCCESS;
	if (!srv_response_topic(m->topic, topic, sizeof(topic))) {
		/* Only a gateway guards its LAN devices; the authoritative emulator stands for the
		 * platform and leaves its topics to the tests that play a broken one. */
		if (!r->authoritative && srv_is_response_topic(m->topic))
			return deny_forged_answer(r, m);
		return MOSQ_ERR_SUCCESS;
	}

	int64_t raw = bck_raw_ns();
	if (!answer_time(r, raw, &recv)) {
		r->stats.unsynced++;
		return MOSQ_ERR_SUCCESS;
	}
	if (!rtl_allow(r->per_client, mosquitto_client_id(m->client), raw) ||
	    !rtl_allow(r->total, "", raw)) {
		r->stats.rate_limited++;
		return MOSQ_ERR_SUCCESS;
	}
	/* The send time follows from the receive time on the raw oscillator: the clock is asked
	 * once per request, and both times come from the same reading of it. */
	send = xch_timespec_add(&recv, bck_raw_ns() - raw);
	int n = srv_answer(m->payload, m->payloadlen, bck_ms(&recv), bck_ms(&send), answer,
	                   sizeof(answer), &why);
	if (n < 0) {
		if (r->stats.bad_request++ == 0)
			mosquitto_log_printf(
			    MOSQ_LOG_WARNING,
			    "iotntp: dropped a request on %s: %s (further ones are "
			    "only counted)",
			    m->topic, cdc_status_name(why));
		return MOSQ_ERR_SUCCESS;
	}
	if (mosquitto_broker_publish_copy(NULL, topic, n, answer, 0, false, NULL) !=
	    MOSQ_ERR_SUCCESS)
		return MOSQ_ERR_SUCCESS;
	r->stats.answered++;
	/*
	 * An answered request has reached its time service and goes no further, as on the
	 * platform: no bridge carries it upstream for a second answer, no other client sees the
	 * device's traffic, and the broker skips routing it, which was most of what answering cost
	 * beyond a plain message. Denying is the only way a plugin can stop a message; it is silent
	 * for QoS 0, the protocol's only QoS. A QoS 1 or 2 request is routed as before, so its
	 * publisher is not told "not authorized"; so is any request left unanswered above.
	 */
	return m->qos == 0 ? MOSQ_ERR_ACL_DENIED : MOSQ_ERR_SUCCESS;
}

struct bsv_role *bsv_start(mosquitto_plugin_id_t *id, const struct opt_config *cfg,
                           const struct bsy_role *sync)
{
	struct bsv_role *r = calloc(1, sizeof(*r));
	if (r == NULL)
		goto nomem;
	r->id = id;
	r->sync = sync;
	r->authoritative = cfg->authoritative;
	memcpy(r->bridge_client_id, cfg->bridge_client_id, sizeof(r->bridge_client_id));
	r->answering = true;
	r->per_client = rtl_create(cfg->serve_rate, cfg->serve_burst, cfg->serve_max_clients);
	r->total = rtl_create(cfg->serve_total_rate, cfg->serve_total_rate, 1);
	if (r->per_client == NULL || r->total == NULL)
		goto nomem;
	if (mosquitto_callback_register(id, MOSQ_EVT_MESSAGE, on_message, NULL, r) !=
	    MOSQ_ERR_SUCCESS) {
		mosquitto_log_printf(MOSQ_LOG_ERR, "iotntp: cannot register the message callback");
		bsv_stop(r);
		return NULL;
	}
	r->registered = true;
	mosquitto_log_printf(MOSQ_LOG_NOTICE,
	                     "iotntp: serve role: answering /ext/ntp/+/+/request %s, %u/s per "
	                     "client",
	                     cfg->authoritative ? "from this clock (authoritative)"
	                                        : "while the gateway knows the time",
	                     cfg->serve_rate);
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
	if (r->registered) {
		mosquitto_callback_unregister(r->id, MOSQ_EVT_MESSAGE, on_message, NULL);
		mosquitto_log_printf(
		    MOSQ_LOG_NOTICE,
		    "iotntp: serve role stopped: %llu answered, %llu rate-limited, "
		    "%llu unanswered while unsynchronised, %llu bad",
		    r->stats.answered, r->stats.rate_limited, r->stats.unsynced,
		    r->stats.bad_request);
	}
	rtl_destroy(r->per_client);
	rtl_destroy(r->total);
	free(r);
}
