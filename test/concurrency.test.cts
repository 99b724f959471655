/**
 * The adaptive concurrency limiter's rules (nodes/Kizen/transport/concurrency.ts), driven by a
 * fake clock: no timers, no timing assertions. Requests are simulated in rounds: start as many as
 * the controller allows, let the clock run for their latency, finish them with an outcome.
 * Throughput is measured by `npm run bench`, not here.
 */
import type {
	ConcurrencySettings,
	Outcome,
	Ticket,
	Waits,
} from '../nodes/Kizen/transport/concurrency';
import {
	ConcurrencyController,
	INITIAL_LIMIT,
	RequestGate,
} from '../nodes/Kizen/transport/concurrency';

class FakeClock {
	time = 1_000_000;
	randoms: number[] = [];
	now = () => this.time;
	random = () => this.randoms.shift() ?? 0.5;
	advance(ms: number) {
		this.time += ms;
	}
}

const adaptive = (maxConcurrency = 32): ConcurrencySettings => ({
	mode: 'adaptive',
	maxConcurrency,
});
const fixed = (maxConcurrency: number): ConcurrencySettings => ({ mode: 'fixed', maxConcurrency });

function setup(settings: ConcurrencySettings) {
	const clock = new FakeClock();
	const controller = new ConcurrencyController(settings, clock);
	/** Starts every request the controller allows right now. */
	const startAll = (): Ticket[] => {
		const tickets: Ticket[] = [];
		while (controller.startDelay() === 0) tickets.push(controller.start());
		return tickets;
	};
	/**
	 * One round trip: fill the limit, wait `latency(inFlight)` ms, finish every request with
	 * `outcome(i)`. Returns how many were in flight.
	 */
	const round = (
		latency: (inFlight: number) => number = () => 100,
		outcome: (index: number) => Outcome = () => 'accepted',
	): number => {
		const tickets = startAll();
		clock.advance(latency(tickets.length));
		tickets.forEach((ticket, i) => controller.finish(ticket, outcome(i), 1000));
		return tickets.length;
	};
	const rounds = (count: number, latency?: (inFlight: number) => number) =>
		Array.from({ length: count }, () => round(latency));
	return { clock, controller, startAll, round, rounds };
}

describe('adaptive mode', () => {
	it('starts low and grows while latency stays at its minimum, up to the ceiling and never past it', () => {
		const { controller, rounds } = setup(adaptive(32));
		expect(controller.limit).toBe(INITIAL_LIMIT);
		const inFlight = rounds(100);
		expect(Math.max(...inFlight)).toBe(32);
		// Slow start doubles per window (8 samples: two rounds of 4) up to half the ceiling, then
		// growth is by half at most.
		expect(inFlight.slice(0, 6)).toEqual([4, 4, 8, 16, 24, 32]);
		expect(inFlight.slice(5).filter((n) => n !== 32)).toEqual([]);
	});

	it('latency jitter does not stop the growth', () => {
		let seed = 42;
		const jitter = () => {
			seed = (seed * 1103515245 + 12345) % 2 ** 31;
			return 0.75 + (seed / 2 ** 31) * 0.5; // ±25 %
		};
		const { clock, controller } = setup(adaptive(32));
		// Each request has its own latency; requests finish in the order their answers come.
		for (let i = 0; i < 60; i++) {
			const tickets: Ticket[] = [];
			while (controller.startDelay() === 0) tickets.push(controller.start());
			const ends = tickets
				.map((ticket) => ({ ticket, at: 400 * jitter() }))
				.sort((a, b) => a.at - b.at);
			let elapsed = 0;
			for (const end of ends) {
				clock.advance(end.at - elapsed);
				elapsed = end.at;
				controller.finish(end.ticket, 'accepted');
			}
		}
		expect(controller.limit).toBe(32);
	});

	it('a ceiling below the starting limit is the limit from the start', () => {
		const { controller, rounds } = setup(adaptive(3));
		expect(controller.limit).toBe(3);
		expect(Math.max(...rounds(30))).toBe(3);
	});

	it('1 means one request at a time, whatever happens', () => {
		const { controller, startAll, round, rounds, clock } = setup(adaptive(1));
		const [first, ...more] = startAll();
		expect(more).toEqual([]);
		expect(controller.startDelay()).toBe(Infinity);
		expect(controller.inFlight).toBe(1);
		clock.advance(100);
		controller.finish(first, 'accepted');
		expect(Math.max(...rounds(30))).toBe(1);
		round(undefined, () => 'rateLimited');
		clock.advance(10_000);
		expect(Math.max(...rounds(30))).toBe(1);
	});

	it('does not grow while the limit is not what holds requests back', () => {
		const { controller, clock } = setup(adaptive(32));
		// Only two requests at a time ever come (a short input, or a pace).
		for (let i = 0; i < 50; i++) {
			const tickets = [controller.start(), controller.start()];
			clock.advance(100);
			for (const ticket of tickets) controller.finish(ticket, 'accepted');
		}
		expect(controller.limit).toBe(INITIAL_LIMIT);
	});

	it('shrinks multiplicatively on a 429, once per flight of requests', () => {
		const { controller, rounds, startAll, clock } = setup(adaptive(32));
		rounds(20);
		expect(controller.limit).toBe(32);
		// A whole flight refused together is one piece of news: one decrease (to 0.7×).
		const flight = startAll();
		clock.advance(100);
		for (const ticket of flight) controller.finish(ticket, 'rateLimited', 1000);
		expect(controller.limit).toBe(22);
		// Requests started after that decrease and refused again: another one.
		clock.advance(1000);
		const next = controller.start();
		clock.advance(100);
		controller.finish(next, 'rateLimited', 1000);
		expect(controller.limit).toBe(15);
	});

	it('keeps shrinking while refusals continue, down to 1', () => {
		const { controller, round, clock } = setup(adaptive(32));
		const limits: number[] = [];
		for (let i = 0; i < 12; i++) {
			// Wait out the pause, then send what the controller allows; every answer is a 429.
			clock.advance(Math.max(0, controller.pausedUntil - clock.now()) + 5000);
			round(undefined, () => 'rateLimited');
			limits.push(controller.limit);
		}
		for (let i = 1; i < limits.length; i++) expect(limits[i]).toBeLessThanOrEqual(limits[i - 1]);
		expect(limits.at(-1)).toBe(1);
	});

	it('shrinks on 502/503/504 and timeouts too', () => {
		const { controller, rounds, round } = setup(adaptive(32));
		rounds(20);
		round(undefined, (i) => (i === 0 ? 'overloaded' : 'accepted'));
		expect(controller.limit).toBeLessThan(32);
		// No pause for an overload: the transport's backoff delays the failed request only.
		expect(controller.startDelay()).toBe(0);
	});

	it('ignores outcomes that say nothing about Kizen’s load', () => {
		const { controller, rounds, round } = setup(adaptive(32));
		rounds(20);
		round(undefined, () => 'neutral');
		expect(controller.limit).toBe(32);
	});

	it('shrinks when latency rises with load, and settles below the point where Kizen refuses', () => {
		// A Kizen that serves 12 at a time: past 12 in flight, latency grows with the queue; past
		// 24 it would refuse.
		const capacity = (inFlight: number) => 400 * Math.max(1, inFlight / 12);
		const { controller, rounds } = setup(adaptive(32));
		const inFlight = rounds(200, capacity);
		const settled = inFlight.slice(20);
		expect(Math.max(...settled)).toBeLessThanOrEqual(24);
		// At or past Kizen's 12 but for the probe windows at half the limit.
		expect(settled.filter((n) => n < 12).length).toBeLessThanOrEqual(settled.length / 10);
		expect(controller.limit).toBeGreaterThanOrEqual(6);
	});

	it('a latency spike of one window (a CPU stall on the n8n host) does not shrink the limit; a rise that lasts does', () => {
		const { controller, rounds, round } = setup(adaptive(32));
		rounds(20);
		expect(controller.limit).toBe(32);
		round(() => 400);
		expect(controller.limit).toBe(32);
		rounds(3);
		// Three windows at 4× the latency, over a second in all: Kizen is queueing.
		rounds(3, () => 400);
		expect(controller.limit).toBeLessThan(32);
	});

	it('latency alone never pushes the limit below where it started', () => {
		const { controller, rounds } = setup(adaptive(32));
		rounds(20);
		// Latency keeps climbing, window after window.
		let latency = 100;
		rounds(60, () => (latency *= 1.6));
		expect(controller.limit).toBe(INITIAL_LIMIT);
	});

	it('after a refusal climbs back fast to near the limit Kizen refused, then slowly (CUBIC’s W_max)', () => {
		const { controller, rounds, round } = setup(adaptive(40));
		rounds(20);
		expect(controller.limit).toBe(40);
		// 503s from the whole flight: one decrease, no pause.
		round(undefined, () => 'overloaded');
		expect(controller.limit).toBe(28);
		rounds(3);
		expect(controller.limit).toBe(36);
		// Ten more windows at the minimum latency: one request more, not the 1.5× per window of before.
		rounds(10);
		expect(controller.limit).toBe(37);
		rounds(40);
		expect(controller.limit).toBe(40);
	});

	it('recovers after refusals once Kizen accepts again at the usual latency', () => {
		const { controller, rounds, round, clock } = setup(adaptive(32));
		rounds(20);
		for (let i = 0; i < 6; i++) {
			clock.advance(Math.max(0, controller.pausedUntil - clock.now()) + 5000);
			round(undefined, () => 'rateLimited');
		}
		expect(controller.limit).toBeLessThan(8);
		clock.advance(60_000);
		rounds(60);
		expect(controller.limit).toBe(32);
	});
});

describe('after a 429', () => {
	/**
	 * Runs at a steady 20 requests per second (one starts every 50 ms and takes 200 ms), then one
	 * request gets a 429; `random` is the draw the controller makes for it.
	 */
	function refusedAt20PerSecond(settings: ConcurrencySettings, retryAfterMs = 1000, random = 0.5) {
		const s = setup(settings);
		const running: Ticket[] = [];
		for (let i = 0; i < 200; i++) {
			running.push(s.controller.start());
			s.clock.advance(50);
			if (running.length === 4) s.controller.finish(running.shift()!, 'accepted');
		}
		const refused = running.shift()!;
		s.clock.randoms.push(random);
		s.controller.finish(refused, 'rateLimited', retryAfterMs);
		return s;
	}

	it('nothing starts before Retry-After', () => {
		const { controller, clock } = refusedAt20PerSecond(adaptive(32), 3000);
		const refusedAt = clock.now();
		expect(controller.pausedUntil).toBe(refusedAt + 3000);
		expect(controller.startDelay()).toBeGreaterThanOrEqual(3000);
		clock.advance(2999);
		expect(controller.startDelay()).toBeGreaterThan(0);
	});

	it('the pool resumes paced below the accepted rate: one request at a time, evenly spread, never all at once', () => {
		const { controller, clock } = refusedAt20PerSecond(adaptive(32));
		const pace = controller.pacedRate!;
		expect(pace).toBeLessThan(20);
		expect(pace).toBeGreaterThanOrEqual(16);
		// Start every request as soon as allowed (none finish meanwhile, the limit is not reached).
		const starts: number[] = [];
		for (let i = 0; i < 3; i++) {
			clock.advance(controller.startDelay());
			controller.start();
			starts.push(clock.now());
			expect(controller.startDelay()).toBeGreaterThan(0);
		}
		expect(starts[0]).toBeGreaterThanOrEqual(controller.pausedUntil);
		const gaps = starts.slice(1).map((at, i) => at - starts[i]);
		for (const gap of gaps) {
			expect(gap).toBeGreaterThanOrEqual(1000 / 20);
			expect(gap).toBeLessThanOrEqual(1000 / 15);
		}
	});

	it('the first request after the pause starts at a random point of one interval', () => {
		const early = refusedAt20PerSecond(adaptive(32), 1000, 0);
		const late = refusedAt20PerSecond(adaptive(32), 1000, 0.99);
		const interval = 1000 / early.controller.pacedRate!;
		expect(late.controller.pacedRate).toBeCloseTo(early.controller.pacedRate!, 9);
		expect(early.controller.startDelay()).toBeCloseTo(1000, 6);
		expect(late.controller.startDelay()).toBeCloseTo(1000 + 0.99 * interval, 6);
	});

	it('the pace probes upward while Kizen accepts, and pacing ends once it can hold nothing back', () => {
		const { controller, clock } = refusedAt20PerSecond(adaptive(32));
		clock.advance(controller.startDelay());
		const first = controller.pacedRate!;
		const rates: number[] = [];
		for (let i = 0; i < 4000 && controller.pacedRate !== undefined; i++) {
			clock.advance(Math.max(0, controller.startDelay()));
			const ticket = controller.start();
			rates.push(controller.pacedRate ?? Infinity);
			clock.advance(10);
			controller.finish(ticket, 'accepted');
		}
		expect(rates[10]).toBeGreaterThan(first);
		for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeGreaterThanOrEqual(rates[i - 1]);
		expect(controller.pacedRate).toBeUndefined();
	});

	it('a second 429 while paced lowers the pace again; 429s of the same flight only once', () => {
		const { controller, clock } = refusedAt20PerSecond(adaptive(32));
		const firstPace = controller.pacedRate!;
		// Two requests sent paced, both refused: one reaction.
		clock.advance(controller.startDelay());
		const a = controller.start();
		clock.advance(controller.startDelay());
		const b = controller.start();
		clock.advance(200);
		controller.finish(a, 'rateLimited', 1000);
		const secondPace = controller.pacedRate!;
		expect(secondPace).toBeLessThan(firstPace);
		controller.finish(b, 'rateLimited', 1000);
		expect(controller.pacedRate).toBe(secondPace);
	});

	it('a later Retry-After extends the pause, an earlier one never shortens it', () => {
		const { controller, clock } = setup(adaptive(8));
		const [a, b] = [controller.start(), controller.start()];
		controller.finish(a, 'rateLimited', 5000);
		const until = controller.pausedUntil;
		clock.advance(100);
		controller.finish(b, 'rateLimited', 1000);
		expect(controller.pausedUntil).toBe(until);
	});
});

describe('fixed mode', () => {
	it('keeps the number in flight through refusals and rising latency, and still pauses and paces on a 429', () => {
		const { controller, rounds, round } = setup(fixed(8));
		expect(controller.limit).toBe(8);
		expect(Math.max(...rounds(20))).toBe(8);
		let latency = 100;
		rounds(20, () => (latency *= 1.6));
		expect(controller.limit).toBe(8);
		round(undefined, () => 'rateLimited');
		expect(controller.limit).toBe(8);
		expect(controller.startDelay()).toBeGreaterThan(0);
		expect(controller.pacedRate).toBeDefined();
		round(undefined, () => 'overloaded');
		expect(controller.limit).toBe(8);
	});

	it('Fixed 1 is one request at a time', () => {
		const { controller, startAll } = setup(fixed(1));
		expect(startAll()).toHaveLength(1);
		expect(controller.startDelay()).toBe(Infinity);
	});
});

describe('RequestGate', () => {
	/** Waits on the fake clock: a sleep moves time forward at once. */
	function fakeWaits(clock: FakeClock) {
		const listeners: Array<() => void> = [];
		const waits: Waits & { cancel(): void; slept: number[] } = {
			cancelled: false,
			slept: [],
			async sleep(ms: number) {
				waits.slept.push(ms);
				clock.advance(ms);
				await Promise.resolve();
			},
			onCancel(listener: () => void) {
				listeners.push(listener);
			},
			cancel() {
				(waits as { cancelled: boolean }).cancelled = true;
				for (const listener of listeners) listener();
			},
		};
		return waits;
	}

	const flush = async () => {
		for (let i = 0; i < 20; i++) await Promise.resolve();
	};

	it('lets requests in, in order, never more than the limit, one more as each leaves', async () => {
		const clock = new FakeClock();
		const gate = new RequestGate(new ConcurrencyController(fixed(2), clock), fakeWaits(clock));
		const entered: number[] = [];
		const tickets = new Map<number, Ticket>();
		for (let i = 0; i < 5; i++) {
			void gate.enter().then((ticket) => {
				entered.push(i);
				tickets.set(i, ticket!);
			});
		}
		await flush();
		expect(entered).toEqual([0, 1]);
		gate.leave(tickets.get(0)!, 'accepted');
		await flush();
		expect(entered).toEqual([0, 1, 2]);
		gate.leave(tickets.get(1)!, 'accepted');
		gate.leave(tickets.get(2)!, 'accepted');
		await flush();
		expect(entered).toEqual([0, 1, 2, 3, 4]);
	});

	it('after a 429, waiting requests start one pace interval apart, after Retry-After', async () => {
		const clock = new FakeClock();
		const waits = fakeWaits(clock);
		const gate = new RequestGate(new ConcurrencyController(fixed(8), clock), waits);
		// Some accepted answers give the accepted rate (10 per second).
		for (let i = 0; i < 10; i++) {
			const ticket = (await gate.enter())!;
			clock.advance(100);
			gate.leave(ticket, 'accepted');
		}
		const refused = (await gate.enter())!;
		const refusedAt = clock.now();
		gate.leave(refused, 'rateLimited', 2000);
		const tickets = await Promise.all([0, 1, 2, 3].map(async () => await gate.enter()));
		const startedAt = tickets.map((ticket) => ticket!.startedAt);
		expect(startedAt[0]).toBeGreaterThanOrEqual(refusedAt + 2000);
		for (let i = 1; i < startedAt.length; i++)
			expect(startedAt[i]).toBeGreaterThan(startedAt[i - 1]);
	});

	it('close() and a cancelled execution start nothing more', async () => {
		const clock = new FakeClock();
		const waits = fakeWaits(clock);
		const gate = new RequestGate(new ConcurrencyController(fixed(1), clock), waits);
		const first = await gate.enter();
		expect(first).toBeDefined();
		const waiting = [gate.enter(), gate.enter()];
		waits.cancel();
		expect(await Promise.all(waiting)).toEqual([undefined, undefined]);
		expect(await gate.enter()).toBeUndefined();

		const other = new RequestGate(new ConcurrencyController(fixed(1), clock), fakeWaits(clock));
		await other.enter();
		const queued = other.enter();
		other.close();
		expect(await queued).toBeUndefined();
	});
});
