/* SPDX-License-Identifier: Apache-2.0 */
#include "cli_args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"
#include "fragments.h"

enum cli_opt {
	OPT_PLATFORM,
	OPT_PRODUCT_KEY,
	OPT_PRODUCT_ID,
	OPT_DEVICE_NAME,
	OPT_DEVICE_ID,
	OPT_SECRET_FILE,
	OPT_REGION,
	OPT_HOST,
	OPT_PORT,
	OPT_CA_FILE,
	OPT_CLIENT_ID,
	OPT_SIGNMETHOD,
	OPT_KEEPALIVE,
	OPT_PLUGIN,
	OPT_REFCLOCK_SOCKET,
	OPT_BRIDGE_CLIENT_ID,
	OPT_CARRY_TOPIC,
	OPT_ALLOW,
	OPT_OUTPUT,
	OPT_COUNT
};

#define FOR_MOSQUITTO (1u << CLI_MOSQUITTO)
#define FOR_CHRONY    (1u << CLI_CHRONY)

/* Names match whole: no abbreviations, so "--secret" can never be taken for a file name. */
static const struct {
	const char *name;
	unsigned commands;
} opts[OPT_COUNT] = {
    [OPT_PLATFORM] = {"--platform", FOR_MOSQUITTO},
    [OPT_PRODUCT_KEY] = {"--product-key", FOR_MOSQUITTO},
    [OPT_PRODUCT_ID] = {"--product-id", FOR_MOSQUITTO},
    [OPT_DEVICE_NAME] = {"--device-name", FOR_MOSQUITTO},
    [OPT_DEVICE_ID] = {"--device-id", FOR_MOSQUITTO},
    [OPT_SECRET_FILE] = {"--secret-file", FOR_MOSQUITTO},
    [OPT_REGION] = {"--region", FOR_MOSQUITTO},
    [OPT_HOST] = {"--host", FOR_MOSQUITTO},
    [OPT_PORT] = {"--port", FOR_MOSQUITTO},
    [OPT_CA_FILE] = {"--ca-file", FOR_MOSQUITTO},
    [OPT_CLIENT_ID] = {"--client-id", FOR_MOSQUITTO},
    [OPT_SIGNMETHOD] = {"--signmethod", FOR_MOSQUITTO},
    [OPT_KEEPALIVE] = {"--keepalive", FOR_MOSQUITTO},
    [OPT_PLUGIN] = {"--plugin", FOR_MOSQUITTO},
    [OPT_REFCLOCK_SOCKET] = {"--refclock-socket", FOR_MOSQUITTO | FOR_CHRONY},
    [OPT_BRIDGE_CLIENT_ID] = {"--bridge-client-id", FOR_MOSQUITTO},
    [OPT_CARRY_TOPIC] = {"--carry-topic", FOR_MOSQUITTO},
    [OPT_ALLOW] = {"--allow", FOR_CHRONY},
    [OPT_OUTPUT] = {"--output", FOR_MOSQUITTO | FOR_CHRONY},
};

/* Private networks, as in config/chrony/iotntp.conf; --allow replaces them. */
static const char *const default_allow[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"};

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t err_size, const char *fmt,
                                                      ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return -1;
}

static int find_opt(const char *arg, size_t name_len)
{
	for (int i = 0; i < OPT_COUNT; i++) {
		if (strlen(opts[i].name) == name_len && strncmp(opts[i].name, arg, name_len) == 0)
			return i;
	}
	return -1;
}

static const char *command_name(enum cli_command c)
{
	return c == CLI_CHRONY ? "chrony" : "mosquitto";
}

static int parse_uint(const char *text, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	unsigned long v = strtoul(text, &end, 10);
	if (*end != '\0' || errno != 0 || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* A path for a mosquitto.conf or chrony.conf line: one token, absolute where required. */
static int check_path(const char *option, const char *path, bool absolute, size_t max, char *err,
                      size_t err_size)
{
	size_t len = strlen(path);

	if (len == 0)
		return fail(err, err_size, "%s is empty", option);
	if (len > max)
		return fail(err, err_size, "%s is longer than %zu characters", option, max);
	if (absolute && path[0] != '/')
		return fail(err, err_size, "%s '%s' is not an absolute path", option, path);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c <= 0x20 || c == 0x7f)
			return fail(err, err_size,
			            "%s: character %zu is a space or control character, which a "
			            "configuration line cannot carry",
			            option, i + 1);
	}
	return 0;
}

/* A network for chrony's allow directive: an address, optionally /bits, or "all". */
static int check_allow(const char *net, char *err, size_t err_size)
{
	size_t len = strlen(net);

	if (strcmp(net, "all") == 0)
		return 0;
	if (len == 0 || len > 43)
		return fail(err, err_size, "--allow '%s' is not a network", net);
	for (size_t i = 0; i < len; i++) {
		if (strchr("0123456789abcdefABCDEF.:/", net[i]) == NULL)
			return fail(err, err_size,
			            "--allow '%s' is not a network (an address, optionally with "
			            "/bits, or all)",
			            net);
	}
	return 0;
}

static int set_value(struct cli_args *a, int opt, const char *v, char *err, size_t err_size)
{
	switch (opt) {
	case OPT_PLATFORM:
		a->platform = crd_find(v);
		if (a->platform == NULL) {
			char names[64];
			crd_names(names, sizeof(names));
			return fail(err, err_size, "--platform '%s' is none of %s", v, names);
		}
		return 0;
	/* The names, the region and the CA are the platform's business: checked once it is
	 * known (finish_mosquitto), whatever the order of the options. */
	case OPT_PRODUCT_KEY:
		a->product_key = v;
		return 0;
	case OPT_PRODUCT_ID:
		a->product_id = v;
		return 0;
	case OPT_DEVICE_NAME:
		a->device_name = v;
		return 0;
	case OPT_DEVICE_ID:
		a->device_id = v;
		return 0;
	case OPT_SECRET_FILE:
		a->secret_file = v;
		return v[0] == '\0' ? fail(err, err_size, "--secret-file is empty") : 0;
	case OPT_REGION:
		a->region = v;
		return v[0] == '\0' ? fail(err, err_size, "--region is empty") : 0;
	case OPT_HOST:
		if (ep_check_host(v, err, err_size) != 0)
			return -1;
		snprintf(a->host, sizeof(a->host), "%s", v);
		return 0;
	case OPT_PORT:
		return ep_parse_port(v, &a->port, err, err_size);
	case OPT_CA_FILE:
		a->ca_file = v;
		return check_path("--ca-file", v, false, CLI_PATH_MAX, err, err_size);
	case OPT_CLIENT_ID:
		if (strlen(v) > ID_CLIENT_ID_MAX)
			return id_check(ID_CLIENT_ID, v, err, err_size);
		snprintf(a->client_id, sizeof(a->client_id), "%s", v);
		return 0;
	case OPT_SIGNMETHOD:
		if (sig_method_parse(v, &a->method) != 0)
			return fail(err, err_size,
			            "--signmethod '%s' is neither hmacsha256 nor hmacsha1", v);
		return 0;
	case OPT_KEEPALIVE:
		if (parse_uint(v, 0, 65535, &a->keepalive_s) != 0)
			return fail(err, err_size,
			            "--keepalive '%s' is not a whole number of seconds", v);
		return 0;
	case OPT_PLUGIN:
		a->plugin_path = v;
		return check_path("--plugin", v, true, CLI_PATH_MAX, err, err_size);
	case OPT_REFCLOCK_SOCKET:
		a->refclock_socket = v;
		return check_path("--refclock-socket", v, true, CLI_SOCKET_MAX, err, err_size);
	case OPT_BRIDGE_CLIENT_ID:
		a->bridge_client_id = v;
		return bridge_id_check(v, err, err_size);
	case OPT_CARRY_TOPIC:
		if (a->n_carry == CLI_MAX_CARRY)
			return fail(err, err_size, "more than %d --carry-topic patterns",
			            CLI_MAX_CARRY);
		return carry_parse(v, &a->carry[a->n_carry++], err, err_size);
	case OPT_ALLOW:
		if (a->n_allow == CLI_MAX_ALLOW)
			return fail(err, err_size, "more than %d --allow networks", CLI_MAX_ALLOW);
		a->allow[a->n_allow++] = v;
		return check_allow(v, err, err_size);
	case OPT_OUTPUT:
		a->output = v;
		return v[0] == '\0' ? fail(err, err_size, "--output is empty") : 0;
	}
	return fail(err, err_size, "internal error: option %d", opt);
}

/* " for platform huawei", or "" for the default platform, whose messages name none. */
static const char *for_platform(const struct crd_platform *p, char *buf, size_t size)
{
	if (p == crd_all[0])
		return "";
	snprintf(buf, size, " for platform %s", p->name);
	return buf;
}

/* "--product-key and --device-name", or "--device-id": how the platform names its devices. */
static void identity_options(const struct crd_platform *p, char *buf, size_t size)
{
	if (p->product.option != NULL)
		snprintf(buf, size, "%s and %s", p->product.option, p->device.option);
	else
		snprintf(buf, size, "%s", p->device.option);
}

/* Refuses an option the platform has no use for, saying why; 0 when all apply. */
static int check_applies(const struct crd_platform *p, const bool seen[OPT_COUNT], char *err,
                         size_t err_size)
{
	static const int names[] = {OPT_PRODUCT_KEY, OPT_PRODUCT_ID, OPT_DEVICE_NAME,
	                            OPT_DEVICE_ID};
	char ids[64];

	identity_options(p, ids, sizeof(ids));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *name = opts[names[i]].name;
		bool own = (p->product.option != NULL && strcmp(name, p->product.option) == 0) ||
		           strcmp(name, p->device.option) == 0;
		if (seen[names[i]] && !own)
			return fail(err, err_size,
			            "%s is not platform %s's: it names its devices by %s", name,
			            p->name, ids);
	}
	if (!p->client_id_chosen && (seen[OPT_CLIENT_ID] || seen[OPT_SIGNMETHOD]))
		return fail(err, err_size,
		            "%s does not apply to platform %s: its login is made from the "
		            "device's identity alone",
		            seen[OPT_CLIENT_ID] ? "--client-id" : "--signmethod", p->name);
	if (p->host == NULL && seen[OPT_REGION])
		return fail(err, err_size,
		            "--region does not apply to platform %s: each instance has its own "
		            "endpoint; give it with --host",
		            p->name);
	if (p->tls == CRD_TLS_PSK && seen[OPT_CA_FILE])
		return fail(err, err_size,
		            "--ca-file does not apply to platform %s: the bridge proves the "
		            "platform by the device key, its TLS pre-shared key, with no "
		            "certificate",
		            p->name);
	return 0;
}

/* The endpoint: --host, or the platform's host for --region. */
static int find_host(struct cli_args *a, const bool seen[OPT_COUNT], char *err, size_t err_size)
{
	const struct crd_platform *p = a->platform;
	char big[1024];

	if (seen[OPT_REGION] && seen[OPT_HOST])
		return fail(err, err_size,
		            "--region and --host are alternatives: give one of them");
	if (seen[OPT_HOST])
		return 0;
	if (p->host == NULL)
		return fail(err, err_size,
		            "mosquitto needs --host for platform %s: each instance has its own "
		            "endpoint (the platform's console shows it)",
		            p->name);
	if (!seen[OPT_REGION])
		return fail(err, err_size,
		            "mosquitto needs one of --region (a public instance) or --host (an "
		            "instance's own endpoint)");
	if (p->host(&a->who, a->region, a->host, sizeof(a->host)) == 0)
		return 0;
	if (p->host(&a->who, a->region, big, sizeof(big)) == 0)
		return fail(err, err_size, "the host for --region '%s' is too long", a->region);
	return fail(err, err_size,
	            "--region '%s' is not a region iotntp-config knows%s (%s); for another "
	            "endpoint give --host",
	            a->region, p == crd_all[0] ? "" : " for this platform", p->regions);
}

/* The carried topics, against the platform's topic rules and the time service's topics. */
static int check_carried(const struct cli_args *a, char *err, size_t err_size)
{
	const struct dlc_dialect *d = dlc_find(a->platform->name);
	const struct dlc_identity id = {.product = a->who.product, .device = a->who.device};
	char request[DLC_TOPIC_SIZE], response[DLC_TOPIC_SIZE];

	if (a->n_carry == 0)
		return 0;
	if (d == NULL || d->topic(&id, DLC_REQUEST, request, sizeof(request)) < 0 ||
	    d->topic(&id, DLC_RESPONSE, response, sizeof(response)) < 0)
		return fail(err, err_size, "the platform's time topics cannot be named");
	for (int i = 0; i < a->n_carry; i++) {
		const struct carry_topic *t = &a->carry[i];
		if (carry_check(t, a->platform, &a->who, request, response, err, err_size) != 0)
			return -1;
		for (int j = 0; j < i; j++) {
			const struct carry_topic *u = &a->carry[j];
			if (carry_overlap(u, t))
				return fail(err, err_size,
				            "--carry-topic '%s:%s' and '%s:%s' carry some topics "
				            "the same way: each of their messages would be carried "
				            "twice. Give one pattern for them (both carries in and "
				            "out)",
				            carry_direction_name(u->direction), u->pattern,
				            carry_direction_name(t->direction), t->pattern);
		}
	}
	return 0;
}

/* What the mosquitto command needs beyond the options' own checks, now that the platform is
 * known. */
static int finish_mosquitto(struct cli_args *a, const bool seen[OPT_COUNT], char *err,
                            size_t err_size)
{
	const struct crd_platform *p = a->platform;
	char plat[40];
	const char *on = for_platform(p, plat, sizeof(plat));

	if (check_applies(p, seen, err, err_size) != 0)
		return -1;
	/* The platform's own options, now that no other platform's is given. */
	a->who.product = a->product_key != NULL ? a->product_key : a->product_id;
	a->who.device = a->device_name != NULL ? a->device_name : a->device_id;
	a->who.client_id = seen[OPT_CLIENT_ID] ? a->client_id : NULL;
	a->who.method = a->method;
	if (p->check(&a->who, err, err_size) != 0)
		return -1;
	const char *required[] = {p->product.option, p->device.option, "--secret-file",
	                          p->tls == CRD_TLS_CERT ? "--ca-file" : NULL};
	const bool given[] = {a->who.product != NULL, a->who.device != NULL, a->secret_file != NULL,
	                      a->ca_file != NULL};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (required[i] != NULL && !given[i])
			return fail(err, err_size, "mosquitto needs %s%s", required[i], on);
	}
	if (find_host(a, seen, err, err_size) != 0)
		return -1;
	if (p->client_id_chosen && !seen[OPT_CLIENT_ID]) {
		char id[2 * ID_CLIENT_ID_MAX + 2];
		snprintf(id, sizeof(id), "%s.%s", a->who.product, a->who.device);
		if (strlen(id) > ID_CLIENT_ID_MAX)
			return fail(
			    err, err_size,
			    "the default client id, ProductKey.DeviceName, is %zu characters "
			    "long; the platform allows %d: give --client-id",
			    strlen(id), ID_CLIENT_ID_MAX);
		snprintf(a->client_id, sizeof(a->client_id), "%s", id);
	}
	if (p->client_id_chosen)
		a->who.client_id = a->client_id;
	if (!seen[OPT_PORT])
		a->port = p->port;
	if (check_carried(a, err, err_size) != 0)
		return -1;
	/* A keepalive under 5 s, which a platform may allow, mosquitto's bridge raises to 5. */
	unsigned lo =
	    p->keepalive_min > CLI_BRIDGE_KEEPALIVE ? p->keepalive_min : CLI_BRIDGE_KEEPALIVE;
	if (a->keepalive_s < lo || a->keepalive_s > p->keepalive_max) {
		if (lo == p->keepalive_min)
			return fail(err, err_size,
			            "--keepalive %u is outside %u to %u seconds (the platform's "
			            "range)",
			            a->keepalive_s, lo, p->keepalive_max);
		return fail(err, err_size,
		            "--keepalive %u is outside %u to %u seconds (the platform's range is "
		            "%u to %u; mosquitto's bridge takes no less than %d)",
		            a->keepalive_s, lo, p->keepalive_max, p->keepalive_min,
		            p->keepalive_max, CLI_BRIDGE_KEEPALIVE);
	}
	return 0;
}

static void set_defaults(struct cli_args *a, const char *default_plugin)
{
	memset(a, 0, sizeof(*a));
	a->platform = crd_all[0];
	a->method = SIG_HMACSHA256;
	a->port = EP_DEFAULT_PORT;
	a->keepalive_s = CLI_KEEPALIVE_DEFAULT;
	a->plugin_path = default_plugin;
	a->refclock_socket = FRAG_DEFAULT_SOCKET;
}

int cli_parse(struct cli_args *a, int argc, char *const argv[], const char *default_plugin,
              char *err, size_t err_size)
{
	bool seen[OPT_COUNT] = {false};
	int i = 1;

	set_defaults(a, default_plugin);
	if (argc < 2)
		return fail(err, err_size, "give a command: mosquitto or chrony");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		a->help = true;
		return 0;
	}
	if (strcmp(argv[1], "mosquitto") == 0)
		a->command = CLI_MOSQUITTO;
	else if (strcmp(argv[1], "chrony") == 0)
		a->command = CLI_CHRONY;
	else if (argv[1][0] == '-')
		return fail(err, err_size, "give the command, mosquitto or chrony, first");
	else
		return fail(err, err_size, "unknown command '%s': give mosquitto or chrony",
		            argv[1]);

	for (i = 2; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			a->help = true;
			return 0;
		}
		if (strncmp(arg, "--", 2) != 0)
			return fail(err, err_size, "unexpected argument %d: options start with --",
			            i);
		/* Only the name of an option goes into a message: its value may be a secret. */
		const char *eq = strchr(arg, '=');
		size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		int opt = find_opt(arg, name_len);
		if (opt < 0) {
			if (strncmp(arg, "--secret", 8) == 0 ||
			    strncmp(arg, "--password", 10) == 0 ||
			    strncmp(arg, "--device-secret", 15) == 0 ||
			    strncmp(arg, "--device-key", 12) == 0 ||
			    strncmp(arg, "--psk", 5) == 0 || strncmp(arg, "--key", 5) == 0)
				return fail(
				    err, err_size,
				    "the device's secret is never taken from the command line, "
				    "where ps shows it to every user: use --secret-file FILE, or "
				    "--secret-file - to read it from standard input");
			return fail(err, err_size, "unknown option %.*s", (int)name_len, arg);
		}
		if (!(opts[opt].commands & (1u << a->command)))
			return fail(err, err_size, "%s does not apply to the %s command",
			            opts[opt].name, command_name(a->command));
		if (seen[opt] && opt != OPT_ALLOW && opt != OPT_CARRY_TOPIC)
			return fail(err, err_size, "%s is given twice", opts[opt].name);
		seen[opt] = true;
		const char *value = eq != NULL ? eq + 1 : NULL;
		if (value == NULL) {
			if (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0)
				return fail(err, err_size, "%s needs a value", opts[opt].name);
			value = argv[++i];
		}
		if (set_value(a, opt, value, err, err_size) != 0)
			return -1;
	}

	if (a->command == CLI_MOSQUITTO)
		return finish_mosquitto(a, seen, err, err_size);
	if (a->n_allow == 0) {
		a->n_allow = (int)(sizeof(default_allow) / sizeof(default_allow[0]));
		for (int k = 0; k < a->n_allow; k++)
			a->allow[k] = default_allow[k];
	}
	return 0;
}

void cli_usage(FILE *out, const char *default_plugin)
{
	fprintf(
	    out,
	    "Usage: iotntp-config mosquitto [--platform NAME] IDENTITY --secret-file FILE\n"
	    "                               (--region REGION | --host HOST) [--ca-file FILE]\n"
	    "                               [OPTION...]\n"
	    "       iotntp-config chrony [--allow NETWORK]... [--refclock-socket PATH]\n"
	    "                            [--output FILE]\n"
	    "\n"
	    "Writes the configuration that connects this gateway to its IoT platform's time\n"
	    "service: the mosquitto.conf fragment (the bridge and the iotntp plugin), or the\n"
	    "chrony.conf fragment (the refclock the plugin feeds, and the LAN it serves).\n"
	    "\n"
	    "Platforms, and what each needs:\n"
	    "  aliyun   Alibaba Cloud IoT Platform (the default): --product-key,\n"
	    "           --device-name, the DeviceSecret, --region or --host, --ca-file\n"
	    "  huawei   Huawei Cloud IoTDA: --device-id, the device secret, --host, --ca-file\n"
	    "  tuya     Tuya (tylink MQTT): --device-id, the device secret, --host, --ca-file\n"
	    "  tencent  Tencent Cloud IoT Explorer / IoT Hub: --product-id, --device-name,\n"
	    "           the device key (base64), --region or --host; no CA file: the device\n"
	    "           key is the bridge's TLS pre-shared key\n"
	    "\n"
	    "mosquitto options:\n"
	    "  --platform NAME       aliyun (default), huawei, tuya or tencent\n"
	    "  --product-key PK      aliyun: the ProductKey (letters and digits)\n"
	    "  --device-name DN      aliyun: 4 to 32 of letters, digits, -_.@:;\n"
	    "                        tencent: 1 to 48 of letters, digits, -_:@.\n"
	    "  --product-id PID      tencent: the ProductId (letters and digits)\n"
	    "  --device-id ID        huawei: the device_id, up to 128 of letters, digits, _-;\n"
	    "                        tuya: the deviceId, letters and digits\n"
	    "  --secret-file FILE    the file holding the device's secret on one line; -\n"
	    "                        reads it from standard input. It is never taken from the\n"
	    "                        command line, where ps shows it, and never printed but\n"
	    "                        as the login in the fragment.\n"
	    "  --region REGION       a public instance's region. aliyun: one of\n"
	    "                        %s\n"
	    "                        (host PK.iot-as-mqtt.REGION.aliyuncs.com); tencent:\n"
	    "                        ap-guangzhou (host PID.iotcloud.tencentdevices.com)\n"
	    "  --host HOST           the instance's own MQTT endpoint, instead of --region\n"
	    "  --port PORT           default %d (TLS). aliyun: port %d works too, but\n"
	    "                        pairs with the GlobalSign Root CA - R1, which expires\n"
	    "                        on 2028-01-28.\n"
	    "  --ca-file FILE        the PEM root CA the platform's certificate is checked\n"
	    "                        against (required but on tencent: the bridge always\n"
	    "                        uses TLS)\n"
	    "  --client-id ID        aliyun: the MQTT client id, at most %d characters\n"
	    "                        (default: ProductKey.DeviceName)\n"
	    "  --signmethod METHOD   aliyun: hmacsha256 (default) or hmacsha1\n"
	    "  --keepalive SECONDS   the platform's range: 30 to 1200, tencent 5 to 900\n"
	    "                        (default %d)\n"
	    "  --plugin PATH         the plugin (default %s)\n"
	    "  --bridge-client-id ID the bridge's client id in this broker: 1 to %d printable\n"
	    "                        ASCII characters but space, + # and /. By default a new\n"
	    "                        random %s<32 hex digits> at each run, since a\n"
	    "                        client that knows the id can disconnect the uplink; give\n"
	    "                        the one in the old fragment to keep it.\n"
	    "  --carry-topic DIRECTION:PATTERN\n"
	    "                        carry another of the device's topics over the same\n"
	    "                        bridge: in (from the platform), out (to it) or both;\n"
	    "                        repeat for more. The platform takes one connection per\n"
	    "                        device: an application of the gateway that uses the\n"
	    "                        same identity must go through this bridge. PATTERN is an\n"
	    "                        MQTT filter within the device's own topics, with no\n"
	    "                        wildcard the bridge subscribes to on tuya, and not the\n"
	    "                        time service's topics, which the bridge carries already.\n"
	    "\n"
	    "chrony options:\n"
	    "  --allow NETWORK       serve NTP to this network; repeat for more (default: the\n"
	    "                        private ranges 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)\n"
	    "\n"
	    "Both:\n"
	    "  --refclock-socket PATH  chronyd's SOCK refclock socket (default %s)\n"
	    "  --output FILE         write FILE (atomically, mode 0640 and group mosquitto for\n"
	    "                        the mosquitto fragment) instead of standard output\n"
	    "  --help                this text\n"
	    "\n"
	    "The login is written once and the gateway's clock is exactly what may be wrong\n"
	    "when it connects, so no login depends on it: aliyun signs no timestamp; huawei\n"
	    "signs the hour this runs, of the kind IoTDA does not check; tencent's username\n"
	    "carries the farthest expiry there is. tuya signs this machine's time now, and\n"
	    "Tuya does not document whether it checks it: if its login is refused later, run\n"
	    "iotntp-config again.\n"
	    "\n"
	    "Exit status: 0 on success, 2 for bad input (nothing is written), 1 when the output\n"
	    "cannot be written, the random source fails or the clock cannot be signed.\n",
	    EP_REGION_LIST, EP_DEFAULT_PORT, EP_GLOBALSIGN_PORT, ID_CLIENT_ID_MAX,
	    CLI_KEEPALIVE_DEFAULT, default_plugin, BRIDGE_ID_MAX, BRIDGE_ID_PREFIX,
	    FRAG_DEFAULT_SOCKET);
}
