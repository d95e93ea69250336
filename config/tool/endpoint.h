/* SPDX-License-Identifier: Apache-2.0 */
/*
 * endpoint: where the bridge connects, a public instance's region or an instance's own host.
 */
#ifndef IOTNTP_ENDPOINT_H
#define IOTNTP_ENDPOINT_H

#include <stddef.h>

#define EP_HOST_MAX        253 /* longest DNS name */
#define EP_DEFAULT_PORT    8883
#define EP_GLOBALSIGN_PORT 1883

/* The regions of the public instances, for messages (endpoint.c's table, in its order). */
#define EP_REGION_LIST                                                                             \
	"cn-shanghai, ap-southeast-1, ap-northeast-1, us-west-1, us-east-1, eu-central-1"

/* Returns 1 if region is one the public instances are in, else 0. */
int ep_region_known(const char *region);

/* The region IDs ep_region_known accepts, comma-separated, for messages. */
const char *ep_region_list(void);

/* Writes a public instance's MQTT host for the product and region; 0, or -1 if unknown. */
int ep_region_host(char *buf, size_t size, const char *product_key, const char *region);

/* Checks a DNS name or IPv4 address for the bridge's address line; 0, or -1 with err set. */
int ep_check_host(const char *host, char *err, size_t err_size);

/* Parses a TCP port 1 to 65535; 0, or -1 with err set. */
int ep_parse_port(const char *text, unsigned *port, char *err, size_t err_size);

/* A warning the operator must see for this port, or NULL when there is none. */
const char *ep_port_warning(unsigned port);

#endif
