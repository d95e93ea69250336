/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_options: the plugin_opt_* lines of mosquitto.conf. The input is lines of
 * "key value" (the value is what follows the first space; a line without one has a NULL
 * value), handed to opt_parse as mosquitto hands the options over.
 *
 * Besides crashes, leaks and undefined behaviour, checked: a refusal comes with a reason; an
 * accepted configuration has terminated strings, numbers in range, and in the sync role the
 * topics and the timing constraints opt_parse promises.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "fuzz_check.h"

#define MAX_PAIRS 40

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A heap copy of n bytes and a NUL, so a read past the end is caught. */
static char *copy(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);
	if (s != NULL) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

static bool terminated(const char *field, size_t size)
{
	return memchr(field, '\0', size) != NULL;
}

static void check_config(const struct opt_config *c)
{
	CHECK(c->role == OPT_ROLE_SYNC || c->role == OPT_ROLE_SERVE);
	CHECK(terminated(c->product_key, sizeof(c->product_key)));
	CHECK(terminated(c->device_name, sizeof(c->device_name)));
	CHECK(terminated(c->bridge_client_id, sizeof(c->bridge_client_id)));
	CHECK(terminated(c->refclock_socket, sizeof(c->refclock_socket)));
	CHECK(terminated(c->request_topic, sizeof(c->request_topic)));
	CHECK(terminated(c->response_topic, sizeof(c->response_topic)));
	CHECK(terminated(c->status_topic, sizeof(c->status_topic)));
	CHECK(c->refclock_socket[0] == '/');
	/* 0: the poll adapts. */
	CHECK(c->poll_interval_s == 0 || (c->poll_interval_s >= 2 && c->poll_interval_s <= 86400));
	CHECK(c->burst >= 1 && c->burst <= 16);
	CHECK(c->burst_spacing_ms >= 10 && c->burst_spacing_ms <= 10000);
	CHECK(c->response_timeout_ms >= 100 && c->response_timeout_ms <= 60000);
	CHECK(c->max_rtt_ms >= 1 && c->max_rtt_ms <= 60000);
	CHECK(c->max_failed_polls >= 1 && c->max_failed_polls <= 1000);
	if (c->role != OPT_ROLE_SYNC)
		return;
	CHECK(c->product_key[0] != '\0' && c->device_name[0] != '\0');
	CHECK(c->bridge_client_id[0] != '\0');
	CHECK(c->request_topic[0] != '\0' && c->response_topic[0] != '\0');
	CHECK(strcmp(c->request_topic, c->response_topic) != 0);
	CHECK(strpbrk(c->request_topic, "+#") == NULL && strpbrk(c->response_topic, "+#") == NULL);
	CHECK(c->max_rtt_ms <= c->response_timeout_ms);
	/* The sync role always has a budget, and a fixed poll keeps within it. */
	CHECK(c->max_requests_per_day >= 24 && c->max_requests_per_day <= 691200 * 2);
	if (c->poll_interval_s == 0)
		return;
	CHECK((uint64_t)(c->burst - 1) * c->burst_spacing_ms + c->response_timeout_ms <
	      (uint64_t)c->poll_interval_s * 1000);
	CHECK((uint64_t)86400 * c->burst / c->poll_interval_s <= c->max_requests_per_day);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opt_pair pairs[MAX_PAIRS];
	char *owned[2 * MAX_PAIRS];
	int count = 0, nowned = 0;
	size_t pos = 0;

	while (pos < size && count < MAX_PAIRS) {
		const uint8_t *line = data + pos;
		const uint8_t *nl = memchr(line, '\n', size - pos);
		size_t len = nl != NULL ? (size_t)(nl - line) : size - pos;
		const uint8_t *sp = memchr(line, ' ', len);
		size_t klen = sp != NULL ? (size_t)(sp - line) : len;

		pairs[count].key = owned[nowned++] = copy(line, klen);
		pairs[count].value = NULL;
		if (sp != NULL)
			pairs[count].value = owned[nowned++] = copy(sp + 1, len - klen - 1);
		count++;
		pos += len + 1;
	}

	struct opt_config *cfg = malloc(sizeof(*cfg));
	char *err = malloc(OPT_ERR_SIZE);
	if (cfg != NULL && err != NULL) {
		err[0] = '\0';
		if (opt_parse(cfg, pairs, count, err, OPT_ERR_SIZE) == 0)
			check_config(cfg);
		else
			CHECK(err[0] != '\0' && terminated(err, OPT_ERR_SIZE));

		/* A short error buffer truncates the reason, it is not overrun. */
		char small[8];
		if (opt_parse(cfg, pairs, count, small, sizeof(small)) != 0)
			CHECK(terminated(small, sizeof(small)));
	}
	free(err);
	free(cfg);
	for (int i = 0; i < nowned; i++)
		free(owned[i]);
	return 0;
}
