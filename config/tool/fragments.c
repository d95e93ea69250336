/* SPDX-License-Identifier: Apache-2.0 */
#include "fragments.h"

#include <string.h>

#include "dialect.h"

/* "ProductKey a1B2c3D4e5F, DeviceName gw-01", or "device_id 6123_gw01". */
static void identity_text(const struct frag_mosquitto *m, char *out, size_t size)
{
	const struct crd_platform *p = m->platform;

	if (p->product.word != NULL)
		snprintf(out, size, "%s %s, %s %s", p->product.word, m->who->product,
		         p->device.word, m->who->device);
	else
		snprintf(out, size, "%s %s", p->device.word, m->who->device);
}

/* Writes text as comment lines, "# " before each line. */
static void comment(FILE *out, const char *text)
{
	for (const char *line = text; *line != '\0';) {
		size_t n = strcspn(line, "\n");
		fprintf(out, "# %.*s\n", (int)n, line);
		line += n;
		if (*line == '\n')
			line++;
	}
}

static void write_plugin(FILE *out, const struct frag_mosquitto *m)
{
	const struct crd_platform *p = m->platform;

	fprintf(out, "plugin %s\n", m->plugin_path);
	/* The plugin's default platform is the first: its fragments name none, and read as
	 * they always have. */
	if (p != crd_all[0])
		fprintf(out,
		        "# The platform, whose time service the plugin speaks and whose names for\n"
		        "# the device it takes: %s.\n"
		        "plugin_opt_platform %s\n",
		        p->title, p->name);
	if (p->product.plugin != NULL)
		fprintf(out, "plugin_opt_%s %s\n", p->product.plugin, m->who->product);
	fprintf(out, "plugin_opt_%s %s\n", p->device.plugin, m->who->device);
	fprintf(
	    out,
	    "# Must equal local_clientid below: only answers arriving through the bridge count.\n"
	    "# Random for each gateway: a client that knows it can take it over and disconnect\n"
	    "# the uplink until the bridge reconnects, though never move the time.\n"
	    "# iotntp-config --bridge-client-id writes the same id again.\n"
	    "plugin_opt_bridge_client_id %s\n"
	    "plugin_opt_refclock_socket %s\n"
	    "# Answer LAN devices that speak the platform's protocol, while the gateway knows\n"
	    "# the time. The other options keep their defaults (see iotntp's README).\n"
	    "plugin_opt_serve_lan true\n"
	    "\n",
	    m->bridge_client_id, m->refclock_socket);
}

static void write_tls(FILE *out, const struct frag_mosquitto *m)
{
	if (m->platform->tls == CRD_TLS_PSK) {
		fprintf(out,
		        "# TLS with the device key as pre-shared key: no certificate, and no CA.\n"
		        "bridge_identity %s\n"
		        "bridge_psk %s\n"
		        "bridge_tls_version tlsv1.2\n",
		        m->login->psk_identity, m->login->psk_hex);
		return;
	}
	fprintf(out,
	        "# TLS, verifying the platform's certificate against this CA.\n"
	        "bridge_cafile %s\n"
	        "bridge_insecure false\n"
	        "bridge_tls_version tlsv1.2\n",
	        m->ca_file);
}

int frag_mosquitto_write(FILE *out, const struct frag_mosquitto *m)
{
	const struct crd_platform *p = m->platform;
	const struct crd_login *l = m->login;
	char who[2 * CRD_FIELD_SIZE];

	/* The topics the plugin's dialect names: one scheme for both. */
	const struct dlc_dialect *d = dlc_find(p->name);
	const struct dlc_identity id = {.product = m->who->product, .device = m->who->device};
	char request[DLC_TOPIC_SIZE], response[DLC_TOPIC_SIZE];
	if (d == NULL || d->topic(&id, DLC_REQUEST, request, sizeof(request)) < 0 ||
	    d->topic(&id, DLC_RESPONSE, response, sizeof(response)) < 0)
		return -1;

	identity_text(m, who, sizeof(who));
	fprintf(
	    out,
	    "# iotntp on this gateway: the plugin in its sync role and the bridge to the IoT\n"
	    "# platform for %s. Written by iotntp-config.\n"
	    "# This file holds the device's %s: keep it mode 0640, group mosquitto.\n"
	    "\n"
	    "# Mosquitto 2.0 does not call plugins for messages from a bridge when\n"
	    "# per_listener_settings is true: it must stay false for the plugin to see answers.\n"
	    "per_listener_settings false\n"
	    "\n",
	    who, p->tls == CRD_TLS_PSK ? "key" : "MQTT password");
	write_plugin(out, m);
	fprintf(out,
	        "connection iotplatform\n"
	        "address %s:%u\n"
	        "local_clientid %s\n"
	        "bridge_protocol_version mqttv311\n",
	        m->host, m->port, m->bridge_client_id);
	write_tls(out, m);
	comment(out, p->login_comment);
	fprintf(out, "remote_clientid %s\nremote_username %s\n", l->client_id, l->username);
	if (l->password[0] != '\0')
		fprintf(out, "remote_password %s\n", l->password);
	fprintf(
	    out,
	    "# The platform is not a Mosquitto broker: no bridge extensions, no $SYS\n"
	    "# notifications, and nothing to unsubscribe from in a clean session.\n"
	    "try_private false\n"
	    "notifications false\n"
	    "cleansession true\n"
	    "bridge_attempt_unsubscribe false\n"
	    "# The platform accepts a keep-alive of %u to %u s.\n"
	    "keepalive_interval %u\n"
	    "# Back off up to 2 minutes, so that a refused login does not hammer the platform.\n"
	    "restart_timeout 5 120\n",
	    p->keepalive_min, p->keepalive_max, m->keepalive_s);
	/* Requests go out at the QoS the plugin sends them with (dialect.h, request_qos: 1 on
	 * Huawei, as its SDK sends everything, else 0), and answers are subscribed to at the
	 * same. */
	fprintf(out, "topic %s out %d\ntopic %s in %d\n", request, d->request_qos, response,
	        d->request_qos);
	if (m->n_carry > 0)
		fprintf(
		    out,
		    "# The gateway's other topics on the platform (--carry-topic): the platform\n"
		    "# takes one connection per device, so they share this one. QoS 1 keeps\n"
		    "# each message's own, 0 or 1, the most any of the platforms takes.\n");
	for (int i = 0; i < m->n_carry; i++)
		fprintf(out, "topic %s %s 1\n", m->carry[i].pattern,
		        carry_direction_name(m->carry[i].direction));
	return fflush(out) != 0 || ferror(out) ? -1 : 0;
}

int frag_chrony_write(FILE *out, const struct frag_chrony *c)
{
	fprintf(out,
	        "# iotntp's time source for chronyd. Written by iotntp-config; install as\n"
	        "# /etc/chrony/conf.d/iotntp.conf. The options are explained in iotntp's\n"
	        "# config/chrony/iotntp.conf (/usr/share/iotntp/chrony/iotntp.conf).\n"
	        "refclock SOCK %s refid IOT poll 0 filter 1 precision 1e-3 delay 0.05 stratum 2\n",
	        c->refclock_socket);
	if (c->n_allow > 0)
		fprintf(out, "\n# Serve NTP to these networks.\n");
	for (int i = 0; i < c->n_allow; i++)
		fprintf(out, "allow %s\n", c->allow[i]);
	return fflush(out) != 0 || ferror(out) ? -1 : 0;
}
