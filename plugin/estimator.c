/* SPDX-License-Identifier: Apache-2.0 */
#include "estimator.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_MS 1000000LL

/* While the window reaches its longest, window_ns, the skew history reaches this many times
 * further back: with a rate that holds, a skew from three hours carries a third of the error
 * of one from the hour across the window. A shorter reach shows the rate bending, and the skew
 * then comes from the reach alone. */
#define SKEW_REACH 3

/* Search steps: a golden section shrinks the skew interval to 0.618^32 of its width, a
 * bisection to 0.5^32, under 2e-10 of the largest skew: far below what a window of minutes can
 * tell apart. */
#define SEARCH_STEPS 32

/* A bound on the platform's clock: at raw time raw_ns it was below (or above) platform_ns. */
struct bound {
	int64_t raw_ns;
	int64_t platform_ns;
};

/* One stretch of the skew history: its tightest upper and lower bounds, nominal rate taken out
 * (platform_ns - raw_ns: the smaller the tighter an upper bound, the larger a lower one). */
struct stretch {
	struct bound up, low;
};

struct est_state {
	struct est_config cfg;
	struct stretch skew[EST_SKEW_CAPACITY]; /* a ring, oldest at skew_first */
	unsigned skew_first, skew_n;
	struct stretch open; /* the stretch being gathered */
	int64_t open_start_ns;
	bool open_any;
	struct est_exchange win[EST_CAPACITY]; /* a ring, oldest at win_first */
	unsigned win_first, win_n;
	struct est_exchange held[EST_HELD_MAX]; /* oldest first */
	unsigned held_n;
	int64_t reach_ns;    /* how far back a straight line holds, judged as each stretch closes */
	double history_skew; /* the skew over that reach, from its stretches */
	double noise;        /* how far chance alone moves the estimate over it, ns */
	double prior_skew;   /* the skew before the last step, while the history fills again */
	int64_t prior_span_ns; /* how long a history that skew came from */
	bool have_prior;
	struct est_counters count;
};

/*
 * One exchange as two bounds, in differences from a reference exchange (its receipt on the raw
 * clock, its T3 on the platform's), with the nominal rate taken out: a line of skew s through
 * offset a keeps the bounds when a + s*x1 <= u and a + s*x4 >= l.
 */
struct pt {
	double x1, u; /* the upper bound, at the request's departure */
	double x4, l; /* the lower bound, at the answer's arrival */
};

/* Points of a set of exchanges, all taken against the same reference. */
struct pts {
	struct pt p[EST_CAPACITY + 1];
	unsigned n;
	int64_t ref_raw_ns;
	int64_t ref_ns;
};

static void pts_start(struct pts *ps, const struct est_exchange *ref)
{
	ps->n = 0;
	ps->ref_raw_ns = ref->recv_raw_ns;
	ps->ref_ns = ref->server_send_ms * NS_PER_MS;
}

static void pts_add_bounds(struct pts *ps, const struct bound *up, const struct bound *low)
{
	struct pt *p = &ps->p[ps->n++];
	/* Exact integer differences first; only small numbers become doubles. */
	p->x1 = (double)(up->raw_ns - ps->ref_raw_ns);
	p->x4 = (double)(low->raw_ns - ps->ref_raw_ns);
	p->u = (double)(up->platform_ns - ps->ref_ns) - p->x1;
	p->l = (double)(low->platform_ns - ps->ref_ns) - p->x4;
}

/* The highest offset at skew s that keeps every upper bound, seen at x: min(u + s(x - x1)). */
static double upper(const struct pts *ps, double s, double x)
{
	double v = INFINITY;
	for (unsigned i = 0; i < ps->n; i++) {
		double t = ps->p[i].u + s * (x - ps->p[i].x1);
		if (t < v)
			v = t;
	}
	return v;
}

/* The lowest that keeps every lower bound: max(l + s(x - x4)). */
static double lower(const struct pts *ps, double s, double x)
{
	double v = -INFINITY;
	for (unsigned i = 0; i < ps->n; i++) {
		double t = ps->p[i].l + s * (x - ps->p[i].x4);
		if (t > v)
			v = t;
	}
	return v;
}

/* The corridor's width at skew s: the same wherever it is measured, since both edges are lines
 * of skew s. Concave in s: a minimum of lines less a maximum of lines. */
static double width(const struct pts *ps, double s)
{
	return upper(ps, s, 0) - lower(ps, s, 0);
}

enum goal { WIDTH, UPPER_AT, MINUS_LOWER_AT };

/* Each goal is concave in s, so a golden-section search finds its maximum. */
static double goal_value(const struct pts *ps, enum goal g, double x, double s)
{
	switch (g) {
	case UPPER_AT:
		return upper(ps, s, x);
	case MINUS_LOWER_AT:
		return -lower(ps, s, x);
	case WIDTH:
	default:
		return width(ps, s);
	}
}

static double argmax(const struct pts *ps, enum goal g, double x, double lo, double hi)
{
	const double r = 0.6180339887498949;
	double a = hi - r * (hi - lo), b = lo + r * (hi - lo);
	double fa = goal_value(ps, g, x, a), fb = goal_value(ps, g, x, b);

	for (int i = 0; i < SEARCH_STEPS; i++) {
		if (fa < fb) {
			lo = a;
			a = b;
			fa = fb;
			b = lo + r * (hi - lo);
			fb = goal_value(ps, g, x, b);
		} else {
			hi = b;
			b = a;
			fb = fa;
			a = hi - r * (hi - lo);
			fa = goal_value(ps, g, x, a);
		}
	}
	return (lo + hi) / 2;
}

/* The skew where width first reaches level, searched between out (below level) and in (at
 * or above it). */
static double edge(const struct pts *ps, double level, double out, double in)
{
	for (int i = 0; i < SEARCH_STEPS; i++) {
		double mid = (out + in) / 2;
		if (width(ps, mid) >= level)
			in = mid;
		else
			out = mid;
	}
	return in;
}

/* The skews, from *lo to *hi, where the width is at least level: an interval around best
 * (where it is), since the width is concave in s; within [-smax, smax]. */
static void skews_reaching(const struct pts *ps, double level, double best, double smax, double *lo,
                           double *hi)
{
	*lo = width(ps, -smax) >= level ? -smax : edge(ps, level, -smax, best);
	*hi = width(ps, smax) >= level ? smax : edge(ps, level, smax, best);
}

/* Whether the points leave a line that keeps every bound, within the tolerance. Nearly always
 * the skew known so far (guess) shows it at once; only a conflict needs the search. */
static bool agree(const struct pts *ps, const struct est_config *c, double guess)
{
	if (width(ps, guess) >= -(double)c->tolerance_ns)
		return true;
	double s = argmax(ps, WIDTH, 0, -c->max_skew, c->max_skew);
	return width(ps, s) >= -(double)c->tolerance_ns;
}

static struct stretch stretch_of(const struct est_config *c, const struct est_exchange *x)
{
	struct stretch st = {
	    .up = {x->send_raw_ns, x->server_recv_ms * NS_PER_MS + c->stamp_hi_ns},
	    .low = {x->recv_raw_ns, x->server_send_ms * NS_PER_MS + c->stamp_lo_ns},
	};
	return st;
}

static int64_t ahead(const struct bound *b)
{
	return b->platform_ns - b->raw_ns;
}

static void skew_push(struct est_state *e, const struct stretch *st)
{
	if (e->skew_n == EST_SKEW_CAPACITY) {
		e->skew_first = (e->skew_first + 1) % EST_SKEW_CAPACITY;
		e->skew_n--;
	}
	e->skew[(e->skew_first + e->skew_n) % EST_SKEW_CAPACITY] = *st;
	e->skew_n++;
}

static void reach_update(struct est_state *e);

/* Files an exchange in the skew history: a stretch gathers the exchanges answered within half
 * of skew_group_ns of its first, so one poll's burst makes one stretch however its start
 * jitters, and the next poll's burst starts the next; stretches older than the longest reach
 * (window_ns) leave. */
static void skew_note(struct est_state *e, const struct est_exchange *x)
{
	struct stretch st = stretch_of(&e->cfg, x);

	if (e->open_any && x->recv_raw_ns - e->open_start_ns >= e->cfg.skew_group_ns / 2) {
		skew_push(e, &e->open);
		e->open_any = false;
		reach_update(e);
	}
	while (e->skew_n > 0 &&
	       e->skew[e->skew_first].low.raw_ns < x->recv_raw_ns - SKEW_REACH * e->cfg.window_ns) {
		e->skew_first = (e->skew_first + 1) % EST_SKEW_CAPACITY;
		e->skew_n--;
	}
	if (!e->open_any) {
		e->open = st;
		e->open_start_ns = x->recv_raw_ns;
		e->open_any = true;
		return;
	}
	if (ahead(&st.up) < ahead(&e->open.up))
		e->open.up = st.up;
	if (ahead(&st.low) > ahead(&e->open.low))
		e->open.low = st.low;
}

static void skew_clear(struct est_state *e)
{
	e->skew_first = 0;
	e->skew_n = 0;
	e->open_any = false;
}

static const struct est_exchange *win_at(const struct est_state *e, unsigned i)
{
	return &e->win[(e->win_first + i) % EST_CAPACITY];
}

static void win_drop_oldest(struct est_state *e)
{
	e->win_first = (e->win_first + 1) % EST_CAPACITY;
	e->win_n--;
}

static void win_push(struct est_state *e, const struct est_exchange *x)
{
	if (e->win_n == e->cfg.window_max)
		win_drop_oldest(e);
	e->win[(e->win_first + e->win_n) % EST_CAPACITY] = *x;
	e->win_n++;
}

static void held_drop_oldest(struct est_state *e)
{
	memmove(&e->held[0], &e->held[1], (e->held_n - 1) * sizeof(e->held[0]));
	e->held_n--;
	e->count.outliers++;
}

static void pts_add(struct pts *ps, const struct est_config *c, const struct est_exchange *x)
{
	struct stretch st = stretch_of(c, x);
	pts_add_bounds(ps, &st.up, &st.low);
}

/* The ring's index of its first exchange answered at from_ns or later. */
static unsigned win_since(const struct est_state *e, int64_t from_ns)
{
	unsigned i = 0;
	while (i < e->win_n && win_at(e, i)->recv_raw_ns < from_ns)
		i++;
	return i;
}

/* The ring's index of the window's first exchange: the window is what the ring holds within
 * the reach of its newest exchange. */
static unsigned win_start(const struct est_state *e)
{
	if (e->win_n == 0)
		return 0;
	return win_since(e, win_at(e, e->win_n - 1)->recv_raw_ns - e->reach_ns);
}

/* Points of the ring's exchanges within reach_ns of ref, and of x too when it is not NULL,
 * against ref (x, or else the newest exchange). */
static void span_points(const struct est_state *e, const struct est_exchange *x, int64_t reach_ns,
                        struct pts *ps)
{
	const struct est_exchange *ref = x != NULL ? x : win_at(e, e->win_n - 1);
	pts_start(ps, ref);
	for (unsigned i = win_since(e, ref->recv_raw_ns - reach_ns); i < e->win_n; i++)
		pts_add(ps, &e->cfg, win_at(e, i));
	if (x != NULL)
		pts_add(ps, &e->cfg, x);
}

/* Points of the window, and of x too when it is not NULL. */
static void window_points(const struct est_state *e, const struct est_exchange *x, struct pts *ps)
{
	span_points(e, x, e->reach_ns, ps);
}

static void held_points(const struct est_state *e, struct pts *ps)
{
	pts_start(ps, &e->held[e->held_n - 1]);
	for (unsigned i = 0; i < e->held_n; i++)
		pts_add(ps, &e->cfg, &e->held[i]);
}

static bool skew(const struct est_state *e, double *out);

/* The newest exchanges searched for the first of a new clock. */
#define NEWEST 16
/* Exchanges the window must hold besides those before they are compared: fewer make a corridor
 * so loose that new exchanges land past its edges by chance. */
#define OLDER_MIN 32

static void remember_skew(struct est_state *e, int64_t until_ns);
static bool shorten_to_agree(struct est_state *e, const struct est_exchange *x, double guess);

/* Restarts the window and the skew history from the last n exchanges of the window. */
static void restart_from_newest(struct est_state *e, unsigned n)
{
	struct est_exchange keep[NEWEST];

	for (unsigned i = 0; i < n; i++)
		keep[i] = *win_at(e, e->win_n - n + i);
	/* The new clock's exchanges are in the history already: the skew before the step comes
	 * from the stretches before them. */
	remember_skew(e, keep[0].send_raw_ns);
	e->win_first = 0;
	e->win_n = 0;
	skew_clear(e);
	e->reach_ns = e->cfg.window_ns;
	e->noise = 0;
	for (unsigned i = 0; i < n; i++) {
		win_push(e, &keep[i]);
		skew_note(e, &keep[i]);
	}
	e->count.steps++;
}

/*
 * How many of the newest exchanges belong to a new clock, stepped from the older ones' by
 * about the corridor's width or less; 0 when there is none. Such a step breaks no bound, it only
 * pinches the corridor, so causality cannot tell it. Take a step forward by D. An exchange of
 * the new clock can have its lower bound above every older one (by D less its delay down),
 * which no exchange of the old clock can, the older corridor's lower edge being the highest of
 * theirs; and every exchange from then on has its upper bound above the older corridor's upper
 * edge (by D and more). So the first exchange past the lower edge (by two stamp quanta: the
 * margin) starts the new clock, and once step_min exchanges from it on all sit above the upper
 * edge too, it is a step. A step back is the mirror image.
 *
 * A floor that drops by F on both sides looks alike for a moment: a lower bound rises by F
 * less the delay down, while upper bounds sink by F and rise again by the delay up. It is told
 * apart by how far: after a step every upper bound is raised by at least what any lower bound
 * is, after such a drop by 2F less, so that is asked too; and one lower bound must have risen
 * by twice the margin, which a drop of a few ms seldom gives. A small step is then left to
 * the window's turning over: it costs at most half of itself for the window's length.
 *
 * Only the newest NEWEST are searched, against all before them: once an exchange of the new
 * clock is counted among the older ones it pinches their corridor too, and no comparison sees
 * the step any more; and an old exchange counted as new would pin the new window.
 */
static unsigned newest_apart(const struct est_state *e)
{
	struct pts older, one;
	double s;

	const unsigned start = win_start(e);
	if (e->win_n - start < NEWEST + OLDER_MIN || !skew(e, &s))
		return 0;
	const struct est_exchange *ref = win_at(e, e->win_n - 1);
	pts_start(&older, ref);
	for (unsigned i = start; i < e->win_n - NEWEST; i++)
		pts_add(&older, &e->cfg, win_at(e, i));
	const double margin = 2 * (double)(e->cfg.stamp_hi_ns - e->cfg.stamp_lo_ns);
	const double lo = lower(&older, s, 0), hi = upper(&older, s, 0);

	/* Per direction (forward, back): how far an exchange's bound on the edge it moves
	 * first (near) and on the other (far) lie past the older corridor's; the run of
	 * exchanges since the first of a new clock, and its least far and most near. */
	unsigned run[2] = {0, 0};
	double least_far[2], most_near[2];
	for (unsigned i = e->win_n - NEWEST; i < e->win_n; i++) {
		pts_start(&one, ref);
		pts_add(&one, &e->cfg, win_at(e, i));
		double l = lower(&one, s, 0), u = upper(&one, s, 0);
		double near[2] = {l - lo, hi - u}, far[2] = {u - hi, lo - l};
		for (int d = 0; d < 2; d++) {
			if (far[d] <= margin) {
				run[d] = 0;
				continue;
			}
			if (run[d] == 0 && near[d] <= margin)
				continue;
			if (run[d] == 0) {
				least_far[d] = far[d];
				most_near[d] = near[d];
			}
			run[d]++;
			least_far[d] = fmin(least_far[d], far[d]);
			most_near[d] = fmax(most_near[d], near[d]);
		}
	}
	for (int d = 0; d < 2; d++)
		if (run[d] >= e->cfg.step_min && most_near[d] > 2 * margin &&
		    least_far[d] >= most_near[d] - margin)
			return run[d];
	return 0;
}

struct est_state *est_create(const struct est_config *cfg)
{
	if (cfg->window_max == 0 || cfg->window_max > EST_CAPACITY || cfg->step_min == 0 ||
	    cfg->step_min > EST_HELD_MAX || !(cfg->max_skew > 0 && cfg->max_skew < 0.01) ||
	    cfg->stamp_hi_ns <= cfg->stamp_lo_ns || cfg->window_ns <= 0 || cfg->tolerance_ns < 0 ||
	    cfg->skew_group_ns <= 0 || cfg->window_ns < cfg->skew_group_ns)
		return NULL;
	struct est_state *e = calloc(1, sizeof(*e));
	if (e != NULL) {
		e->cfg = *cfg;
		e->reach_ns = cfg->window_ns;
	}
	return e;
}

void est_destroy(struct est_state *e)
{
	free(e);
}

enum est_outcome est_add(struct est_state *e, const struct est_exchange *x)
{
	struct pts ps;

	/* The platform cannot have taken longer than the whole round trip, beyond what its
	 * stamps' quantum explains: such an exchange agrees with no clock at all. */
	if (x->recv_raw_ns < x->send_raw_ns || x->server_send_ms < x->server_recv_ms ||
	    (x->server_send_ms - x->server_recv_ms) * NS_PER_MS >
	        x->recv_raw_ns - x->send_raw_ns + (e->cfg.stamp_hi_ns - e->cfg.stamp_lo_ns) +
	            e->cfg.tolerance_ns)
		return EST_INVALID;
	/* The rate is taken as constant over the window, so old exchanges go. */
	while (e->win_n > 0 && win_at(e, 0)->recv_raw_ns < x->recv_raw_ns - e->cfg.window_ns)
		win_drop_oldest(e);
	while (e->held_n > 0 && e->held[0].recv_raw_ns < x->recv_raw_ns - e->cfg.window_ns)
		held_drop_oldest(e);

	double guess;
	if (!skew(e, &guess))
		guess = 0;
	window_points(e, x, &ps);
	if (ps.n == 1 || agree(&ps, &e->cfg, guess) || shorten_to_agree(e, x, guess)) {
		win_push(e, x);
		skew_note(e, x);
		e->count.taken++;
		/* What was held aside agreed with neither the window nor this: outliers. */
		e->count.outliers += e->held_n;
		e->held_n = 0;
		unsigned n = newest_apart(e);
		if (n > 0) {
			restart_from_newest(e, n);
			return EST_STEP;
		}
		return EST_TAKEN;
	}

	if (e->held_n == EST_HELD_MAX)
		held_drop_oldest(e);
	e->held[e->held_n++] = *x;
	/* Held exchanges that disagree among themselves are not one new clock: the oldest go. */
	for (;;) {
		held_points(e, &ps);
		if (e->held_n == 1 || agree(&ps, &e->cfg, guess))
			break;
		held_drop_oldest(e);
	}
	if (e->held_n < e->cfg.step_min)
		return EST_HELD;

	remember_skew(e, INT64_MAX);
	e->win_first = 0;
	e->win_n = 0;
	skew_clear(e);
	e->reach_ns = e->cfg.window_ns;
	e->noise = 0;
	for (unsigned i = 0; i < e->held_n; i++) {
		win_push(e, &e->held[i]);
		skew_note(e, &e->held[i]);
	}
	e->count.taken += e->held_n;
	e->held_n = 0;
	e->count.steps++;
	return EST_STEP;
}

/* Stretches the history needs before its skew is used: fewer span too little time. */
#define MIN_STRETCHES 8

/* Closed stretches within the reach of the newest exchange, oldest first, from index *first. */
static unsigned stretches_in_reach(const struct est_state *e, int64_t reach_ns, unsigned *first)
{
	int64_t from = win_at(e, e->win_n - 1)->recv_raw_ns - reach_ns;
	unsigned i = 0;
	while (i < e->skew_n && e->skew[(e->skew_first + i) % EST_SKEW_CAPACITY].low.raw_ns < from)
		i++;
	*first = i;
	return e->skew_n - i;
}

/* How far back the skew history reaches for a window of reach_ns (see SKEW_REACH). */
static int64_t skew_span(const struct est_state *e, int64_t reach_ns)
{
	return reach_ns >= e->cfg.window_ns ? SKEW_REACH * e->cfg.window_ns : reach_ns;
}

/* How long a time the stretches from index first on span. */
static int64_t stretches_span(const struct est_state *e, unsigned first)
{
	const struct stretch *oldest = &e->skew[(e->skew_first + first) % EST_SKEW_CAPACITY];
	const struct stretch *newest =
	    &e->skew[(e->skew_first + e->skew_n - 1) % EST_SKEW_CAPACITY];
	return newest->low.raw_ns - oldest->up.raw_ns;
}

/* Whether the history tells the skew better than what came before it: at the start, once its
 * reach holds a few stretches; after a step, once they span half as long as the history the
 * skew before the step came from (up to window_ns): a step of the platform's clock leaves its
 * rate alone, and a skew from a few minutes is worse than one from hours. */
static bool history_ready(const struct est_state *e)
{
	unsigned first;
	if (e->win_n == 0 ||
	    stretches_in_reach(e, skew_span(e, e->reach_ns), &first) < MIN_STRETCHES)
		return false;
	if (!e->have_prior)
		return true;
	int64_t span =
	    e->prior_span_ns / 2 < e->cfg.window_ns ? e->prior_span_ns / 2 : e->cfg.window_ns;
	return stretches_span(e, first) >= span;
}

/* The skew: from the history once it is ready; until then the one from before the last step (a
 * step of the platform's clock leaves its rate alone). False at the very start, while neither
 * exists. */
static bool skew(const struct est_state *e, double *out)
{
	if (history_ready(e)) {
		*out = e->history_skew;
		return true;
	}
	*out = e->prior_skew;
	return e->have_prior;
}

/*
 * How far back the window reaches.
 *
 * The corridor narrows with every exchange it holds, whenever it came, as long as one straight
 * line (offset and rate) describes the platform's clock over the window: its edges come from the
 * least delayed exchanges, and the more exchanges, the less delayed the least. So the window
 * should hold as many exchanges as it can (up to window_max), which at a low request rate means
 * reaching far back: at 5,400 requests a day an hour holds 225. But a crystal's rate bends with
 * temperature, a path's floor moves, and over a long reach the line then misses the recent
 * time: a rate wandering by 2 ppm over half an hour bends the offset by half a ms.
 *
 * The rule is Lepski's method, in its simplest form: reaches of window_ns, its half, its
 * quarter... down to the shortest that holds REACH_MIN_EXCHANGES, each give the platform's time
 * at the newest exchange (the corridor's middle, all at the skew of the longest reach whose
 * bounds a line keeps) and how far chance alone moves that estimate. The shortest reach is the
 * least bent; the longest reach whose estimate agrees with the shortest's, within REACH_GAMMA
 * of their noise levels added, is kept. A bend or a moved floor shows as a longer reach's
 * estimate leaving the shortest's; without one they agree and the reach grows back to
 * window_ns. Each is compared with the shortest alone, not with every shorter one: a reach
 * that holds a sliver of exchanges from before a floor moved mixes two floors at its old end,
 * and its estimate may stray where a longer one's does not. A reach whose bounds conflict
 * beyond the tolerance is one no line keeps at all, and stops the search too (the bounds show
 * the bend directly; on a tight path they do that long before the noise levels would).
 *
 * The noise of a reach comes from its own exchanges: an edge of the corridor is the least
 * delayed of n exchanges, whose excess over the floor is about 2/(n + 1) of their mean excess
 * over the edge (exact for uniform delays, twice the exponential's: the cautious side); the
 * middle carries half of each edge's, and the skew's error, carried from the middle of the reach
 * to its newest end, about as much again.
 *
 * Limits: a bend too small against the noise of the shorter reaches is kept (it costs less
 * than it would cost to drop the exchanges); a bend faster than the shortest reach is not
 * followed below that reach's noise; and the reach is judged once per stretch (a poll), while a
 * conflict with a new exchange shortens it at once (shorten_to_agree).
 */

/* Exchanges and stretches the shortest reach holds at least: fewer tell neither the corridor's
 * middle nor the skew well enough to judge a longer one by. */
#define REACH_MIN_EXCHANGES 32
#define REACH_MIN_STRETCHES 8
/* A conflict with the newest exchange may shorten the reach down to this many exchanges: the
 * bounds themselves show the bend there, with no noise to judge. */
#define CONFLICT_MIN_EXCHANGES 16
/* Reaches tried at most: window_ns and its halves. */
#define REACH_LEVELS 8
/* How many noise levels apart two reaches' estimates may lie and still agree. */
#define REACH_GAMMA 2.0

/* The skews a reach's stretches tell: the one that leaves the widest corridor, and those that
 * come within the tolerance of it, from lo to hi. */
struct skew_fit {
	double mid, lo, hi;
};

/* The skew over a reach from its stretches that began before until_ns (see reach_skew). */
static bool skew_until(const struct est_state *e, int64_t reach_ns, int64_t until_ns,
                       struct skew_fit *f)
{
	struct pts ps;
	const double smax = e->cfg.max_skew, tol = (double)e->cfg.tolerance_ns;
	unsigned first;

	stretches_in_reach(e, skew_span(e, reach_ns), &first);
	pts_start(&ps, win_at(e, e->win_n - 1));
	for (unsigned i = first; i < e->skew_n; i++) {
		const struct stretch *st = &e->skew[(e->skew_first + i) % EST_SKEW_CAPACITY];
		if (st->up.raw_ns < until_ns && st->low.raw_ns < until_ns)
			pts_add_bounds(&ps, &st->up, &st->low);
	}
	if (ps.n < 2)
		return false;
	double best = argmax(&ps, WIDTH, 0, -smax, smax);
	double w = width(&ps, best);
	skews_reaching(&ps, w - tol, best, smax, &f->lo, &f->hi);
	f->mid = (f->lo + f->hi) / 2;
	return w >= -tol;
}

/* The skew over a reach, from its stretches' tightest bounds: the one that leaves the widest
 * corridor (the middle of those within the tolerance of it, when the tightest bounds all lie
 * close in time and leave the width flat). False if the bounds conflict beyond the tolerance:
 * no line keeps them (the skew is still given). */
static bool reach_skew(const struct est_state *e, int64_t reach_ns, struct skew_fit *f)
{
	return skew_until(e, reach_ns, INT64_MAX, f);
}

/* The corridor's middle at the newest exchange over a reach's exchanges, at skew s (kept among
 * those they allow), in ns from the newest exchange's T3 less the nominal rate; and how far
 * chance alone moves it (see reach_update). */
static void reach_middle(const struct est_state *e, int64_t reach_ns, double s, double *y,
                         double *sigma)
{
	struct pts ps;
	const double smax = e->cfg.max_skew;
	double lo, hi;

	span_points(e, NULL, reach_ns, &ps);
	double best = argmax(&ps, WIDTH, 0, -smax, smax);
	double w = width(&ps, best);
	skews_reaching(&ps, w >= 0 ? 0 : w, best, smax, &lo, &hi);
	s = fmin(fmax(s, lo), hi);
	double up = upper(&ps, s, 0), low = lower(&ps, s, 0), eu = 0, el = 0;
	for (unsigned i = 0; i < ps.n; i++) {
		eu += ps.p[i].u - s * ps.p[i].x1 - up;
		el += low - (ps.p[i].l - s * ps.p[i].x4);
	}
	double n = (double)ps.n;
	*y = (up + low) / 2;
	*sigma = hypot(2 * eu / n / (n + 1), 2 * el / n / (n + 1));
}

/* Judges the reach (see above) and takes its skew as the history's. */
static void reach_update(struct est_state *e)
{
	int64_t reach[REACH_LEVELS];
	struct skew_fit skews[REACH_LEVELS];
	unsigned levels = 0, first;
	int64_t newest = win_at(e, e->win_n - 1)->recv_raw_ns;

	for (int64_t r = e->cfg.window_ns; levels < REACH_LEVELS; r /= 2) {
		if (e->win_n - win_since(e, newest - r) < REACH_MIN_EXCHANGES ||
		    stretches_in_reach(e, r, &first) < REACH_MIN_STRETCHES)
			break;
		reach[levels++] = r;
	}
	double y;
	if (levels == 0) {
		/* Too few exchanges to tell a bend: all of them, and the skew they give. */
		struct skew_fit f;
		if (e->skew_n >= 2) {
			reach_skew(e, e->cfg.window_ns, &f);
			e->history_skew = f.mid;
		}
		e->reach_ns = e->cfg.window_ns;
		reach_middle(e, e->reach_ns, e->history_skew, &y, &e->noise);
		return;
	}
	/* The reaches whose bounds a line keeps, from the shortest on; the estimates are compared
	 * at the skew of the longest of them, as a short reach's own skew is too loose to tell. */
	int held = (int)levels - 1;
	bool holds = reach_skew(e, reach[held], &skews[held]);
	while (holds && held > 0 && reach_skew(e, reach[held - 1], &skews[held - 1]))
		held--;
	int chosen = (int)levels - 1;
	const double tol = (double)e->cfg.tolerance_ns;
	if (holds) {
		double y_short, sigma_short, sigma;
		reach_middle(e, reach[levels - 1], skews[held].mid, &y_short, &sigma_short);
		for (int k = (int)levels - 2; k >= held; k--) {
			reach_middle(e, reach[k], skews[held].mid, &y, &sigma);
			/* Within the tolerance two estimates always agree, as two bounds do. */
			if (fabs(y - y_short) <= REACH_GAMMA * (sigma + sigma_short) + tol)
				chosen = k;
		}
	}
	int64_t r = reach[chosen];
	/* Even the shortest reach conflicts: a conflict with a new exchange may have shortened
	 * the reach further, and it stays so until the conflicting stretches leave. */
	if (!holds && e->reach_ns < r)
		r = e->reach_ns;
	if (r < e->reach_ns) {
		e->count.shortened++;
		/* The reach it had no longer holds a line: a bend, not chance. */
		if (!holds || reach[held] < e->reach_ns)
			e->count.bent++;
	}
	e->reach_ns = r;
	/* The reach's own skew is loose where its tightest bounds gather at one end (a floor that
	 * rose leaves the older exchanges the tightest): the longest holding reach's skew, where
	 * the chosen reach's stretches allow it, is the better one. */
	e->history_skew = holds ? fmin(fmax(skews[held].mid, skews[chosen].lo), skews[chosen].hi)
	                        : skews[chosen].mid;
	reach_middle(e, r, e->history_skew, &y, &e->noise);
}

/* A new exchange that conflicts with the window but agrees with a shorter reach of it that
 * still holds REACH_MIN_EXCHANGES shows the rate bending over the window: the window shortens
 * to the longest such reach. One that agrees with none is held (est_add). */
static bool shorten_to_agree(struct est_state *e, const struct est_exchange *x, double guess)
{
	struct pts ps;

	for (int64_t r = e->reach_ns / 2; r > 0; r /= 2) {
		if (e->win_n - win_since(e, x->recv_raw_ns - r) < CONFLICT_MIN_EXCHANGES)
			return false;
		span_points(e, x, r, &ps);
		if (agree(&ps, &e->cfg, guess)) {
			e->reach_ns = r;
			e->count.shortened++;
			e->count.bent++;
			return true;
		}
	}
	return false;
}

/* Keeps the skew of the history's stretches that began before until_ns, for the time after a
 * step, while the new history is young. */
static void remember_skew(struct est_state *e, int64_t until_ns)
{
	unsigned first;
	struct skew_fit s;
	if (history_ready(e) && skew_until(e, e->reach_ns, until_ns, &s)) {
		stretches_in_reach(e, skew_span(e, e->reach_ns), &first);
		/* A skew taken over from before an earlier step counts as long as it did. */
		int64_t span = stretches_span(e, first);
		e->prior_span_ns =
		    e->have_prior && e->prior_span_ns > span ? e->prior_span_ns : span;
		e->prior_skew = s.mid;
		e->have_prior = true;
	}
}

/* Widens [*y_lo, *y_hi] (at raw_ns, in ps's terms) to the times the newest
 * CONFLICT_MIN_EXCHANGES of the window allow at raw_ns. */
static void newest_range(const struct est_state *e, int64_t raw_ns, const struct pts *ps,
                         double *y_lo, double *y_hi)
{
	struct pts few;
	const double smax = e->cfg.max_skew;
	unsigned n = e->win_n - win_start(e);

	if (n <= CONFLICT_MIN_EXCHANGES)
		return;
	pts_start(&few, win_at(e, e->win_n - 1));
	for (unsigned i = e->win_n - CONFLICT_MIN_EXCHANGES; i < e->win_n; i++)
		pts_add(&few, &e->cfg, win_at(e, i));
	double best = argmax(&few, WIDTH, 0, -smax, smax), lo, hi;
	double w = width(&few, best);
	skews_reaching(&few, w >= 0 ? 0 : w, best, smax, &lo, &hi);
	double x = (double)(raw_ns - few.ref_raw_ns);
	/* In ps's terms: the references differ by raw and platform time alike. */
	double shift = (double)((few.ref_ns - ps->ref_ns) - (few.ref_raw_ns - ps->ref_raw_ns));
	double top = upper(&few, argmax(&few, UPPER_AT, x, lo, hi), x) + shift;
	double bottom = lower(&few, argmax(&few, MINUS_LOWER_AT, x, lo, hi), x) + shift;
	*y_hi = fmax(*y_hi, top);
	*y_lo = fmin(*y_lo, bottom);
}

int64_t est_at(const struct est_estimate *e, int64_t raw_ns)
{
	int64_t dx = raw_ns - e->raw_ns;
	return e->platform_ns + dx + (int64_t)((double)dx * e->skew);
}

bool est_now(const struct est_state *e, int64_t raw_ns, struct est_estimate *out)
{
	struct pts ps;
	const double smax = e->cfg.max_skew;

	if (e->win_n == 0)
		return false;
	window_points(e, NULL, &ps);

	/* The skews that keep every bound; if the bounds conflict a little (within the
	 * tolerance), the one skew that comes closest. */
	double s_best = argmax(&ps, WIDTH, 0, -smax, smax);
	double w_best = width(&ps, s_best);
	double s_lo, s_hi;
	skews_reaching(&ps, w_best >= 0 ? 0 : w_best, s_best, smax, &s_lo, &s_hi);
	/* Until the history tells the skew, the middle of those the window allows: the nominal
	 * rate while the window is short and allows almost any. */
	double s;
	if (!skew(e, &s))
		s = (s_lo + s_hi) / 2;
	/* Kept among the skews the window allows, so the line keeps the window's bounds. */
	s = fmin(fmax(s, s_lo), s_hi);

	double x = (double)(raw_ns - ps.ref_raw_ns);
	double y = (upper(&ps, s, x) + lower(&ps, s, x)) / 2;
	/* Whatever line keeps the bounds, it passes between these at x. */
	double y_hi = upper(&ps, argmax(&ps, UPPER_AT, x, s_lo, s_hi), x);
	double y_lo = lower(&ps, argmax(&ps, MINUS_LOWER_AT, x, s_lo, s_hi), x);
	/* Over the window a bend within the tolerance can carry the line off the platform's
	 * clock by more than the window's range; over the newest few exchanges it cannot: the
	 * bound takes in the range those allow too. */
	newest_range(e, raw_ns, &ps, &y_lo, &y_hi);
	double err = fmax(fmax(y_hi - y, y - y_lo), 0) + (w_best < 0 ? -w_best : 0);

	int64_t min_rtt = INT64_MAX;
	const unsigned start = win_start(e);
	for (unsigned i = start; i < e->win_n; i++) {
		const struct est_exchange *w = win_at(e, i);
		int64_t rtt = w->recv_raw_ns - w->send_raw_ns -
		              (w->server_send_ms - w->server_recv_ms) * NS_PER_MS +
		              (e->cfg.stamp_hi_ns - e->cfg.stamp_lo_ns);
		if (rtt < min_rtt)
			min_rtt = rtt;
	}
	*out = (struct est_estimate){
	    .raw_ns = raw_ns,
	    .platform_ns = ps.ref_ns + (raw_ns - ps.ref_raw_ns) + llround(y),
	    .error_ns = (int64_t)ceil(err),
	    .skew = s,
	    .exchanges = e->win_n - start,
	    .min_rtt_ns = min_rtt,
	    .reach_ns = e->reach_ns,
	    .noise_ns = (int64_t)ceil(e->noise),
	};
	return true;
}

bool est_unsettled(const struct est_state *e)
{
	return e->held_n > 0;
}

void est_clear(struct est_state *e)
{
	skew_clear(e);
	e->reach_ns = e->cfg.window_ns;
	e->noise = 0;
	e->win_first = 0;
	e->win_n = 0;
	e->held_n = 0;
}

const struct est_counters *est_counters(const struct est_state *e)
{
	return &e->count;
}
