/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tick_slots: keeps the plugin's ticks coming on Mosquitto 2.1, whose loop can forget the wake
 * a tick callback asked for.
 *
 * Mosquitto 2.1.2 keeps, for each tick callback, the time it asked for (the tick's now plus
 * next_s and next_ms) and calls it only in a pass of its loop that comes after that time
 * (src/plugin_tick.c). The wake it arms lasts one pass: each pass starts from a timeout of a
 * day and lowers it for the callbacks it calls and the broker's own timers (src/loop.c), and
 * without websockets the loop sleeps that long (src/mux_epoll.c). A pass that comes before
 * the time asked for, for a packet or a publish (a plugin's publish brings one 1 ms later,
 * src/plugin_public.c), does not call the callback and so forgets its wake: the loop then
 * sleeps until the next packet or the broker's own timers, up to 5 s (keepalives) or 10 s
 * ($SYS). With one callback the plugin was seen to tick 1 to 3 times a second instead of 10.
 * Mosquitto's issue 3530 reports the long sleep.
 *
 * A callback that asks for no wake (0) stays due, and is called in every pass, but arms
 * nothing. So the plugin registers TKS_SLOTS tick callbacks, its slots: in each pass the
 * first slot called does the plugin's work and asks for the next wake; the others called in
 * that pass ask for none and stay due. A pass that comes early calls the slots still due,
 * and the first of them arms the wake again. Only TKS_SLOTS - 1 early passes between two wakes
 * use them all up; the work then waits for the first pass after its time, which on a broker
 * that busy comes soon.
 *
 * Mosquitto 2.0 calls every tick callback in every pass of a loop that sleeps 100 ms at most,
 * and never reads the time asked for (src/plugin.c and src/mux_epoll.c of 2.0.11): there the
 * plugin registers slot 0 alone (broker_sync.c tells the brokers apart by MOSQ_EVT_MESSAGE_OUT,
 * which 2.1 added), and it starts every pass.
 *
 * Limit: 2.1.2 reads those times on CLOCK_REALTIME (libcommon/time_common.c). A step of the
 * system clock back by X holds every slot for X; a step forward only makes them due.
 */
#ifndef IOTNTP_TICK_SLOTS_H
#define IOTNTP_TICK_SLOTS_H

#include <stdbool.h>
#include <stdint.h>

/* Tick callbacks the plugin registers. */
#define TKS_SLOTS 16
/* Calls this close together belong to one pass: a pass calls its slots one after the other,
 * microseconds apart, and two passes this close together come only on a broker so busy that
 * the next one is near. */
#define TKS_PASS_GAP_NS (50 * 1000)

struct tks_state {
	int64_t last_ns;    /* when a slot was last called */
	unsigned last_slot; /* and which */
	bool called;        /* any slot was */
};

/* Called as slot (0 to TKS_SLOTS - 1, in the order they were registered) is called at now_ns:
 * whether it is the first slot of a pass, the one that does the work and asks for the next
 * wake. A pass calls its slots in that order, so a slot that comes no later in it than the
 * one called before starts a new pass, as does one called more than TKS_PASS_GAP_NS later. */
bool tks_starts_pass(struct tks_state *s, unsigned slot, int64_t now_ns);

#endif
