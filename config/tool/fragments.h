/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fragments: the mosquitto.conf and chrony.conf fragments that connect a gateway to the
 * platform and feed its time to chronyd. Rendering only: the caller checked every value.
 */
#ifndef IOTNTP_FRAGMENTS_H
#define IOTNTP_FRAGMENTS_H

#include <stdio.h>

#include "carry.h"
#include "credentials.h"

#define FRAG_DEFAULT_SOCKET "/run/chrony.iotntp.sock"

struct frag_mosquitto {
	/* The platform: its bridge and login (the credentials table), its topics (the plugin's
	 * dialect of the same name) and the plugin's options that name the device. */
	const struct crd_platform *platform;
	const struct crd_identity *who;
	const struct crd_login *login; /* from platform->sign */
	const char *host;
	unsigned port;
	unsigned keepalive_s;
	const char *ca_file; /* absolute: mosquitto may start in any directory; NULL with PSK */
	const char *plugin_path;
	const char *refclock_socket;
	/* The bridge's local client id, random per gateway (see bridge_id.h); the plugin trusts
	 * answers that arrive through it only. */
	const char *bridge_client_id;
	/* The gateway's other topics on the platform, carried over the same bridge. */
	const struct carry_topic *carry;
	int n_carry;
};

struct frag_chrony {
	const char *refclock_socket;
	const char *const *allow; /* networks chronyd serves NTP to */
	int n_allow;
};

/* Writes the mosquitto.conf fragment: bridge and plugin. Returns 0, or -1 on a write error or
 * when the platform's dialect cannot name the identity's topics. */
int frag_mosquitto_write(FILE *out, const struct frag_mosquitto *m);

/* Writes the chrony.conf fragment: the SOCK refclock and allow lines. Returns 0 or -1. */
int frag_chrony_write(FILE *out, const struct frag_chrony *c);

#endif
