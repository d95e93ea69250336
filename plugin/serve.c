#include "serve.h"

#include <stdio.h>
#include <string.h>

#define SRV_PREFIX "/ext/ntp/"
#define SRV_SUFFIX "/request"

bool srv_response_topic(const char *topic, char *out, size_t size)
{
	size_t plen = sizeof(SRV_PREFIX) - 1;
	size_t slen = sizeof(SRV_SUFFIX) - 1;
	size_t tlen = strlen(topic);

	if (tlen <= plen + slen || strncmp(topic, SRV_PREFIX, plen) != 0 ||
	    strcmp(topic + tlen - slen, SRV_SUFFIX) != 0)
		return false;

	/* Between prefix and suffix: exactly "{pk}/{dn}", both non-empty. */
	const char *ids = topic + plen;
	size_t idlen = tlen - plen - slen;
	const char *slash = memchr(ids, '/', idlen);
	if (slash == NULL || slash == ids || slash == ids + idlen - 1 ||
	    memchr(slash + 1, '/', (size_t)(ids + idlen - slash - 1)) != NULL)
		return false;

	int n = snprintf(out, size, SRV_PREFIX "%.*s/response", (int)idlen, ids);
	return n > 0 && (size_t)n < size;
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
