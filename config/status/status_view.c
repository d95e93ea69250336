/* SPDX-License-Identifier: Apache-2.0 */
#include "status_view.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

/* The longest name, "Samples to chrony": the values start in one column, as in chronyc. */
#define NAME_WIDTH 17

/* Room for one line's value: the longest is the list of drop reasons. */
#define VALUE_SIZE 1024

/* The most of one text from the message that a line shows. */
#define TEXT_MAX 64

/* Counters are whole numbers below 2^64; a double holds them exactly up to 2^53. */
#define COUNT_MAX 18446744073709549568.0

struct value {
	char s[VALUE_SIZE];
	size_t len;
};

__attribute__((format(printf, 2, 3))) static void add(struct value *v, const char *fmt, ...)
{
	va_list ap;

	if (v->len >= sizeof(v->s) - 1)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(v->s + v->len, sizeof(v->s) - v->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	v->len += (size_t)n;
	if (v->len >= sizeof(v->s))
		v->len = sizeof(v->s) - 1;
}

/* Text from the message, which any client of another broker could have written: printable
 * ASCII only, so that it cannot move the cursor or recolour a terminal. */
static void add_text(struct value *v, const char *text, size_t max)
{
	for (size_t i = 0; text[i] != '\0' && i < max; i++) {
		unsigned char c = (unsigned char)text[i];
		add(v, "%c", c >= 0x20 && c < 0x7f ? c : '?');
	}
}

static void line(FILE *out, const char *name, const struct value *v)
{
	fprintf(out, "%-*s : %s\n", NAME_WIDTH, name, v->s);
}

static const cJSON *field(const cJSON *o, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(o, name);
}

static bool get_number(const cJSON *o, const char *name, double *x)
{
	const cJSON *f = field(o, name);

	if (!cJSON_IsNumber(f) || !isfinite(f->valuedouble))
		return false;
	*x = f->valuedouble;
	return true;
}

static bool is_count(const cJSON *f)
{
	return cJSON_IsNumber(f) && f->valuedouble >= 0 && f->valuedouble <= COUNT_MAX &&
	       floor(f->valuedouble) == f->valuedouble;
}

static bool get_count(const cJSON *o, const char *name, unsigned long long *n)
{
	const cJSON *f = field(o, name);

	if (!is_count(f))
		return false;
	*n = (unsigned long long)f->valuedouble;
	return true;
}

static bool get_bool(const cJSON *o, const char *name, bool *b)
{
	const cJSON *f = field(o, name);

	if (!cJSON_IsBool(f))
		return false;
	*b = cJSON_IsTrue(f);
	return true;
}

static int fail(char *err, size_t err_size, const char *msg)
{
	snprintf(err, err_size, "%s", msg);
	return -1;
}

/* Parses text into *root and checks it is a status; -1 with a message in err if not. */
static int parse(cJSON **root, const char *text, size_t len, bool *synced, char *err,
                 size_t err_size)
{
	const char *end = text;
	const char *why = NULL;

	*root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (*root == NULL)
		return fail(err, err_size, "not JSON");
	/* One message, one value: nothing but spaces after it. */
	while (end < text + len && *end != '\0' && strchr(" \t\r\n", *end) != NULL)
		end++;
	if (end != text + len)
		why = "not JSON: something follows the object";
	else if (!cJSON_IsObject(*root))
		why = "JSON, but not an object";
	else if (!get_bool(*root, "synced", synced))
		why = "a JSON object without \"synced\": true or false";
	if (why == NULL)
		return 0;
	cJSON_Delete(*root);
	*root = NULL;
	return fail(err, err_size, why);
}

int sv_synced(const char *text, size_t len, char *err, size_t err_size)
{
	cJSON *root;
	bool synced;

	if (parse(&root, text, len, &synced, err, err_size) != 0)
		return -1;
	cJSON_Delete(root);
	return synced ? SV_SYNCED : SV_UNSYNCED;
}

void sv_age(char *buf, size_t size, int64_t ms)
{
	/* Up to a second ahead is the two clocks' rounding, not a clock that is off. */
	const char *tail = ms > -1000 ? "ago" : "in the future";
	uint64_t s = ms > -1000 ? (uint64_t)(ms > 0 ? ms : 0) / 1000 : (uint64_t)(-(ms / 1000));

	if (s < 60)
		snprintf(buf, size, "%" PRIu64 " s %s", s, tail);
	else if (s < 3600)
		snprintf(buf, size, "%" PRIu64 " min %" PRIu64 " s %s", s / 60, s % 60, tail);
	else if (s < 86400)
		snprintf(buf, size, "%" PRIu64 " h %" PRIu64 " min %s", s / 3600, s % 3600 / 60,
		         tail);
	else
		snprintf(buf, size, "%" PRIu64 " d %" PRIu64 " h %s", s / 86400, s % 86400 / 3600,
		         tail);
}

static bool digits(const char *p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		*v = *v * 10 + (p[i] - '0');
	}
	return true;
}

static int days_in_month(int year, int mon)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return mon == 2 && leap ? 29 : days[mon - 1];
}

/* Days from 1970-01-01 to the date, counted in Gregorian eras of 400 years from a year that
 * starts in March (H. Hinnant's days_from_civil). Not timegm: time_t is 32 bits on some
 * gateways, and ends in 2038. */
static int64_t days_from_civil(int year, int mon, int day)
{
	int64_t y = year - (mon <= 2);
	int64_t era = y / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

int sv_parse_utc(const char *text, int64_t *ms)
{
	int year, mon, day, hour, min, sec, milli = 0;
	size_t len = strlen(text);

	/* As plugin/status.c writes it: YYYY-MM-DDTHH:MM:SS.mmmZ, or without the .mmm. */
	if ((len != 24 && len != 20) || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
	    text[13] != ':' || text[16] != ':' || text[len - 1] != 'Z')
		return -1;
	if (!digits(text, 4, &year) || !digits(text + 5, 2, &mon) || !digits(text + 8, 2, &day) ||
	    !digits(text + 11, 2, &hour) || !digits(text + 14, 2, &min) ||
	    !digits(text + 17, 2, &sec))
		return -1;
	if (len == 24 && (text[19] != '.' || !digits(text + 20, 3, &milli)))
		return -1;
	if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon) ||
	    hour > 23 || min > 59 || sec > 59)
		return -1;
	*ms =
	    ((days_from_civil(year, mon, day) * 24 + hour) * 60 + min) * 60000 + sec * 1000 + milli;
	return 0;
}

/* A status time, checked by sv_parse_utc, as "2026-11-24 21:00:00.123 UTC (3 s ago)". */
static void add_time(struct value *v, const char *utc, int64_t ms, int64_t now_ms)
{
	char age[SV_AGE_SIZE];

	sv_age(age, sizeof(age), now_ms - ms);
	add(v, "%.10s %.*s UTC (%s)", utc, (int)strlen(utc) - 12, utc + 11, age);
}

static void synced_line(FILE *out, const cJSON *root, bool synced, int64_t now_ms)
{
	struct value v = {.len = 0};
	const cJSON *since = field(root, "since_utc");
	int64_t ms;

	add(&v, "%s", synced ? "yes" : "no");
	if (cJSON_IsString(since) && sv_parse_utc(since->valuestring, &ms) == 0) {
		add(&v, ", since ");
		add_time(&v, since->valuestring, ms, now_ms);
	}
	line(out, "Synchronised", &v);
}

static void sample_lines(FILE *out, const cJSON *root, int64_t now_ms)
{
	struct value v = {.len = 0};
	double x;

	if (get_number(root, "offset_s", &x)) {
		add(&v, "%+.9f s", x);
		if (x != 0)
			add(&v, " (platform %s the gateway)", x > 0 ? "ahead of" : "behind");
		line(out, "Platform offset", &v);
	}
	if (get_number(root, "rtt_ms", &x)) {
		v.len = 0;
		add(&v, "%.3f ms", x);
		line(out, "Round trip", &v);
	}
	if (get_number(root, "error_bound_ms", &x)) {
		v.len = 0;
		add(&v, "%.3f ms", x);
		line(out, "Error bound", &v);
	}

	const cJSON *last = field(root, "last_sample_utc");
	int64_t ms;
	v.len = 0;
	if (cJSON_IsNull(last))
		add(&v, "none since the broker started");
	else if (cJSON_IsString(last) && sv_parse_utc(last->valuestring, &ms) == 0)
		add_time(&v, last->valuestring, ms, now_ms);
	else if (cJSON_IsString(last))
		add_text(&v, last->valuestring, TEXT_MAX);
	else
		return;
	line(out, "Last sample", &v);
}

static void chrony_lines(FILE *out, const cJSON *root)
{
	struct value v = {.len = 0};
	unsigned long long n;
	bool b;

	if (get_count(root, "samples_to_chrony", &n)) {
		add(&v, "%llu", n);
		line(out, "Samples to chrony", &v);
	}
	if (get_bool(root, "refclock_connected", &b)) {
		v.len = 0;
		add(&v, "%s", b ? "connected" : "not connected");
		line(out, "Refclock", &v);
	}
}

/* "n1 sent, n2 answered": the counters of names[] that are present, each with its label. */
static void counts(struct value *v, const cJSON *o, const char *const names[],
                   const char *const labels[], int n)
{
	unsigned long long c;
	const char *sep = "";

	for (int i = 0; i < n; i++) {
		if (get_count(o, names[i], &c)) {
			add(v, "%s%llu%s%s", sep, c, labels[i][0] != '\0' ? " " : "", labels[i]);
			sep = ", ";
		}
	}
}

static bool in_list(const char *name, const char *const list[])
{
	for (int i = 0; list[i] != NULL; i++) {
		if (strcmp(name, list[i]) == 0)
			return true;
	}
	return false;
}

/* "name n, name n" for every counter of o above 0, but those named in skip (NULL-ended). */
static int nonzero(struct value *v, const cJSON *o, const char *const skip[])
{
	const cJSON *f;
	int listed = 0;

	cJSON_ArrayForEach(f, o)
	{
		if (f->string == NULL || in_list(f->string, skip) || !is_count(f) ||
		    f->valuedouble == 0)
			continue;
		add(v, "%s", listed > 0 ? ", " : "");
		add_text(v, f->string, TEXT_MAX);
		add(v, " %llu", (unsigned long long)f->valuedouble);
		listed++;
	}
	return listed;
}

static void exchange_lines(FILE *out, const cJSON *root)
{
	static const char *const req_names[] = {"sent", "answered", "timed_out"};
	static const char *const req_labels[] = {"sent", "answered", "timed out"};
	static const char *const poll_names[] = {"polls", "samples"};
	static const char *const poll_labels[] = {"", "with a sample"};
	struct value v = {.len = 0};
	unsigned long long n;

	unsigned long long budget;
	double poll_s;
	bool adapts;

	counts(&v, root, poll_names, poll_labels, 2);
	if (v.len > 0)
		line(out, "Polls", &v);

	if (get_number(root, "poll_s", &poll_s)) {
		v.len = 0;
		add(&v, "%.1f s", poll_s);
		if (get_bool(root, "poll_adapts", &adapts))
			add(&v, "%s",
			    adapts ? ", adapting within the budget"
			           : ", steady ones fixed by poll_interval");
		line(out, "Poll interval", &v);
	}

	v.len = 0;
	counts(&v, root, req_names, req_labels, 3);
	if (get_count(root, "requests_24h", &n)) {
		add(&v, "%s%llu in the last 24 h", v.len > 0 ? "; " : "", n);
		if (get_count(root, "max_requests_per_day", &budget))
			add(&v, " (at most %llu)", budget);
	}
	if (v.len > 0)
		line(out, "Requests", &v);

	v.len = 0;
	const cJSON *by = field(root, "dropped_by");
	if (cJSON_IsObject(by)) {
		static const char *const none[] = {NULL};
		if (nonzero(&v, by, none) > 0)
			line(out, "Answers dropped", &v);
	} else if (get_count(root, "rejected", &n) && n > 0) {
		add(&v, "%llu", n);
		line(out, "Answers dropped", &v);
	}
}

static void lan_lines(FILE *out, const cJSON *root)
{
	/* forged_answer counts other clients' answers denied, not requests left unanswered. */
	static const char *const not_unanswered[] = {"answered", "forged_answer", NULL};
	struct value v = {.len = 0};
	struct value why = {.len = 0};
	unsigned long long n;
	const cJSON *lan = field(root, "lan");

	if (cJSON_IsObject(lan) && get_count(lan, "answered", &n)) {
		add(&v, "%llu", n);
		if (nonzero(&why, lan, not_unanswered) > 0)
			add(&v, ", not answered: %s", why.s);
		if (get_count(lan, "forged_answer", &n) && n > 0)
			add(&v, ", forged answers denied: %llu", n);
		line(out, "LAN answers", &v);
	}
	if (get_count(root, "denied_own_topics", &n)) {
		v.len = 0;
		add(&v, "%llu on the plugin's own topics", n);
		line(out, "Denied publishes", &v);
	}
}

int sv_write(FILE *out, const char *text, size_t len, int64_t now_ms, char *err, size_t err_size)
{
	cJSON *root;
	bool synced;

	if (parse(&root, text, len, &synced, err, err_size) != 0)
		return -1;
	synced_line(out, root, synced, now_ms);
	sample_lines(out, root, now_ms);
	chrony_lines(out, root);
	exchange_lines(out, root);
	lan_lines(out, root);
	cJSON_Delete(root);
	if (fflush(out) != 0 || ferror(out))
		return -2;
	return synced ? SV_SYNCED : SV_UNSYNCED;
}
