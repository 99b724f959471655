/**
 * How many Kizen requests may be in flight, and when the next one may start.
 *
 * Kizen documents no rate limit and no capacity, so the node finds both while it runs, from what
 * each HTTP request tells it (its latency and its outcome), in the spirit of TCP congestion
 * control and Netflix's concurrency-limits (Vegas, Gradient2):
 *
 * - **Adaptive** (the default): the limit starts at 4 and moves once per measuring window (about
 *   one round trip). While the window's mean latency stays at the lowest window mean seen recently
 *   it doubles, up to half the ceiling ("slow start"); while latency stays near that minimum it
 *   grows, the more the closer; from 1.5× the minimum (Kizen is queueing our requests) it shrinks
 *   to 0.8×, and a 429 or an overload answer (502/503/504, timeout) takes it to 0.7×, once per
 *   flight of requests. Now and then one window runs at half the limit to re-measure the minimum.
 *   The user's number is the ceiling; 1 means one request at a time.
 * - **Fixed**: always the user's number in flight, as before.
 *
 * In both modes a 429 pauses every request until its Retry-After, then the pool resumes **paced**:
 * one request every 1/rate seconds, at 0.9× the rate Kizen was accepting just before, probing
 * upward (2 % a second near the rate at which the pace itself was last refused, doubling each
 * second elsewhere). So the pool settles at an account's rate limit instead of restarting all at
 * once and colliding again; pacing ends once it could not hold anything back.
 *
 * `ConcurrencyController` holds the rules and never waits: it is driven by an injected clock and
 * random source, so its rules are unit-tested without timers. `RequestGate` is the waiting room in
 * front of it that the transport awaits before each HTTP request.
 */
import { sleepWithAbort } from 'n8n-workflow';

export type ConcurrencyMode = 'adaptive' | 'fixed';

export interface ConcurrencySettings {
	mode: ConcurrencyMode;
	/** Most requests in flight at once (adaptive: the ceiling; fixed: the number). */
	maxConcurrency: number;
}

export interface Clock {
	/** Milliseconds, monotonic enough for durations (Date.now in the node). */
	now(): number;
	/** Uniform in [0, 1). */
	random(): number;
}

/** How a request ended, as far as the limiter is concerned. */
export type Outcome =
	/** Kizen answered (any status but the ones below): a latency sample. */
	| 'accepted'
	/** 429: refused before processing. Shrink, pause for Retry-After, pace. */
	| 'rateLimited'
	/** 502/503/504 or no answer in time: Kizen is struggling. Shrink. */
	| 'overloaded'
	/** Says nothing about Kizen's load (connection refused, cancelled, a local error). */
	| 'neutral';

export interface Ticket {
	readonly startedAt: number;
	/** Requests in flight once this one started, itself included. */
	readonly inFlightAtStart: number;
}

/** Where an adaptive limit starts: enough to measure latency, gentle on an unknown account. */
export const INITIAL_LIMIT = 4;
/** A window decides after at least this many samples (and at least one per request in flight). */
const MIN_WINDOW_SAMPLES = 8;
/** The latency baseline is the lowest window mean over this many recent windows. */
const BASELINE_WINDOWS = 30;
/**
 * Every so many windows (randomised, so parallel executions do not probe together) one window
 * runs at half the limit, to measure latency with less of our own load on Kizen (as BBR's
 * PROBE_RTT). Without it the baseline would creep up while the limit holds where Kizen queues,
 * and the limit would creep after it.
 */
const PROBE_EVERY = [18, 24] as const;
/**
 * Window mean ÷ baseline: up to FLAT, latency has not moved (slow start doubles); up to
 * NEAR_MINIMUM, still near it (grow, the more the closer to the minimum); from RISING, Kizen is
 * queueing our requests (shrink). Gradient2 tolerates 1.5× by default; growth stops earlier.
 */
const FLAT = 1.1;
const NEAR_MINIMUM = 1.3;
const RISING = 1.5;
/**
 * Latency must stay that high for two windows and this long before the limit shrinks for it: a
 * CPU stall on the n8n host (another workflow, garbage collection) slows answers too, and is not
 * Kizen queueing. Refusals and overload answers act at once.
 */
const RISING_FOR_MS = 1000;
/** Absolute slack so scheduling noise of a few ms on a fast network is not read as queueing. */
const LATENCY_SLACK_MS = 5;
/** Slow start doubles the limit per window, up to half the ceiling (TCP's initial ssthresh). */
const SLOW_START_GROWTH = 2;
/** Growth per window at the minimum latency, falling to +1 at NEAR_MINIMUM. */
const MOST_GROWTH = 0.5;
const LATENCY_BACKOFF = 0.8;
const REFUSAL_BACKOFF = 0.7;
/**
 * A refusal is remembered as an edge (CUBIC's W_max): growth is fast up to NEAR_EDGE of the limit
 * Kizen refused, then EDGE_STEP per window, so the pool does not run into the same wall a second
 * later (each 429 pauses every request for its Retry-After). Past PAST_EDGE of it without a
 * refusal the wall has moved, and the edge is forgotten.
 */
const NEAR_EDGE = 0.9;
const EDGE_STEP = 0.1;
const PAST_EDGE = 1.1;

/** Pacing after a 429: start at this share of the rate Kizen was accepting. */
const PACE_BACKOFF = 0.9;
/**
 * The accepted rate is measured over the last second: long enough to count, short enough to be
 * the rate just before the refusal, not the ramp that led there.
 */
const RATE_WINDOW_MS = 1000;
/**
 * Growth per second of pacing: slow near the rate Kizen last refused at (within these bounds of
 * it), fast below (recovering) and above (the limit has moved) or when that rate is unknown.
 */
const PACE_FAST_GROWTH = 1;
const PACE_SLOW_GROWTH = 0.02;
const PACE_NEAR_REFUSAL = [0.9, 1.1] as const;
/** Requests per second when a 429 comes before any accepted answer gave a rate. */
const PACE_FIRST_RATE = 1;
const PACE_MIN_RATE = 0.2;
/** Pacing ends once it allows this many times what the concurrency limit could use. */
const PACE_IRRELEVANT = 2;
/** Accepted answers remembered for the rate (a ring, so memory stays flat). */
const RATE_SAMPLES = 256;

interface Window {
	since: number;
	count: number;
	sum: number;
	peakInFlight: number;
}

interface Pace {
	/** Requests per second. */
	rate: number;
	/** The rate Kizen was accepting when it last refused (the probe grows slowly near it). */
	refusedAt: number | undefined;
	/** Rate growth is applied from here on (never during a pause). */
	grownUntil: number;
	/** No paced request starts before this. */
	nextStartAt: number;
}

export class ConcurrencyController {
	private estimate: number;
	private slowStart = true;
	private running = 0;
	private window: Window;
	private readonly windowMeans: number[] = [];
	private windowsToProbe: number;
	private rising: { since: number; windows: number } | undefined;
	private probing = false;
	/** The limit at the last refusal or overload answer (none yet: undefined). */
	private edge: number | undefined;
	/** A refusal or overload of a request started before this was already reacted to. */
	private reactedAt = -Infinity;
	private pausedUntilMs = -Infinity;
	/** When the last pause ended: the accepted rate is measured from there, not across the pause. */
	private resumedAt = -Infinity;
	private pace: Pace | undefined;
	private readonly accepted: number[] = [];
	private acceptedNext = 0;
	/** When the first request started (the client is made before the items are prepared). */
	private firstStartAt: number | undefined;

	constructor(
		readonly settings: ConcurrencySettings,
		private readonly clock: Clock,
	) {
		const ceiling = settings.maxConcurrency;
		this.estimate = settings.mode === 'fixed' ? ceiling : Math.min(ceiling, INITIAL_LIMIT);
		this.window = this.newWindow(clock.now());
		this.windowsToProbe = this.nextProbe();
	}

	/** Requests allowed in flight now: a whole number between 1 and the ceiling. */
	get limit(): number {
		const limit = Math.max(1, Math.min(this.settings.maxConcurrency, Math.floor(this.estimate)));
		return this.probing ? Math.max(1, Math.floor(limit / 2)) : limit;
	}

	get inFlight(): number {
		return this.running;
	}

	/** No request starts before this (epoch ms): set by a 429's Retry-After. */
	get pausedUntil(): number {
		return this.pausedUntilMs;
	}

	/** Requests per second while paced after a 429, else undefined. */
	get pacedRate(): number | undefined {
		return this.pace?.rate;
	}

	/**
	 * How long until a request may start: 0 now, a number of milliseconds (a pause or the pace),
	 * or Infinity while the limit is reached (until a request in flight finishes).
	 */
	startDelay(): number {
		const now = this.clock.now();
		const wait = Math.max(this.pausedUntilMs, this.pace?.nextStartAt ?? -Infinity) - now;
		if (wait > 0) return wait;
		return this.running >= this.limit ? Infinity : 0;
	}

	/** Records a request's start (call only when `startDelay()` is 0). */
	start(): Ticket {
		const now = this.clock.now();
		this.firstStartAt ??= now;
		this.running += 1;
		if (this.pace) {
			this.growPace(now);
			if (this.pace)
				this.pace.nextStartAt = Math.max(this.pace.nextStartAt, now) + 1000 / this.pace.rate;
		}
		return { startedAt: now, inFlightAtStart: this.running };
	}

	/**
	 * Records how a request ended. `waitMs`: for a 429, how long Kizen asked to wait (Retry-After,
	 * or the transport's backoff when it gave none).
	 */
	finish(ticket: Ticket, outcome: Outcome, waitMs = 0): void {
		const now = this.clock.now();
		this.running = Math.max(0, this.running - 1);
		if (outcome === 'accepted') {
			this.rememberAccepted(now);
			this.sample(ticket, now - ticket.startedAt, now);
		} else if (outcome === 'rateLimited') {
			this.refused(ticket, now, waitMs);
		} else if (outcome === 'overloaded') {
			this.backOff(ticket, now);
		}
	}

	private nextProbe(): number {
		const [least, most] = PROBE_EVERY;
		return least + Math.floor(this.clock.random() * (most - least + 1));
	}

	private newWindow(since: number): Window {
		return { since, count: 0, sum: 0, peakInFlight: 0 };
	}

	/** One latency sample; a full window moves the limit. */
	private sample(ticket: Ticket, latencyMs: number, now: number): void {
		// Only requests started since the last decision tell how the current limit behaves.
		if (ticket.startedAt < this.window.since) return;
		const window = this.window;
		window.count += 1;
		window.sum += latencyMs;
		window.peakInFlight = Math.max(window.peakInFlight, ticket.inFlightAtStart);
		if (window.count < Math.max(MIN_WINDOW_SAMPLES, this.limit)) return;

		const mean = window.sum / window.count;
		this.windowMeans.push(mean);
		if (this.windowMeans.length > BASELINE_WINDOWS) this.windowMeans.shift();
		const baseline = Math.min(...this.windowMeans);
		this.window = this.newWindow(now);
		if (this.settings.mode === 'fixed') return;
		const probed = this.probing;
		this.probing = false;
		if (!this.slowStart && !probed && --this.windowsToProbe <= 0) {
			this.probing = true;
			this.windowsToProbe = this.nextProbe();
		}
		// A probe window measured the baseline; the limit moves on the next full-limit window.
		if (probed) return;

		const ratio = Math.max(1, (mean - LATENCY_SLACK_MS) / baseline);
		if (ratio > FLAT) this.slowStart = false;
		// A rise must last to count as queueing: since when, and over how many windows.
		if (ratio < RISING) {
			this.rising = undefined;
		} else {
			this.rising ??= { since: window.since, windows: 0 };
			this.rising.windows += 1;
		}
		if (ratio <= NEAR_MINIMUM) {
			// Grow only when the limit was what held requests back (not a short input or the pace).
			if (window.peakInFlight >= Math.floor(this.estimate)) {
				const headroom = (NEAR_MINIMUM - ratio) / (NEAR_MINIMUM - 1);
				const doubling =
					this.slowStart && this.estimate * SLOW_START_GROWTH <= this.settings.maxConcurrency / 2;
				const factor = doubling ? SLOW_START_GROWTH : 1 + MOST_GROWTH * headroom;
				let next = Math.max(this.estimate * factor, this.estimate + 1);
				if (this.edge !== undefined && this.estimate >= this.edge * PAST_EDGE)
					this.edge = undefined;
				if (this.edge !== undefined && next > this.edge * NEAR_EDGE) {
					next = Math.max(this.estimate + EDGE_STEP, Math.min(next, this.edge * NEAR_EDGE));
				}
				this.estimate = Math.min(this.settings.maxConcurrency, next);
			}
			return;
		}
		const rising = this.rising;
		if (rising && rising.windows >= 2 && now - rising.since >= RISING_FOR_MS) {
			// Queueing: back off, but latency alone never pushes below the starting limit (only
			// refusals and overload answers do).
			this.estimate = Math.max(
				Math.min(this.estimate, INITIAL_LIMIT),
				this.estimate * LATENCY_BACKOFF,
			);
		}
	}

	/**
	 * Multiplicative decrease, once per flight: requests started before the last reaction were
	 * sent at the old limit, and their failures are the same news.
	 */
	private backOff(ticket: Ticket, now: number): boolean {
		if (ticket.startedAt < this.reactedAt) return false;
		this.reactedAt = now;
		this.slowStart = false;
		if (this.settings.mode === 'adaptive') {
			this.edge = this.estimate;
			this.estimate = Math.max(1, this.estimate * REFUSAL_BACKOFF);
		}
		this.window = this.newWindow(now);
		return true;
	}

	/** A 429: everyone waits for Retry-After, then the pool resumes paced. */
	private refused(ticket: Ticket, now: number, waitMs: number): void {
		const observed = this.acceptedRate(now);
		const firstNews = this.backOff(ticket, now);
		this.pausedUntilMs = Math.max(this.pausedUntilMs, now + Math.max(0, waitMs));
		const resumeAt = this.pausedUntilMs;
		this.resumedAt = resumeAt;
		if (firstNews || !this.pace) {
			// Below what Kizen was accepting (or below the pace it refused, if lower).
			const base = Math.min(this.pace?.rate ?? Infinity, observed?.rate ?? Infinity);
			const rate = Math.max(
				PACE_MIN_RATE,
				Number.isFinite(base) ? base * PACE_BACKOFF : PACE_FIRST_RATE,
			);
			// The rate to approach slowly, known only once the pace itself was refused: what Kizen
			// accepted just before (or that pace). A first refusal says little (the pool may have
			// been held back by its concurrency limit), so the pace then grows fast until the next.
			const paced = this.pace?.rate;
			const refusedAt =
				paced === undefined
					? undefined
					: Math.min(paced, observed?.reliable ? observed.rate : paced);
			this.pace = { rate, refusedAt, grownUntil: resumeAt, nextStartAt: resumeAt };
		}
		// The first request after the pause starts at a random point of one interval, so separate
		// executions (or nodes) that were refused together do not come back together.
		const pace = this.pace;
		pace.grownUntil = Math.max(pace.grownUntil, resumeAt);
		pace.nextStartAt = Math.max(
			pace.nextStartAt,
			resumeAt + (this.clock.random() * 1000) / pace.rate,
		);
	}

	/** The pace creeps up while Kizen accepts; pacing ends once it could not hold anything back. */
	private growPace(now: number): void {
		const pace = this.pace;
		if (!pace || now <= pace.grownUntil) return;
		const seconds = (now - pace.grownUntil) / 1000;
		const [low, high] = PACE_NEAR_REFUSAL;
		const near =
			pace.refusedAt !== undefined &&
			pace.rate >= pace.refusedAt * low &&
			pace.rate <= pace.refusedAt * high;
		const growth = near ? PACE_SLOW_GROWTH : PACE_FAST_GROWTH;
		pace.rate *= (1 + growth) ** seconds;
		pace.grownUntil = now;
		const latencyMs = this.windowMeans.length ? Math.min(...this.windowMeans) : undefined;
		if (latencyMs !== undefined) {
			const usable = (this.settings.maxConcurrency * 1000) / Math.max(1, latencyMs);
			if (pace.rate > usable * PACE_IRRELEVANT) this.pace = undefined;
		}
	}

	private rememberAccepted(now: number): void {
		if (this.accepted.length < RATE_SAMPLES) this.accepted.push(now);
		else this.accepted[this.acceptedNext] = now;
		this.acceptedNext = (this.acceptedNext + 1) % RATE_SAMPLES;
	}

	/**
	 * Accepted answers per second over the last RATE_WINDOW_MS since the last pause ended
	 * (undefined without any). Over a shorter span (just after the start or a pause) it is not
	 * `reliable`, and is counted as if over the whole window (a burst of a few is not a rate).
	 */
	private acceptedRate(now: number): { rate: number; reliable: boolean } | undefined {
		const since = Math.max(now - RATE_WINDOW_MS, this.resumedAt, this.firstStartAt ?? now);
		let count = 0;
		for (const at of this.accepted) if (at > since) count += 1;
		if (count === 0) return undefined;
		const span = now - since;
		return {
			rate: (count * 1000) / Math.max(span, RATE_WINDOW_MS),
			reliable: span >= RATE_WINDOW_MS,
		};
	}
}

/** Waits that end when the execution is cancelled. */
export interface Waits {
	/** Resolves after `ms`, or as soon as the execution is cancelled. */
	sleep(ms: number): Promise<void>;
	readonly cancelled: boolean;
	/** Called once when the execution is cancelled (immediately if it already is). */
	onCancel(listener: () => void): void;
}

/**
 * Waits on n8n's `sleepWithAbort`, each with its own AbortController: `sleepWithAbort` leaves its
 * listener on the signal it is given until that signal aborts, so thousands of paced waits on the
 * execution's signal itself would pile up listeners for the whole run. Here the execution signal
 * carries one listener, which aborts the waits under way.
 */
export function executionWaits(signal: AbortSignal | undefined): Waits {
	const pending = new Set<AbortController>();
	const listeners: Array<() => void> = [];
	signal?.addEventListener(
		'abort',
		() => {
			for (const controller of pending) controller.abort();
			for (const listener of listeners.splice(0)) listener();
		},
		{ once: true },
	);
	return {
		get cancelled() {
			return signal?.aborted === true;
		},
		onCancel(listener) {
			if (signal?.aborted) listener();
			else listeners.push(listener);
		},
		async sleep(ms) {
			if (signal?.aborted) return;
			const controller = new AbortController();
			pending.add(controller);
			try {
				await sleepWithAbort(ms, controller.signal);
			} catch {
				// Aborted: the execution was cancelled, the caller checks `cancelled`.
			} finally {
				pending.delete(controller);
			}
		},
	};
}

/**
 * The waiting room in front of the controller: requests enter in the order they arrive (a retry
 * joins the back), and one waiter at a time watches the clock or the requests in flight, so
 * waiting costs one timer, not one per request.
 */
export class RequestGate {
	private readonly queue: Array<{ retry: boolean; resolve: (ticket: Ticket | undefined) => void }> =
		[];
	private pumping = false;
	private closed = false;
	private noNewRequests = false;
	private wakeUp: (() => void) | undefined;

	constructor(
		readonly controller: ConcurrencyController,
		private readonly waits: Waits,
	) {
		waits.onCancel(() => this.close());
	}

	/**
	 * Resolves with a ticket when the request may start, or `undefined` when it must not start at
	 * all: the execution was cancelled (`close()`), or it is a first attempt and the node starts no
	 * new requests (`stopNewRequests()`). Every ticket must be given back with `leave()`.
	 */
	async enter(retry = false): Promise<Ticket | undefined> {
		if (this.closed || this.waits.cancelled || (this.noNewRequests && !retry)) return undefined;
		if (this.queue.length === 0 && this.controller.startDelay() === 0)
			return this.controller.start();
		const ticket = new Promise<Ticket | undefined>((resolve) =>
			this.queue.push({ retry, resolve }),
		);
		void this.pump();
		return await ticket;
	}

	leave(ticket: Ticket, outcome: Outcome, waitMs?: number): void {
		this.controller.finish(ticket, outcome, waitMs);
		this.wake();
	}

	/** First attempts get `undefined` from now on (waiting ones too); retries still go. */
	stopNewRequests(): void {
		this.noNewRequests = true;
		for (let i = this.queue.length - 1; i >= 0; i--) {
			if (!this.queue[i].retry) this.queue.splice(i, 1)[0].resolve(undefined);
		}
		this.wake();
	}

	/** Starts nothing more: every waiting request gets `undefined`. */
	close(): void {
		this.closed = true;
		for (const waiter of this.queue.splice(0)) waiter.resolve(undefined);
		this.wake();
	}

	private wake(): void {
		const wakeUp = this.wakeUp;
		this.wakeUp = undefined;
		wakeUp?.();
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.queue.length > 0 && !this.closed) {
				const delay = this.controller.startDelay();
				if (delay === 0) {
					this.queue.shift()?.resolve(this.controller.start());
				} else if (delay === Infinity) {
					await new Promise<void>((resolve) => (this.wakeUp = resolve));
				} else {
					await this.waits.sleep(delay);
				}
			}
		} finally {
			this.pumping = false;
		}
	}
}
