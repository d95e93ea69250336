/* SPDX-License-Identifier: Apache-2.0 */
#include "serve_status.h"

#include <stdio.h>

int sst_format(char *buf, size_t size, const struct srv_stats *s)
{
	int n = snprintf(buf, size,
	                 "{\"role\":\"serve\",\"requests_received\":%llu,\"answered\":%llu,"
	                 "\"rate_limited\":%llu,\"bad_request\":%llu,\"unsynced\":%llu}",
	                 s->received, s->answered, s->rate_limited, s->bad_request, s->unsynced);
	return (n < 0 || (size_t)n >= size) ? -1 : n;
}
