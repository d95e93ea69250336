/* SPDX-License-Identifier: Apache-2.0 */
#include "endpoint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The regions with public instances, as the platform's documentation lists them. An enterprise
 * instance, or a region added later, is reached with --host and its own endpoint instead.
 */
static const char *const regions[] = {
    "cn-shanghai",    /* China (Shanghai) */
    "ap-southeast-1", /* Singapore */
    "ap-northeast-1", /* Japan (Tokyo) */
    "us-west-1",      /* US (Silicon Valley) */
    "us-east-1",      /* US (Virginia) */
    "eu-central-1",   /* Germany (Frankfurt) */
};

#define N_REGIONS (sizeof(regions) / sizeof(regions[0]))

int ep_region_known(const char *region)
{
	for (size_t i = 0; i < N_REGIONS; i++) {
		if (strcmp(regions[i], region) == 0)
			return 1;
	}
	return 0;
}

const char *ep_region_list(void)
{
	return EP_REGION_LIST;
}

int ep_region_host(char *buf, size_t size, const char *product_key, const char *region)
{
	if (!ep_region_known(region))
		return -1;
	int n = snprintf(buf, size, "%s.iot-as-mqtt.%s.aliyuncs.com", product_key, region);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int is_host_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.';
}

int ep_check_host(const char *host, char *err, size_t err_size)
{
	size_t len = strlen(host);
	size_t label = 0;

	if (len == 0) {
		snprintf(err, err_size, "--host is empty");
		return -1;
	}
	if (len > EP_HOST_MAX) {
		snprintf(err, err_size, "--host is %zu characters long; a DNS name has at most %d",
		         len, EP_HOST_MAX);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)host[i];
		if (!is_host_char(c)) {
			/* ':' included: mosquitto's address line takes no IPv6 literal or port
			 * here. */
			snprintf(err, err_size,
			         "--host: character %zu is not allowed; give a DNS name or IPv4 "
			         "address (letters, digits, '-' and '.'), and the port with --port",
			         i + 1);
			return -1;
		}
		if (c == '.') {
			if (label == 0) {
				snprintf(err, err_size, "--host '%s' has an empty label", host);
				return -1;
			}
			label = 0;
			continue;
		}
		if (++label > 63) {
			snprintf(err, err_size, "--host '%s' has a label over 63 characters", host);
			return -1;
		}
	}
	if (label == 0) {
		snprintf(err, err_size, "--host '%s' ends with '.'", host);
		return -1;
	}
	return 0;
}

int ep_parse_port(const char *text, unsigned *port, char *err, size_t err_size)
{
	char *end;

	errno = 0;
	unsigned long v = strtoul(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 || v < 1 || v > 65535) {
		snprintf(err, err_size, "--port '%s' is not a TCP port (1 to 65535)", text);
		return -1;
	}
	*port = (unsigned)v;
	return 0;
}

const char *ep_port_warning(unsigned port)
{
	if (port != EP_GLOBALSIGN_PORT)
		return NULL;
	return "port 1883 pairs with the GlobalSign Root CA - R1, which expires on 2028-01-28: "
	       "a bridge verifying against it will stop connecting then. Port 8883, the default, "
	       "uses the platform's own root CA.";
}
