/* SPDX-License-Identifier: Apache-2.0 */
#include "broker_sync.h"

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "broker_clock.h"
#include "dialect.h"
#include "refclock_sock.h"
#include "schedule.h"
#include "tick_slots.h"
#include "status.h"
#include "sync.h"

/* chronyd gets the platform's time twice a second (its refclock polls every second and takes
 * the latest; config/chrony/iotntp.conf), whatever the poll: the estimate holds between
 * answers. Two samples a poll leave none empty however the two timers drift. */
#define FEED_INTERVAL_NS (XCH_NS_PER_S / 2)
/* How often a debug line gives the broker's tick rate, which the schedule depends on. */
#define TICK_LOG_INTERVAL_NS (10 * XCH_NS_PER_S)
/* The longest the plugin lets the broker go without a tick: an answer can end a poll before
 * the time asked for, and its result then waits for the next tick to reach chrony. */
#define TICK_MAX_NS (100 * XCH_NS_PER_MS)

/*
 * Mosquitto 2.1 calls a tick callback again only once the time it set in next_s and next_ms
 * has passed, and wakes its loop for it (src/plugin_tick.c of 2.1.2). Without websockets its
 * loop sleeps until its next event (db.next_event_ms in src/loop.c and mux_epoll.c: seconds
 * when idle); with websockets 100 ms at most. 2.0 ticks on every pass of its loop, which
 * sleeps 100 ms at most (src/mux_epoll.c of 2.0.11), and never reads the field
 * (plugin__handle_tick in its src/plugin.c). 2.0's include/mosquitto_broker.h names it
 * next_ns; 2.1's include/mosquitto/broker.h renamed it next_ms and kept the layout, so the
 * plugin, built against 2.0's header, writes ms into next_ns. 2.1.2 arms the wake only in
 * the pass that runs the callback, and a pass that comes earlier (for any packet) forgets it:
 * tick_slots.h says how the plugin keeps its ticks coming all the same. This is 2.1's layout.
 */
struct bsy_evt_tick_v21 {
	void *future;
	long now_ns;
	long next_ms;
};
_Static_assert(offsetof(struct mosquitto_evt_tick, next_ns) ==
                       offsetof(struct bsy_evt_tick_v21, next_ms) &&
                   sizeof(((struct mosquitto_evt_tick *)NULL)->next_ns) == sizeof(long),
               "next_ns must lie where Mosquitto 2.1 reads next_ms");

/*
 * When the request really leaves. Mosquitto 2.0 sends a plugin's publish at the top of its
 * loop's next pass, which follows the tick at once (the tick ends a pass: src/loop.c of
 * 2.0.11). Mosquitto 2.1.2 ticks before it waits for packets and sends the publish only in the
 * pass after that wait (src/loop.c: queue_plugin_msgs, plugin__handle_tick, mux__handle), a
 * millisecond or more later: the request's way up would carry that wait, and the offset half
 * of it (a millisecond on the wan path, against 2.0.11 in the same run). 2.1 calls
 * MOSQ_EVT_MESSAGE_OUT as it writes the PUBLISH for a client (lib/send_publish.c), so the
 * plugin times the exchange from then; 2.0 has no such event and refuses its registration.
 */
#ifndef MOSQ_EVT_MESSAGE_OUT
#define MOSQ_EVT_MESSAGE_OUT 27
#endif

struct bsy_role {
	mosquitto_plugin_id_t *id;
	struct opt_config cfg;
	const struct dlc_dialect *dialect; /* the platform's payloads */
	struct syn_engine *engine;
	struct rcs_writer *refclock;
	enum rcs_state refclock_state;
	struct xch_sample last_sample; /* the last estimate chrony got, as a sample */
	int64_t last_error_ns;         /* and its error bound */
	bool have_sample;
	struct est_estimate line; /* the estimate last fed, for answering LAN devices between */
	int64_t next_feed_ns;     /* CLOCK_MONOTONIC_RAW of chrony's next sample */
	unsigned ticks;           /* ticks since ticks_since_ns, for the debug line */
	int64_t ticks_since_ns;
	bool bound_logged;
	struct timespec since; /* when synced last changed, or the start */
	const struct srv_stats *serve_stats;
	const struct rte_stats *route_stats;
	struct tks_state slots; /* which tick callback starts a pass of the broker's loop */
	unsigned slots_registered;
	bool registered_message_out;
};

static void log_refclock(struct bsy_role *r, enum rcs_state st)
{
	if (st == r->refclock_state || st == RCS_BUSY)
		return;
	r->refclock_state = st;
	if (st == RCS_CONNECTED)
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "iotntp: feeding chrony through %s",
		                     r->cfg.refclock_socket);
	else
		mosquitto_log_printf(MOSQ_LOG_WARNING, "iotntp: chrony socket %s: %s: %s",
		                     r->cfg.refclock_socket, strerror(rcs_errno(r->refclock)),
		                     rcs_hint(st));
}

static void publish_status(struct bsy_role *r)
{
	char buf[STS_BUF_SIZE];
	struct sts_view v = {
	    .synced = syn_synced(r->engine),
	    .since = r->since,
	    .have_sample = r->have_sample,
	    .last_sample = r->last_sample,
	    .error_ns = r->last_error_ns,
	    .estimator = syn_estimator_counters(r->engine),
	    .counters = syn_counters(r->engine),
	    .have_schedule = true,
	    .poll_s = (double)syn_poll_interval(r->engine) / XCH_NS_PER_S,
	    .poll_adapts = r->cfg.poll_interval_s == 0,
	    .requests_24h = syn_requests_last_day(r->engine, bck_raw_ns()),
	    .max_requests_per_day = r->cfg.max_requests_per_day,
	    .refclock_connected = rcs_connected(r->refclock),
	    .samples_to_chrony = rcs_sent(r->refclock),
	    .serve = r->serve_stats,
	    .route = r->route_stats,
	};
	int n = sts_format(buf, sizeof(buf), &v);
	if (n > 0)
		mosquitto_broker_publish_copy(NULL, r->cfg.status_topic, n, buf, 0, true, NULL);
}

/* For analysis: every exchange with its four timestamps, as the platform's formula uses them. */
static void publish_exchange(struct bsy_role *r)
{
	struct syn_exchange x;
	char buf[STS_EXCHANGE_SIZE];

	if (!syn_last_exchange(r->engine, &x))
		return;
	int n = sts_format_exchange(buf, sizeof(buf), &x);
	if (n > 0)
		mosquitto_broker_publish_copy(NULL, r->cfg.exchange_topic, n, buf, 0, false, NULL);
}

/* Half the round trip chrony is told (the refclock's delay) goes into the root distance LAN
 * clients see; an error bound beyond it would leave them an error bound that is not honest. */
static void check_bound(struct bsy_role *r, int64_t error_ns)
{
	int64_t covered_ns = (int64_t)r->cfg.refclock_delay_ms * XCH_NS_PER_MS / 2;

	if (error_ns <= covered_ns || r->bound_logged)
		return;
	r->bound_logged = true;
	mosquitto_log_printf(MOSQ_LOG_WARNING,
	                     "iotntp: the error bound, %.1f ms, is more than chrony's refclock "
	                     "'delay %.3f' covers (half of it): raise delay in the 'refclock SOCK' "
	                     "line of /etc/chrony/conf.d/iotntp.conf to %.3f and "
	                     "plugin_opt_refclock_delay_ms to match",
	                     (double)error_ns / 1e6, r->cfg.refclock_delay_ms / 1e3,
	                     (double)(2 * error_ns / XCH_NS_PER_MS + 1) / 1e3);
}

/* Gives chrony the platform's time now, as the estimator has it, while the last poll was
 * answered and the clocks have not jumped since: otherwise chrony gets nothing, and holds over
 * on its own rather than on an extrapolation. Meanwhile the socket is retried, to be ready
 * when time comes. */
static void feed_chrony(struct bsy_role *r, int64_t raw)
{
	struct est_estimate est;

	r->next_feed_ns = raw + FEED_INTERVAL_NS;
	/* The sample pairs the system clock with the platform's time at the same instant: both
	 * clocks are read together now, and the estimate is made for that raw reading. */
	struct timespec real;
	raw = bck_raw_at_real(&real);
	int64_t real_ns = (int64_t)real.tv_sec * XCH_NS_PER_S + real.tv_nsec;
	int64_t jump = syn_note_clocks(r->engine, raw, real_ns);
	if (jump != 0)
		mosquitto_log_printf(MOSQ_LOG_WARNING,
		                     "iotntp: the system clock jumped by %+.3f s against the raw "
		                     "clock (a step, or the machine stood still); chrony gets no "
		                     "samples until the next poll confirms the estimate",
		                     (double)jump / 1e9);
	if (!syn_fresh(r->engine) || !syn_estimate(r->engine, raw, &est)) {
		log_refclock(r, rcs_connect(r->refclock));
		return;
	}
	r->line = est;
	r->last_sample = (struct xch_sample){
	    .recv_real = real,
	    .offset_ns = est.platform_ns - real_ns,
	    .rtt_ns = est.min_rtt_ns,
	    .recv_raw_ns = raw,
	};
	r->last_error_ns = est.error_ns;
	r->have_sample = true;
	check_bound(r, est.error_ns);
	log_refclock(r, rcs_send(r->refclock, &real, (double)r->last_sample.offset_ns / 1e9));
}

static void poll_finished(struct bsy_role *r, const struct syn_poll_result *res, int64_t raw)
{
	/* A poll's answers go to chrony at once: the first ones start the feed. */
	feed_chrony(r, raw);
	if (res->synced && !res->was_synced)
		mosquitto_log_printf(MOSQ_LOG_NOTICE,
		                     "iotntp: synchronised to the platform: offset %+.6f s, error "
		                     "bound %.3f ms",
		                     (double)r->last_sample.offset_ns / 1e9,
		                     (double)r->last_error_ns / 1e6);
	else if (!res->synced && res->was_synced)
		mosquitto_log_printf(MOSQ_LOG_WARNING,
		                     "iotntp: lost sync: no valid answer in %u polls; chrony gets "
		                     "no samples until the platform answers again",
		                     r->cfg.max_failed_polls);
	if (res->synced != res->was_synced)
		r->since = bck_real();
	publish_status(r);
}

/* With log_type debug, how many ticks the broker gave in each stretch of about 10 s
 * (tests/broker21/run reads it). */
static void count_tick(struct bsy_role *r, int64_t raw)
{
	r->ticks++;
	if (raw - r->ticks_since_ns < TICK_LOG_INTERVAL_NS)
		return;
	mosquitto_log_printf(MOSQ_LOG_DEBUG, "iotntp: %u ticks in %.3f s", r->ticks,
	                     (double)(raw - r->ticks_since_ns) / 1e9);
	r->ticks = 0;
	r->ticks_since_ns = raw;
}

/* Asks for the next tick when the engine or chrony's feed next has something to do, within
 * TICK_MAX_NS and 1 ms at least (0 would ask for none). */
static void ask_next_tick(const struct bsy_role *r, struct mosquitto_evt_tick *ed)
{
	int64_t raw = bck_raw_ns();
	int64_t due = syn_next_due_ns(r->engine, raw);
	if (r->next_feed_ns < due)
		due = r->next_feed_ns;
	int64_t wait = due - raw;
	if (wait > TICK_MAX_NS)
		wait = TICK_MAX_NS;
	/* Rounded up: 2.1 ticks only once the time asked for is past. */
	long ms = wait > 0 ? (long)((wait + XCH_NS_PER_MS - 1) / XCH_NS_PER_MS) : 1;
	ed->next_ns = ms; /* 2.1's next_ms */
}

/* The plugin's work, at raw on the raw clock, once a pass of the broker's loop. */
static void tick(struct bsy_role *r, int64_t raw, void *event_data)
{
	struct syn_poll_result res;
	struct syn_request req;
	struct dlc_id id;
	char payload[DLC_BUF_SIZE];
	struct timespec real = bck_real();

	/*
	 * At most one request per tick keeps the burst spread out even after a slow loop.
	 *
	 * The request goes to the bridge's client id alone, not to the topic's subscribers: the
	 * bridge forwards what is queued for it whatever it subscribed to, and no LAN client
	 * reads the gateway's requests. It must not depend on the bridge's local subscription:
	 * a client that takes over the bridge's id and subscribes to the request topic holds
	 * that subscription in the bridge's name (Mosquitto 2.0 keys a subscriber by client id),
	 * and when it leaves the subscription goes with it while the bridge stays connected.
	 * By id, the request reaches the newest connection with that id: the impostor while it
	 * stays, whose answers are dropped, and the bridge again as soon as it leaves.
	 */
	if (syn_request_due(r->engine, raw, bck_ms(&real), &req)) {
		/* Every dialect's request fits DLC_BUF_SIZE: one that did not would stay unnamed
		 * and count as sent, never as answered or timed out. */
		int n =
		    r->dialect->encode_request(req.t1_ms, req.seq, &id, payload, sizeof(payload));
		if (n > 0) {
			syn_request_named(r->engine, &id);
			mosquitto_broker_publish_copy(r->cfg.bridge_client_id, r->cfg.request_topic,
			                              n, payload, r->dialect->request_qos, false,
			                              NULL);
		}
	}
	if (syn_poll_done(r->engine, raw, &res))
		poll_finished(r, &res, raw);
	else if (raw >= r->next_feed_ns)
		feed_chrony(r, raw);
	count_tick(r, raw);
	ask_next_tick(r, event_data);
}

/* A message the broker writes for a client (2.1): the request, as it leaves for the bridge. */
static int on_message_out(int event, void *event_data, void *userdata)
{
	struct bsy_role *r = userdata;
	const struct mosquitto_evt_message *m = event_data;

	(void)event;
	/* Called for every message the broker sends: the clock is read only for ours. */
	const char *to = mosquitto_client_id(m->client);
	if (to != NULL && m->topic != NULL && strcmp(to, r->cfg.bridge_client_id) == 0 &&
	    strcmp(m->topic, r->cfg.request_topic) == 0)
		syn_request_left(r->engine, bck_raw_ns());
	return MOSQ_ERR_SUCCESS;
}

/* A slot's callback (tick_slots.h): the first of a pass ticks and asks for the next wake; the
 * others ask for none, and so stay due for the next pass, however early it comes. */
static int on_slot(unsigned slot, void *event_data, void *userdata)
{
	struct bsy_role *r = userdata;
	int64_t raw = bck_raw_ns();
	if (tks_starts_pass(&r->slots, slot, raw))
		tick(r, raw, event_data);
	else
		((struct mosquitto_evt_tick *)event_data)->next_ns = 0;
	return MOSQ_ERR_SUCCESS;
}

/* One function per slot: a plugin registers a function once for an event. */
#define SLOT(n)                                                                                    \
	static int on_slot_##n(int event, void *event_data, void *userdata)                        \
	{                                                                                          \
		(void)event;                                                                       \
		return on_slot(n, event_data, userdata);                                           \
	}
SLOT(0)
SLOT(1)
SLOT(2)
SLOT(3)
SLOT(4)
SLOT(5)
SLOT(6)
SLOT(7)
SLOT(8)
SLOT(9)
SLOT(10)
SLOT(11)
SLOT(12)
SLOT(13)
SLOT(14)
SLOT(15)
static const MOSQ_FUNC_generic_callback slot_callbacks[] = {
    on_slot_0, on_slot_1, on_slot_2,  on_slot_3,  on_slot_4,  on_slot_5,  on_slot_6,  on_slot_7,
    on_slot_8, on_slot_9, on_slot_10, on_slot_11, on_slot_12, on_slot_13, on_slot_14, on_slot_15,
};
_Static_assert(sizeof(slot_callbacks) / sizeof(slot_callbacks[0]) == TKS_SLOTS,
               "one callback per slot");

void bsy_take_answer(struct bsy_role *r, const void *payload, size_t len)
{
	int64_t raw = bck_raw_ns();
	struct timespec real = bck_real();
	struct dlc_answer a;

	enum dlc_status st = r->dialect->decode_response(payload, len, &a);
	/* Another service's message on a topic it shares with the time service: not ours to
	 * count. */
	if (st == DLC_NOT_OURS)
		return;
	enum syn_verdict v =
	    st == DLC_OK ? syn_answer(r->engine, &a, raw, &real) : syn_undecoded(r->engine, st);
	if ((v == SYN_ACCEPTED || v == SYN_DISCARDED_RTT) && r->cfg.exchange_topic[0] != '\0')
		publish_exchange(r);
}

void bsy_count(struct bsy_role *r, enum syn_verdict v)
{
	syn_count_verdict(r->engine, v);
}

static struct syn_config engine_config(const struct opt_config *cfg,
                                       const struct dlc_dialect *dialect)
{
	struct syn_config sc = {
	    .max_per_day = cfg->max_requests_per_day,
	    .steady_ns = (int64_t)cfg->poll_interval_s * XCH_NS_PER_S,
	    .spacing_ns = (int64_t)cfg->burst_spacing_ms * XCH_NS_PER_MS,
	    .timeout_ns = (int64_t)cfg->response_timeout_ms * XCH_NS_PER_MS,
	    .max_rtt_ns = (int64_t)cfg->max_rtt_ms * XCH_NS_PER_MS,
	    .burst = cfg->burst,
	    .quick_burst = SCH_QUICK_BURST,
	    .max_failed_polls = cfg->max_failed_polls,
	    .stamp_lo_ns = cfg->server_time_truncated ? 0 : -XCH_NS_PER_MS / 2,
	    .stamp_hi_ns = cfg->server_time_truncated ? XCH_NS_PER_MS : XCH_NS_PER_MS / 2,
	    .one_in_flight = dialect->id_kind == DLC_ID_NONE,
	};
	return sc;
}

struct bsy_role *bsy_start(mosquitto_plugin_id_t *id, const struct opt_config *cfg)
{
	struct bsy_role *r = calloc(1, sizeof(*r));
	if (r == NULL)
		goto nomem;
	r->id = id;
	r->cfg = *cfg;
	r->since = bck_real();
	r->ticks_since_ns = bck_raw_ns();
	r->dialect = cfg->dialect;
	struct syn_config sc = engine_config(cfg, r->dialect);
	r->engine = syn_create(&sc);
	r->refclock = rcs_create(cfg->refclock_socket);
	if (r->engine == NULL || r->refclock == NULL)
		goto nomem;

	/* 2.1 only (above): 2.0 refuses an event it does not know (2.0.11's and 2.0.21's
	 * mosquitto_broker.h end at MOSQ_EVT_DISCONNECT, 10), and needs none. */
	r->registered_message_out =
	    mosquitto_callback_register(id, MOSQ_EVT_MESSAGE_OUT, on_message_out, NULL, r) ==
	    MOSQ_ERR_SUCCESS;
	/* The slots are for 2.1's loop (tick_slots.h). 2.0 calls every tick callback in every
	 * pass, so one does there: the others would only cost a call each per pass. */
	unsigned slots = r->registered_message_out ? TKS_SLOTS : 1;
	/* In the slots' order: a pass of the broker's loop calls them in the order registered. */
	for (unsigned i = 0; i < slots; i++) {
		if (mosquitto_callback_register(id, MOSQ_EVT_TICK, slot_callbacks[i], NULL, r) !=
		    MOSQ_ERR_SUCCESS)
			goto noregister;
		r->slots_registered++;
	}

	if (cfg->poll_interval_s == 0)
		mosquitto_log_printf(MOSQ_LOG_NOTICE,
		                     "iotntp: sync role: %s via bridge client '%s', burst %u, poll "
		                     "adapting within %u requests a day (steady every %.1f s)",
		                     cfg->request_topic, cfg->bridge_client_id, cfg->burst,
		                     cfg->max_requests_per_day,
		                     (double)syn_poll_interval(r->engine) / XCH_NS_PER_S);
	else
		mosquitto_log_printf(MOSQ_LOG_NOTICE,
		                     "iotntp: sync role: %s via bridge client '%s', poll %u s, "
		                     "burst %u, at most %u requests a day",
		                     cfg->request_topic, cfg->bridge_client_id,
		                     cfg->poll_interval_s, cfg->burst, cfg->max_requests_per_day);
	/* A missing chronyd is not fatal: it is logged now and retried at every poll. */
	log_refclock(r, rcs_connect(r->refclock));
	publish_status(r);
	return r;

nomem:
	mosquitto_log_printf(MOSQ_LOG_ERR, "iotntp: out of memory");
	bsy_stop(r);
	return NULL;
noregister:
	mosquitto_log_printf(MOSQ_LOG_ERR, "iotntp: cannot register the broker callbacks");
	bsy_stop(r);
	return NULL;
}

bool bsy_platform_time(const struct bsy_role *r, struct est_estimate *line)
{
	/* The line chrony was last fed, at the platform's rate: a LAN answer costs no estimate.
	 * Not while the clocks' jump leaves it in doubt: LAN devices then wait, as chrony does. */
	if (!r->have_sample || !syn_synced(r->engine) || syn_in_doubt(r->engine))
		return false;
	*line = r->line;
	return true;
}

void bsy_show_stats(struct bsy_role *r, const struct srv_stats *serve,
                    const struct rte_stats *route)
{
	r->serve_stats = serve;
	r->route_stats = route;
}

void bsy_stop(struct bsy_role *r)
{
	if (r == NULL)
		return;
	for (unsigned i = 0; i < r->slots_registered; i++)
		mosquitto_callback_unregister(r->id, MOSQ_EVT_TICK, slot_callbacks[i], NULL);
	if (r->registered_message_out)
		mosquitto_callback_unregister(r->id, MOSQ_EVT_MESSAGE_OUT, on_message_out, NULL);
	rcs_destroy(r->refclock);
	syn_destroy(r->engine);
	free(r);
}
