/*
 * serve: the platform's side of the exchange, for the emulated platform.
 *
 * A request on /ext/ntp/{pk}/{dn}/request is answered on /ext/ntp/{pk}/{dn}/response with the
 * echoed deviceSendTime and the receive and send times in ms.
 */
#ifndef IOTNTP_SERVE_H
#define IOTNTP_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec.h"

/* Room for a response topic built from any request topic accepted. */
#define SRV_TOPIC_SIZE 300

/* Whether topic is a request topic; if so writes the matching response topic into out. */
bool srv_response_topic(const char *topic, char *out, size_t size);

/* Builds the answer to a request payload; returns its length, or -1 with *why set. */
int srv_answer(const void *payload, size_t len, int64_t recv_ms, int64_t send_ms, char *out,
               size_t size, enum cdc_status *why);

#endif
