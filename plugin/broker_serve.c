#include "broker_serve.h"

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <stdlib.h>

#include "broker_clock.h"
#include "codec.h"
#include "serve.h"

struct bsv_role {
	mosquitto_plugin_id_t *id;
	unsigned long long answered;
	unsigned long long rejected;
};

static int on_message(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_message *m = event_data;
	struct bsv_role *r = userdata;
	char topic[SRV_TOPIC_SIZE];
	char answer[CDC_BUF_SIZE];
	enum cdc_status why;

	(void)event;
	if (m->topic == NULL || !srv_response_topic(m->topic, topic, sizeof(topic)))
		return MOSQ_ERR_SUCCESS;
	struct timespec recv = bck_real();
	struct timespec send = bck_real();
	int n = srv_answer(m->payload, m->payloadlen, bck_ms(&recv), bck_ms(&send), answer,
	                   sizeof(answer), &why);
	if (n < 0) {
		if (r->rejected++ == 0)
			mosquitto_log_printf(
			    MOSQ_LOG_WARNING,
			    "iotntp: dropped a request on %s: %s (further ones are "
			    "only counted)",
			    m->topic, cdc_status_name(why));
		return MOSQ_ERR_SUCCESS;
	}
	if (mosquitto_broker_publish_copy(NULL, topic, n, answer, 0, false, NULL) ==
	    MOSQ_ERR_SUCCESS)
		r->answered++;
	return MOSQ_ERR_SUCCESS;
}

struct bsv_role *bsv_start(mosquitto_plugin_id_t *id, const struct opt_config *cfg)
{
	(void)cfg;
	struct bsv_role *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		mosquitto_log_printf(MOSQ_LOG_ERR, "iotntp: out of memory");
		return NULL;
	}
	r->id = id;
	if (mosquitto_callback_register(id, MOSQ_EVT_MESSAGE, on_message, NULL, r) !=
	    MOSQ_ERR_SUCCESS) {
		mosquitto_log_printf(MOSQ_LOG_ERR, "iotntp: cannot register the message callback");
		free(r);
		return NULL;
	}
	mosquitto_log_printf(MOSQ_LOG_NOTICE,
	                     "iotntp: serve role: answering /ext/ntp/+/+/request from this clock");
	return r;
}

void bsv_stop(struct bsv_role *r)
{
	if (r == NULL)
		return;
	mosquitto_callback_unregister(r->id, MOSQ_EVT_MESSAGE, on_message, NULL);
	mosquitto_log_printf(MOSQ_LOG_NOTICE,
	                     "iotntp: serve role stopped: %llu answered, %llu dropped", r->answered,
	                     r->rejected);
	free(r);
}
