/* SPDX-License-Identifier: Apache-2.0 */
#include "serve.h"

#include "exchange.h"

int srv_answer(const struct dlc_dialect *d, const void *payload, size_t len, int64_t recv_ms,
               int64_t send_ms, char *out, size_t size, enum dlc_status *why)
{
	struct dlc_request req;

	*why = d->decode_request(payload, len, &req);
	if (*why != DLC_OK)
		return -1;
	return d->encode_response(&req, recv_ms, send_ms, out, size);
}

bool srv_time_now(const struct srv_clock *c, const struct timespec *system_now, int64_t raw_now_ns,
                  int64_t *out_ns)
{
	int64_t system_ns = (int64_t)system_now->tv_sec * XCH_NS_PER_S + system_now->tv_nsec;

	if (c->authoritative) {
		*out_ns = system_ns;
		return true;
	}
	if (c->plugin_synced) {
		*out_ns = est_at(&c->line, raw_now_ns);
		return true;
	}
	if (c->kernel_synced) {
		*out_ns = system_ns;
		return true;
	}
	return false;
}
