/* SPDX-License-Identifier: Apache-2.0 */
/*
 * broker_play: the rest of the world around the plugin in the broker adapters' tests: the
 * gateway's configuration, the clients that publish to it, the platform that answers through
 * the bridge, and a chronyd stand-in that reads what the plugin feeds it.
 */
#ifndef IOTNTP_BROKER_PLAY_H
#define IOTNTP_BROKER_PLAY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "broker_stubs.h"
#include "schedule.h"

#define PLAY_BRIDGE_ID       "iotntp-bridge-0123456789abcdef0123456789abcdef"
#define PLAY_REQUEST_TOPIC   "/ext/ntp/gwpk/gw-01/request"
#define PLAY_RESPONSE_TOPIC  "/ext/ntp/gwpk/gw-01/response"
#define PLAY_STATUS_TOPIC    "iotntp/status"
#define PLAY_DEVICE_REQUEST  "/ext/ntp/devpk/dev-01/request"
#define PLAY_DEVICE_RESPONSE "/ext/ntp/devpk/dev-01/response"
/* Requests the first poll sends, whatever the burst: it is a quick one (schedule.h). */
#define PLAY_FIRST_POLL SCH_QUICK_BURST
/* The platform's clock is this far ahead of the gateway's system clock. */
#define PLAY_OFFSET_MS 2500
/* One way through the bridge, each way. */
#define PLAY_ONE_WAY_NS (2 * 1000000LL)

extern struct mosquitto play_bridge;   /* the broker's own bridge: its id, no address */
extern struct mosquitto play_impostor; /* the bridge's id, from a network address */
extern struct mosquitto play_lan;      /* a LAN client */
extern struct mosquitto play_device;   /* a LAN device asking for the time */

/* Resets the stubs, binds the chronyd stand-in and starts the plugin with the gateway's
 * options followed by extra ("key", "value", ..., NULL); returns mosquitto_plugin_init's code. */
int play_start(void **userdata, const char *const *extra);

/* As play_start, for a gateway whose platform and identity are the test's own: the stand-in's
 * path and the bridge's id, then options (same form). */
int play_start_on(void **userdata, const char *const *options);

/* Starts the plugin with exactly these options (same form); returns its code. */
int play_start_with(void **userdata, const char *const *options);

/* Makes the next start's first registration for event fail. */
void play_fail_next_register(int event);

/* Cleans the plugin up and removes the chronyd stand-in. */
void play_stop(void *userdata);

/* Called before each genuine answer reaches the plugin, with the request's id and the answer;
 * a test uses it to get there first. */
typedef void (*play_hook)(int64_t id, const char *answer);

/* Plays one poll: ticks every 10 ms and answers each request the plugin sends through the
 * bridge, PLAY_ONE_WAY_NS each way, until the plugin publishes a status; returns that
 * status, parsed (the caller frees it), or NULL. */
cJSON *play_poll(play_hook before_answer);

/* The last status on the status topic from publish index from on, parsed; NULL if none. */
cJSON *play_status(int from);

/* The last message on topic, parsed; NULL if none. */
cJSON *play_status_on(const char *topic);

/* A number in a status, reached by a path of names ("dropped_by", "impostor", NULL); NaN if
 * absent. */
double play_number(const cJSON *status, ...);

/* The platform's answer to request id, stamped now on its clock. */
void play_answer(char *buf, size_t size, int64_t id);

/* Reads the next sample the plugin sent to the chronyd stand-in; false if none is waiting. */
bool play_chrony_sample(double *offset_s);

/* The system clock now, in whole ms. */
int64_t play_real_ms(void);

#endif
