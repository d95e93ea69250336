/* SPDX-License-Identifier: Apache-2.0 */
#include "status_args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum sa_opt {
	OPT_HOST,
	OPT_PORT,
	OPT_TOPIC,
	OPT_ID,
	OPT_USERNAME,
	OPT_PW,
	OPT_CAFILE,
	OPT_CAPATH,
	OPT_CERT,
	OPT_KEY,
	OPT_TLS_VERSION,
	OPT_INSECURE,
	OPT_TLS_USE_OS_CERTS,
	OPT_TIMEOUT,
	OPT_JSON,
	OPT_HELP,
	OPT_COUNT
};

/* mosquitto_sub's names; -h is the host there, so help is --help alone. */
static const struct {
	char short_name; /* 0: none */
	const char *long_name;
	bool has_value;
} opts[OPT_COUNT] = {
    [OPT_HOST] = {'h', "--host", true},
    [OPT_PORT] = {'p', "--port", true},
    [OPT_TOPIC] = {'t', "--topic", true},
    [OPT_ID] = {'i', "--id", true},
    [OPT_USERNAME] = {'u', "--username", true},
    [OPT_PW] = {'P', "--pw", true},
    [OPT_CAFILE] = {0, "--cafile", true},
    [OPT_CAPATH] = {0, "--capath", true},
    [OPT_CERT] = {0, "--cert", true},
    [OPT_KEY] = {0, "--key", true},
    [OPT_TLS_VERSION] = {0, "--tls-version", true},
    [OPT_INSECURE] = {0, "--insecure", false},
    [OPT_TLS_USE_OS_CERTS] = {0, "--tls-use-os-certs", false},
    [OPT_TIMEOUT] = {'W', "--timeout", true},
    [OPT_JSON] = {0, "--json", false},
    [OPT_HELP] = {0, "--help", false},
};

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t err_size, const char *fmt,
                                                      ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return -1;
}

/* The option arg names, by its long name (up to name_len) or as -X; -1 if none. */
static int find_opt(const char *arg, size_t name_len)
{
	for (int i = 0; i < OPT_COUNT; i++) {
		if (arg[1] != '-') {
			if (opts[i].short_name != 0 && name_len == 2 &&
			    arg[1] == opts[i].short_name)
				return i;
		} else if (strlen(opts[i].long_name) == name_len &&
		           strncmp(opts[i].long_name, arg, name_len) == 0) {
			return i;
		}
	}
	return -1;
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

static int nonempty(const char *name, const char *v, char *err, size_t err_size)
{
	return v[0] == '\0' ? fail(err, err_size, "%s is empty", name) : 0;
}

static int set_value(struct sa_args *a, int opt, const char *v, char *err, size_t err_size)
{
	switch (opt) {
	case OPT_HOST:
		a->host = v;
		return nonempty("--host", v, err, err_size);
	case OPT_PORT:
		if (parse_uint(v, 1, 65535, &a->port) != 0)
			return fail(err, err_size, "--port '%s' is not a port from 1 to 65535", v);
		return 0;
	case OPT_TOPIC:
		a->topic = v;
		if (strpbrk(v, "+#") != NULL)
			return fail(err, err_size,
			            "--topic '%s' has a wildcard: give the status topic itself", v);
		return nonempty("--topic", v, err, err_size);
	case OPT_ID:
		a->id = v;
		return nonempty("--id", v, err, err_size);
	case OPT_USERNAME:
		a->username = v;
		return 0;
	case OPT_PW:
		a->password = v;
		return 0;
	case OPT_CAFILE:
		a->cafile = v;
		return nonempty("--cafile", v, err, err_size);
	case OPT_CAPATH:
		a->capath = v;
		return nonempty("--capath", v, err, err_size);
	case OPT_CERT:
		a->certfile = v;
		return nonempty("--cert", v, err, err_size);
	case OPT_KEY:
		a->keyfile = v;
		return nonempty("--key", v, err, err_size);
	case OPT_TLS_VERSION:
		a->tls_version = v;
		if (strcmp(v, "tlsv1.3") != 0 && strcmp(v, "tlsv1.2") != 0 &&
		    strcmp(v, "tlsv1.1") != 0)
			return fail(err, err_size,
			            "--tls-version '%s' is not one of tlsv1.3, tlsv1.2, tlsv1.1",
			            v);
		return 0;
	case OPT_TIMEOUT:
		if (parse_uint(v, 1, SA_MAX_TIMEOUT, &a->timeout_s) != 0)
			return fail(err, err_size,
			            "--timeout '%s' is not a whole number of seconds from 1 to %d",
			            v, SA_MAX_TIMEOUT);
		return 0;
	}
	return fail(err, err_size, "internal error: option %d", opt);
}

static void set_flag(struct sa_args *a, int opt)
{
	switch (opt) {
	case OPT_INSECURE:
		a->insecure = true;
		break;
	case OPT_TLS_USE_OS_CERTS:
		a->tls_use_os_certs = true;
		break;
	case OPT_JSON:
		a->json = true;
		break;
	case OPT_HELP:
		a->help = true;
		break;
	}
}

/* What the options need of each other, once all are read. */
static int finish(struct sa_args *a, const bool seen[OPT_COUNT], char *err, size_t err_size)
{
	a->tls = a->cafile != NULL || a->capath != NULL || a->tls_use_os_certs;
	if (!seen[OPT_PORT])
		a->port = a->tls ? SA_PORT_TLS : SA_PORT_PLAIN;
	if (a->password != NULL && a->username == NULL)
		return fail(err, err_size, "--pw needs --username");
	if ((a->certfile != NULL) != (a->keyfile != NULL))
		return fail(err, err_size, "--cert and --key go together: give both or neither");
	if (!a->tls) {
		static const int tls_only[] = {OPT_CERT, OPT_KEY, OPT_TLS_VERSION, OPT_INSECURE};
		for (size_t i = 0; i < sizeof(tls_only) / sizeof(tls_only[0]); i++) {
			if (seen[tls_only[i]])
				return fail(err, err_size,
				            "%s needs TLS: give --cafile, --capath or "
				            "--tls-use-os-certs",
				            opts[tls_only[i]].long_name);
		}
	}
	return 0;
}

int sa_parse(struct sa_args *a, int argc, char *const argv[], char *err, size_t err_size)
{
	bool seen[OPT_COUNT] = {false};

	memset(a, 0, sizeof(*a));
	a->host = SA_DEFAULT_HOST;
	a->topic = SA_DEFAULT_TOPIC;
	a->timeout_s = SA_DEFAULT_TIMEOUT;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (arg[0] != '-' || arg[1] == '\0')
			return fail(err, err_size,
			            "unexpected argument %d: iotntp-status takes options only", i);
		/* Only the name of an option goes into a message: its value may be a password. */
		if (arg[1] != '-' && arg[2] != '\0')
			return fail(
			    err, err_size,
			    "unknown option %.2s...: give a short option and its value apart", arg);
		const char *eq = arg[1] == '-' ? strchr(arg, '=') : NULL;
		size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
		int opt = find_opt(arg, name_len);
		if (opt < 0)
			return fail(err, err_size, "unknown option %.*s", (int)name_len, arg);
		if (seen[opt])
			return fail(err, err_size, "%s is given twice", opts[opt].long_name);
		seen[opt] = true;
		if (!opts[opt].has_value) {
			if (eq != NULL)
				return fail(err, err_size, "%s takes no value",
				            opts[opt].long_name);
			set_flag(a, opt);
			continue;
		}
		const char *value = eq != NULL ? eq + 1 : NULL;
		if (value == NULL) {
			if (i + 1 >= argc)
				return fail(err, err_size, "%s needs a value", opts[opt].long_name);
			value = argv[++i];
		}
		if (set_value(a, opt, value, err, err_size) != 0)
			return -1;
	}
	if (a->help)
		return 0;
	return finish(a, seen, err, err_size);
}

void sa_usage(FILE *out)
{
	fprintf(
	    out,
	    "Usage: iotntp-status [--json] [-h HOST] [-p PORT] [-t TOPIC] [-W SECONDS]\n"
	    "                     [-u USERNAME [-P PASSWORD]] [-i ID]\n"
	    "                     [--cafile FILE | --capath DIR | --tls-use-os-certs]\n"
	    "                     [--cert FILE --key FILE] [--tls-version VERSION] "
	    "[--insecure]\n"
	    "\n"
	    "Reads the iotntp plugin's retained status from the gateway's broker and shows it\n"
	    "one fact a line, as chronyc tracking does chronyd's.\n"
	    "\n"
	    "  --json                print the status message as it is, one JSON line\n"
	    "  -h, --host HOST       the broker (default %s)\n"
	    "  -p, --port PORT       default %d, or %d with TLS\n"
	    "  -t, --topic TOPIC     the plugin's status_topic (default %s)\n"
	    "  -W, --timeout SECONDS how long to wait for the status, connecting included:\n"
	    "                        1 to %d (default %d)\n"
	    "  -i, --id ID           the MQTT client id (default: a random one)\n"
	    "  -u, --username USER   log in as USER\n"
	    "  -P, --pw PASSWORD     with this password\n"
	    "  --cafile FILE         TLS: the CA certificate (PEM) the broker's is checked\n"
	    "                        against\n"
	    "  --capath DIR          TLS: a directory of such certificates\n"
	    "  --tls-use-os-certs    TLS: the system's CA certificates\n"
	    "  --cert FILE, --key FILE  a client certificate and its key\n"
	    "  --tls-version VERSION tlsv1.3, tlsv1.2 or tlsv1.1\n"
	    "  --insecure            do not check that the certificate names HOST\n"
	    "  --help                this text\n"
	    "\n"
	    "Exit status: 0 when the plugin is synchronised to the platform, 1 when it is not,\n"
	    "2 when no status could be read.\n",
	    SA_DEFAULT_HOST, SA_PORT_PLAIN, SA_PORT_TLS, SA_DEFAULT_TOPIC, SA_MAX_TIMEOUT,
	    SA_DEFAULT_TIMEOUT);
}
