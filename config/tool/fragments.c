/* SPDX-License-Identifier: Apache-2.0 */
#include "fragments.h"

#include "dialect.h"

int frag_mosquitto_write(FILE *out, const struct frag_mosquitto *m)
{
	const char *pk = m->product_key;
	const char *dn = m->device_name;

	fprintf(
	    out,
	    "# iotntp on this gateway: the plugin in its sync role and the bridge to the IoT\n"
	    "# platform for ProductKey %s, DeviceName %s. Written by iotntp-config.\n"
	    "# This file holds the device's MQTT password: keep it mode 0640, group mosquitto.\n"
	    "\n"
	    "# Mosquitto 2.0 does not call plugins for messages from a bridge when\n"
	    "# per_listener_settings is true: it must stay false for the plugin to see answers.\n"
	    "per_listener_settings false\n"
	    "\n",
	    pk, dn);
	fprintf(
	    out,
	    "plugin %s\n"
	    "plugin_opt_product_key %s\n"
	    "plugin_opt_device_name %s\n"
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
	    m->plugin_path, pk, dn, m->bridge_client_id, m->refclock_socket);
	fprintf(out,
	        "connection iotplatform\n"
	        "address %s:%u\n"
	        "local_clientid %s\n"
	        "bridge_protocol_version mqttv311\n"
	        "# TLS, verifying the platform's certificate against this CA.\n"
	        "bridge_cafile %s\n"
	        "bridge_insecure false\n"
	        "bridge_tls_version tlsv1.2\n",
	        m->host, m->port, m->bridge_client_id, m->ca_file);
	fprintf(
	    out,
	    "# securemode=2 is TLS. The signature covers the identity alone, with no timestamp:\n"
	    "# the gateway's clock is exactly what may be wrong when it first connects.\n"
	    "remote_clientid %s|securemode=2,signmethod=%s|\n"
	    "remote_username %s&%s\n"
	    "remote_password %s\n",
	    m->client_id, sig_method_name(m->method), dn, pk, m->password);
	fprintf(
	    out,
	    "# The platform is not a Mosquitto broker: no bridge extensions, no $SYS\n"
	    "# notifications, and nothing to unsubscribe from in a clean session.\n"
	    "try_private false\n"
	    "notifications false\n"
	    "cleansession true\n"
	    "bridge_attempt_unsubscribe false\n"
	    "# The platform accepts a keep-alive of 30 to 1200 s.\n"
	    "keepalive_interval %u\n"
	    "# Back off up to 2 minutes, so that a refused login does not hammer the platform.\n"
	    "restart_timeout 5 120\n",
	    m->keepalive_s);
	/* The topics the plugin's dialect names: one scheme for both. */
	const struct dlc_dialect *aliyun = dlc_find("aliyun");
	const struct dlc_identity who = {.product = pk, .device = dn};
	char request[DLC_TOPIC_SIZE], response[DLC_TOPIC_SIZE];
	if (aliyun->topic(&who, DLC_REQUEST, request, sizeof(request)) < 0 ||
	    aliyun->topic(&who, DLC_RESPONSE, response, sizeof(response)) < 0)
		return -1;
	fprintf(out, "topic %s out 0\ntopic %s in 0\n", request, response);
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
