/* SPDX-License-Identifier: Apache-2.0 */
/*
 * options: the plugin_opt_* lines of mosquitto.conf, parsed and checked.
 *
 * Every option is checked at start; the first bad one is reported in one message that names
 * it and says what is wrong, so the broker refuses to start rather than run half-configured.
 */
#ifndef IOTNTP_OPTIONS_H
#define IOTNTP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dialect.h"

#define OPT_MAX_NAME   64  /* product key, device name, product id */
#define OPT_MAX_ID     128 /* device id: Huawei's may have 128 characters */
#define OPT_MAX_CLIENT 128 /* MQTT client id of the bridge */
#define OPT_MAX_TOPIC  256
#define OPT_MAX_PATH   108 /* sun_path of a Unix socket */
#define OPT_ERR_SIZE   256

#define OPT_DEFAULT_SOCKET       "/run/chrony.iotntp.sock"
#define OPT_DEFAULT_STATUS_TOPIC "iotntp/status"
/* 0: the poll adapts within the budget (schedule.h). */
#define OPT_DEFAULT_POLL_S 0
#define OPT_DEFAULT_BURST  4
/* Requests a day: 4 every 64 s, or the window's 256 exchanges in about an hour. */
#define OPT_DEFAULT_MAX_REQUESTS 5400
#define OPT_DEFAULT_SPACING_MS   200
#define OPT_DEFAULT_TIMEOUT_MS   3000
#define OPT_DEFAULT_MAX_RTT_MS   1000
#define OPT_DEFAULT_FAILED_POLLS 3
/* The 'delay' of the shipped chrony refclock line, in ms. */
#define OPT_DEFAULT_REFCLOCK_DELAY_MS 50
#define OPT_DEFAULT_SERVE_RATE        2
#define OPT_DEFAULT_SERVE_BURST       8
#define OPT_DEFAULT_SERVE_CLIENTS     256
#define OPT_DEFAULT_SERVE_TOTAL       500

enum opt_role { OPT_ROLE_SYNC, OPT_ROLE_SERVE };

/* A key and value as mosquitto hands them over (prefix plugin_opt_ removed). */
struct opt_pair {
	const char *key;
	const char *value;
};

struct opt_config {
	enum opt_role role;
	const struct dlc_dialect *dialect; /* plugin_opt_platform's: its topics and payloads */
	/* The gateway's identity on its platform, in the platform's own words; options.c says
	 * which platform takes which. Empty: not given. */
	char product_key[OPT_MAX_NAME + 1];
	char device_name[OPT_MAX_NAME + 1];
	char product_id[OPT_MAX_NAME + 1];
	char device_id[OPT_MAX_ID + 1];
	char bridge_client_id[OPT_MAX_CLIENT + 1];
	char refclock_socket[OPT_MAX_PATH];
	char request_topic[OPT_MAX_TOPIC + 1];
	char response_topic[OPT_MAX_TOPIC + 1];
	char status_topic[OPT_MAX_TOPIC + 1];
	bool status_topic_given; /* not the default: the serve role publishes its own status */
	char exchange_topic[OPT_MAX_TOPIC + 1]; /* empty: each exchange is not published */
	unsigned max_requests_per_day;          /* requests in any 24 hours at most */
	unsigned poll_interval_s;               /* 0: adapts within the budget */
	unsigned burst;
	unsigned burst_spacing_ms;
	unsigned response_timeout_ms;
	unsigned max_rtt_ms;
	unsigned max_failed_polls;
	unsigned refclock_delay_ms; /* chrony's refclock 'delay': half of it must cover the error */
	bool server_time_truncated; /* the platform's ms timestamps are truncated, not rounded */
	bool serve_lan;             /* sync role: also answer LAN devices' requests */
	bool authoritative;         /* serve whatever the clock's state (the platform emulator) */
	unsigned serve_rate;        /* answers per second per client id */
	unsigned serve_burst;       /* answers in a row per client id */
	unsigned serve_max_clients; /* client ids tracked for rate limiting */
	unsigned serve_total_rate;  /* answers per second, all clients together */
};

/* Fills cfg from the pairs; returns 0, or -1 with a one-line reason in err. */
int opt_parse(struct opt_config *cfg, const struct opt_pair *pairs, int count, char *err,
              size_t errlen);

#endif
