/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mosquitto_iotntp: the plugin's three entry points, and nothing else.
 *
 * Options are read once here; the roles chosen by them do the work (broker_sync.c,
 * broker_serve.c), and broker_route.c hands each message to the role concerned. Everything
 * else in the plugin is pure logic with no broker dependency.
 */
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
#include <stdlib.h>

#include "broker_route.h"
#include "broker_serve.h"
#include "broker_sync.h"
#include "options.h"

#define IOTNTP_EXPORT __attribute__((visibility("default")))

struct ipl_plugin {
	struct bsy_role *sync;
	struct bsv_role *serve;
	struct brt_router *router;
};

IOTNTP_EXPORT int mosquitto_plugin_version(int supported_version_count,
                                           const int *supported_versions)
{
	for (int i = 0; i < supported_version_count; i++) {
		if (supported_versions[i] == 5)
			return 5;
	}
	return -1;
}

IOTNTP_EXPORT int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata,
                                        struct mosquitto_opt *options, int option_count)
{
	struct opt_config cfg;
	char err[OPT_ERR_SIZE];
	int rc = MOSQ_ERR_INVAL;

	struct opt_pair *pairs =
	    calloc((size_t)(option_count > 0 ? option_count : 1), sizeof(*pairs));
	struct ipl_plugin *p = calloc(1, sizeof(*p));
	if (pairs == NULL || p == NULL) {
		mosquitto_log_printf(MOSQ_LOG_ERR, "iotntp: out of memory");
		rc = MOSQ_ERR_NOMEM;
		goto out;
	}
	for (int i = 0; i < option_count; i++) {
		pairs[i].key = options[i].key;
		pairs[i].value = options[i].value;
	}
	if (opt_parse(&cfg, pairs, option_count, err, sizeof(err)) != 0) {
		mosquitto_log_printf(MOSQ_LOG_ERR, "iotntp: bad configuration: %s", err);
		goto out;
	}
	if (cfg.role == OPT_ROLE_SYNC) {
		p->sync = bsy_start(identifier, &cfg);
		if (p->sync == NULL)
			goto out;
	}
	if (cfg.role == OPT_ROLE_SERVE || cfg.serve_lan) {
		p->serve = bsv_start(identifier, &cfg, p->sync,
		                     cfg.role == OPT_ROLE_SERVE && cfg.status_topic_given);
		if (p->serve == NULL)
			goto out;
	}
	p->router = brt_start(identifier, &cfg, p->sync, p->serve);
	if (p->router == NULL)
		goto out;
	if (p->sync != NULL)
		bsy_show_stats(p->sync, p->serve != NULL ? bsv_stats(p->serve) : NULL,
		               brt_stats(p->router));

	*userdata = p;
	p = NULL;
	rc = MOSQ_ERR_SUCCESS;
out:
	if (p != NULL) {
		brt_stop(p->router);
		bsv_stop(p->serve);
		bsy_stop(p->sync);
	}
	free(p);
	free(pairs);
	return rc;
}

IOTNTP_EXPORT int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *options,
                                           int option_count)
{
	struct ipl_plugin *p = userdata;

	(void)options;
	(void)option_count;
	if (p == NULL)
		return MOSQ_ERR_SUCCESS;
	/* The router hands messages to both roles, and the serve role reads the sync role's
	 * time: each goes before what it uses. */
	brt_stop(p->router);
	bsv_stop(p->serve);
	bsy_stop(p->sync);
	free(p);
	return MOSQ_ERR_SUCCESS;
}
