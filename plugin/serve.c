#include "serve.h"

#include <string.h>

#include "exchange.h"

#define SRV_PREFIX   "/ext/ntp/"
#define SRV_RESPONSE "/response"

/* Whether topic is /ext/ntp/{pk}/{dn}/{kind} with both ids non-empty; gives where {pk}/{dn}
 * starts and how long it is. */
static bool split_topic(const char *topic, const char *kind, const char **ids, size_t *idlen)
{
	size_t plen = sizeof(SRV_PREFIX) - 1;
	size_t klen = strlen(kind);
	size_t tlen = strlen(topic);

	if (tlen <= plen + klen + 1 || strncmp(topic, SRV_PREFIX, plen) != 0 ||
	    strcmp(topic + tlen - klen, kind) != 0 || topic[tlen - klen - 1] != '/')
		return false;
	*ids = topic + plen;
	*idlen = tlen - plen - klen - 1;
	const char *slash = memchr(*ids, '/', *idlen);
	return slash != NULL && slash != *ids && slash != *ids + *idlen - 1 &&
	       memchr(slash + 1, '/', (size_t)(*ids + *idlen - slash - 1)) == NULL;
}

bool srv_response_topic(const char *topic, char *out, size_t size)
{
	const char *ids;
	size_t idlen;

	if (!split_topic(topic, "request", &ids, &idlen))
		return false;
	/* Built with memcpy: this runs for every request, and snprintf cost more than the rest. */
	size_t plen = sizeof(SRV_PREFIX) - 1;
	size_t slen = sizeof(SRV_RESPONSE) - 1;
	if (plen + idlen + slen >= size)
		return false;
	memcpy(out, SRV_PREFIX, plen);
	memcpy(out + plen, ids, idlen);
	memcpy(out + plen + idlen, SRV_RESPONSE, slen + 1);
	return true;
}

bool srv_is_response_topic(const char *topic)
{
	const char *ids;
	size_t idlen;

	return split_topic(topic, "response", &ids, &idlen);
}

int srv_answer(const void *payload, size_t len, int64_t recv_ms, int64_t send_ms, char *out,
               size_t size, enum cdc_status *why)
{
	struct cdc_request req;

	*why = cdc_decode_request(payload, len, &req);
	if (*why != CDC_OK)
		return -1;
	return cdc_encode_response(out, size, &req, recv_ms, send_ms);
}

bool srv_time_now(const struct srv_clock *c, const struct timespec *system_now, int64_t raw_now_ns,
                  struct timespec *out)
{
	if (c->authoritative) {
		*out = *system_now;
		return true;
	}
	if (c->plugin_synced) {
		*out = xch_timespec_add(&c->platform_at_sample, raw_now_ns - c->sample_raw_ns);
		return true;
	}
	if (c->kernel_synced) {
		*out = *system_now;
		return true;
	}
	return false;
}
