/**
 * The one transport: every Kizen call goes through `KizenClient.request`, which sends it through
 * n8n's `httpRequestWithAuthentication` (the credential adds the headers and refuses any other
 * host), never follows a redirect, checks that a 2xx answer is the JSON the caller expects, and
 * retries with exponential backoff what Kizen documents as transient (502, 503, 504, dropped
 * connections, timeouts, and a 2xx body that is not what was asked for) up to Max Attempts.
 *
 * How many requests are in flight, and when the next one starts, is the concurrency controller's
 * (concurrency.ts): every HTTP request waits at its gate and reports its latency and outcome back.
 * A 429 pauses the whole client for Retry-After and the pool resumes paced; a rate-limited request
 * keeps trying until its Rate Limit Wait is used up, without using up Max Attempts. Waits end when
 * the execution is stopped.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { KizenResponse } from '../helpers/interfaces';
import { credentialProblem } from './authentication';
import { baseUrlFromCredentials } from './baseUrl';
import type { ConcurrencyMode, ConcurrencySettings, Outcome, Waits } from './concurrency';
import { ConcurrencyController, executionWaits, RequestGate } from './concurrency';

/** Who sends: a node execution, an editor request (UI methods), or a polling trigger's poll. */
export type KizenContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export interface RequestSettings {
	/** Per attempt, in milliseconds. */
	timeoutMs: number;
	/** Attempts in total, including the first, for failures other than a 429. */
	maxAttempts: number;
	/** How long one request may keep being rate-limited (429) before it fails, in milliseconds. */
	rateLimitWaitMs: number;
	concurrency: ConcurrencySettings;
}

/**
 * Max Concurrent Requests by default: the ceiling of the adaptive mode. Kizen's admin CLI measures
 * about 0.4 s per write, so 32 in flight is about 80 writes/s; the node only gets there while Kizen
 * keeps up.
 */
export const DEFAULT_CONCURRENCY = 32;
export const MAX_CONCURRENCY = 50;

export const DEFAULT_REQUEST_SETTINGS: RequestSettings = {
	timeoutMs: 30_000,
	maxAttempts: 5,
	// Long enough to ride out a per-minute throttle window several times over, short enough that a
	// run against an account that stays throttled fails within minutes, item by item.
	rateLimitWaitMs: 300_000,
	concurrency: { mode: 'adaptive', maxConcurrency: DEFAULT_CONCURRENCY },
};

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const OVERLOAD_STATUSES = new Set([502, 503, 504]);
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
/** A 502/503/504 Retry-After longer than this is treated as "not within this execution". */
const RETRY_AFTER_CAP_MS = 120_000;
/** Network failures where the request cannot have reached Kizen (safe to retry any request). */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);
/** Codes that mean "no answer came in time" (axios reports its own timeout as ECONNABORTED). */
const TIMEOUT_CODES = new Set([
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
/** Connection failures after which the request may or may not have reached Kizen. */
const DROPPED_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'EPROTO']);
/** An errno code (ENETDOWN), as opposed to Node's own ERR_ codes and HTTP statuses. */
const ERRNO_CODE = /^E[A-Z]{3,}$/;
/** The execution was cancelled: the request was aborted on purpose, never retry it. */
const CANCELLED = 'ERR_CANCELED';

/** What a 2xx answer must be for the request to count as done. */
export type Expectation =
	/** A JSON object with a string `id` (a record, an upsert answer, an object). */
	| 'record'
	/** A JSON object with a `results` array (a page of a list). */
	| 'page'
	/** A JSON array (an object's fields). */
	| 'list'
	/** Whatever Kizen sends, even nothing, as long as it is not a web page (Archive's 204). */
	| 'anything';

export interface KizenRequest {
	method: IHttpRequestMethods;
	/** Starts with `/api/`, never ends with `/` (Kizen answers HTML 404s to trailing slashes). */
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/**
	 * Whether repeating the request is harmless (upsert, reads). A request that is not is retried
	 * only when Kizen certainly did not process it (429, or the connection was never made).
	 */
	idempotent: boolean;
	expect: Expectation;
}

/**
 * Thrown when a request was never sent because the node stopped starting new ones (an item failed
 * and the node stops on errors): the item was not sent, it did not fail.
 */
export class RequestNotStarted extends Error {
	constructor() {
		super('Not sent: the node stopped at an earlier error');
		this.name = 'RequestNotStarted';
	}
}

export class KizenClient {
	private readonly waits: Waits;

	/** Where every HTTP request waits for its turn (concurrency limit, pause, pace). */
	private readonly gate: RequestGate;

	private constructor(
		private readonly ctx: KizenContext,
		readonly baseUrl: string,
		private readonly credentials: ICredentialDataDecryptedObject,
		readonly settings: RequestSettings,
	) {
		this.waits = executionWaits((ctx as Partial<IExecuteFunctions>).getExecutionCancelSignal?.());
		const clock = { now: () => Date.now(), random: () => Math.random() };
		this.gate = new RequestGate(new ConcurrencyController(settings.concurrency, clock), this.waits);
	}

	/**
	 * Reads the credential once per execution (n8n would otherwise decrypt it per request) and
	 * refuses, before any request, values the credential's `authenticate` would refuse.
	 */
	static async create(
		ctx: KizenContext,
		settings: RequestSettings = DEFAULT_REQUEST_SETTINGS,
	): Promise<KizenClient> {
		const credentials = await ctx.getCredentials('kizenApi');
		const problem = credentialProblem(credentials);
		if (problem !== undefined) {
			throw new NodeOperationError(ctx.getNode(), `Kizen credential: ${problem}`, {
				description: 'Open the Kizen API credential and correct it. Nothing was sent to Kizen.',
			});
		}
		const base = baseUrlFromCredentials(credentials).url as string;
		return new KizenClient(ctx, base, credentials, settings);
	}

	/** Requests allowed in flight right now (the adaptive limit, or the fixed number). */
	get concurrencyLimit(): number {
		return this.gate.controller.limit;
	}

	/**
	 * Sends one request, retrying transient failures. Always resolves: with Kizen's answer whatever
	 * its status (`malformed` says why a 2xx answer was not accepted, `location` where a 3xx
	 * pointed), or with `statusCode: 0` and `networkCode` when no answer came. The caller turns each
	 * into a per-item message (helpers/errors.ts). Throws `RequestNotStarted` when `stopNewRequests`
	 * kept it from being sent at all.
	 */
	async request(req: KizenRequest): Promise<KizenResponse> {
		checkPath(this.ctx, req.path);
		const { maxAttempts, timeoutMs, rateLimitWaitMs } = this.settings;
		let lastRetryAfter: string | undefined;
		let attempts = 0;
		/** Attempts that count against Max Attempts (all but the 429s). */
		let failures = 0;
		let refusals = 0;
		let rateLimitedSince: number | undefined;
		for (;;) {
			// A first attempt waits like any new request; a retry of a request already under way
			// still goes after the node stopped starting new ones (those in flight finish).
			const ticket = await this.gate.enter(attempts > 0);
			if (!ticket || this.cancelled()) {
				if (ticket) this.gate.leave(ticket, 'neutral');
				if (this.cancelled()) return cancelledResponse(attempts, lastRetryAfter);
				throw new RequestNotStarted();
			}
			attempts += 1;
			let response: KizenResponse;
			try {
				response = await this.send(req, timeoutMs);
			} catch (error) {
				const code = networkCode(error);
				this.gate.leave(ticket, code === 'ETIMEDOUT' ? 'overloaded' : 'neutral');
				// Not a network failure (a refused credential, a bad certificate, a bug): retrying
				// cannot help. Only the message is kept: n8n's error may hold the request's headers.
				if (code === undefined) throw requestNotSent(this.ctx, error);
				if (code === CANCELLED || this.cancelled()) {
					return cancelledResponse(attempts, lastRetryAfter);
				}
				failures += 1;
				// A request that is not idempotent is repeated only when it never left this machine.
				const retryable = req.idempotent || NOT_SENT_CODES.has(code);
				if (!retryable || failures >= maxAttempts) {
					return {
						statusCode: 0,
						body: undefined,
						networkCode: code,
						attempts,
						retryAfter: lastRetryAfter,
					};
				}
				await this.waits.sleep(backoffMs(failures));
				continue;
			}
			response.attempts = attempts;
			if (response.retryAfter !== undefined) lastRetryAfter = response.retryAfter;
			else response.retryAfter = lastRetryAfter;

			if (response.statusCode === 429) {
				// Refused unprocessed, so any request may repeat it (even Create). It waits for the
				// pause and the pace like every other request; only the Rate Limit Wait limits it.
				const now = Date.now();
				rateLimitedSince ??= now;
				refusals += 1;
				const waitMs = retryAfterMs(response.retryAfter) ?? backoffMs(refusals);
				const waited = now - rateLimitedSince;
				const within = waited + waitMs <= rateLimitWaitMs;
				this.gate.leave(ticket, 'rateLimited', Math.min(waitMs, rateLimitWaitMs));
				response.rateLimitedMs = waited;
				if (!within || this.cancelled()) return response;
				continue;
			}
			this.gate.leave(ticket, outcomeOf(response.statusCode));
			if (isSuccessStatus(response.statusCode)) {
				response.malformed = unexpectedBody(response.body, req.expect);
				// A 2xx that is not what was asked for is no proof the work was done: a repeatable
				// request tries again as after a 502; any other reports it (Create: "may have been created").
				if (response.malformed === undefined || !req.idempotent) return response;
				failures += 1;
				if (failures >= maxAttempts) return response;
				await this.waits.sleep(backoffMs(failures));
				continue;
			}
			if (!RETRYABLE_STATUSES.has(response.statusCode)) return response;
			// 502, 503, 504: may come after the work was done, so only a repeatable request retries.
			failures += 1;
			const waitMs = retryAfterMs(response.retryAfter) ?? backoffMs(failures);
			if (!req.idempotent || failures >= maxAttempts || waitMs > RETRY_AFTER_CAP_MS) {
				return response;
			}
			await this.waits.sleep(waitMs);
		}
	}

	/**
	 * Starts no new request from now on (the node stops at an error): requests waiting for their
	 * first attempt get `RequestNotStarted`; those already under way finish, retries included.
	 */
	stopNewRequests(): void {
		this.gate.stopNewRequests();
	}

	/** Whether the user stopped the execution (then nothing more is sent or retried). */
	cancelled(): boolean {
		return this.waits.cancelled;
	}

	private async send(req: KizenRequest, timeoutMs: number): Promise<KizenResponse> {
		const raw = (await this.ctx.helpers.httpRequestWithAuthentication.call(
			this.ctx,
			'kizenApi',
			{
				method: req.method,
				url: `${this.baseUrl}${req.path}`,
				qs: req.qs,
				body: req.body,
				json: true,
				// With redirects off, axios gives up at the timeout but leaves the connection open
				// until Kizen answers (measured with n8n-core 2.8.1's axios 1.12); n8n replaces any
				// abort signal of ours with the execution's, so that cannot be helped here.
				timeout: timeoutMs,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				// The credential turns redirects off too; this says so where the request is made.
				disableFollowRedirect: true,
			},
			{ credentialsDecrypted: { id: '', name: '', type: 'kizenApi', data: this.credentials } },
		)) as { statusCode: number; body: unknown; headers?: Record<string, string | undefined> };
		const headers = raw.headers ?? {};
		return {
			statusCode: raw.statusCode,
			body: raw.body,
			requestId: headers['x-request-id'],
			retryAfter: headers['retry-after'],
			location: headers.location,
		};
	}
}

/** What an answer tells the concurrency controller about Kizen's load (a 429 is handled apart). */
function outcomeOf(statusCode: number): Outcome {
	if (OVERLOAD_STATUSES.has(statusCode)) return 'overloaded';
	// A 500 is a failure of Kizen's, not a measure of its load.
	return statusCode >= 500 ? 'neutral' : 'accepted';
}

export function isSuccessStatus(statusCode: number): boolean {
	return statusCode >= 200 && statusCode < 300;
}

/** Whether a body is an HTML page (a web app, a proxy's error page) rather than API data. */
export function isWebPage(body: unknown): boolean {
	return typeof body === 'string' && /^\s*</.test(body);
}

/** Why a 2xx body is not what the request expects, in words for the user; undefined when it is. */
export function unexpectedBody(body: unknown, expectation: Expectation): string | undefined {
	if (isWebPage(body)) return 'a web page instead of data';
	if (expectation === 'anything') return undefined;
	if (body === undefined || body === null || body === '') return 'an empty answer';
	if (typeof body === 'string')
		return 'text that is not complete JSON (a cut-off or malformed answer)';
	if (expectation === 'list')
		return Array.isArray(body) ? undefined : 'something other than a list';
	if (typeof body !== 'object' || Array.isArray(body)) {
		return `${Array.isArray(body) ? 'a list' : `a bare ${typeof body}`} instead of an object`;
	}
	if (expectation === 'page') {
		return Array.isArray((body as IDataObject).results)
			? undefined
			: 'an object without its list of results';
	}
	const id = (body as IDataObject).id;
	return typeof id === 'string' && id !== '' ? undefined : 'an object without a record ID';
}

/**
 * A path is built from values a user or an expression gave (an object name, a record ID). Values
 * such as `.` or `..` or an empty one would make the URL point somewhere else (`/api/records/..`
 * is `/api/`): refused here whatever the caller checked, so no such request is ever authenticated.
 */
function checkPath(ctx: KizenContext, path: string): void {
	const segments = path.split('/').slice(1);
	if (path.startsWith('/api/') && segments.every((s) => s !== '' && s !== '.' && s !== '..'))
		return;
	throw new NodeOperationError(ctx.getNode(), `Refused to send a request to "${path}"`, {
		description:
			'A value used in the request path is empty, "." or "..". Nothing was sent to Kizen.',
	});
}

function requestNotSent(ctx: KizenContext, error: unknown): NodeApiError {
	const message = (error as Error)?.message ?? String(error);
	const description =
		'The request was not sent to Kizen, so nothing changed there. Correct the cause above and run again.';
	const nodeError = new NodeApiError(ctx.getNode(), { message } as JsonObject, {
		message,
		description,
	});
	nodeError.message = message;
	return nodeError;
}

/** Full-jitter exponential backoff: between half and all of base·2^(attempt-1), capped. */
function backoffMs(attempt: number): number {
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
	return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** `Retry-After` is either seconds or an HTTP date (RFC 9110). */
export function retryAfterMs(header: string | undefined): number | undefined {
	if (header === undefined || header === '') return undefined;
	const seconds = Number(header);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(header);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function cancelledResponse(attempts: number, retryAfter?: string): KizenResponse {
	return { statusCode: 0, body: undefined, networkCode: CANCELLED, attempts, retryAfter };
}

/**
 * The code of a failed request if the network failed it, wherever n8n's error wrapping put it:
 * n8n-core 2.8 throws a NodeApiError whose `httpCode` holds the code (ECONNRESET, ECONNABORTED for
 * an axios timeout) and whose `messages` keep the original text; newer versions also keep the
 * `cause`. Timeouts come back as ETIMEDOUT. `undefined` when the failure is not a network one: a
 * header value Node refuses (ERR_INVALID_CHAR), a certificate error, a refused credential.
 */
export function networkCode(error: unknown): string | undefined {
	let current = error as JsonObject | undefined;
	for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
		const texts = [current.message, ...(Array.isArray(current.messages) ? current.messages : [])]
			.filter((text): text is string => typeof text === 'string')
			.join('\n');
		// n8n aborts requests with the execution's cancel signal (the transport checks that first).
		if (current.code === CANCELLED || current.name === 'CanceledError') return CANCELLED;
		for (const candidate of [current.code, current.httpCode, current.errno]) {
			if (typeof candidate !== 'string') continue;
			if (TIMEOUT_CODES.has(candidate)) return 'ETIMEDOUT';
			if (NOT_SENT_CODES.has(candidate) || DROPPED_CODES.has(candidate)) return candidate;
			// Another errno-style code (ENETDOWN...): the connection failed, maybe after sending.
			if (ERRNO_CODE.test(candidate)) return candidate;
		}
		if (/timeout of \d+ms exceeded|\btimed out\b/i.test(texts)) return 'ETIMEDOUT';
		if (/socket hang up|^aborted$/im.test(texts)) return 'ECONNRESET';
		current = current.cause as JsonObject | undefined;
	}
	return undefined;
}

/**
 * Runs `work(0..count-1)` with at most `workers` items under way, keeping results in index order.
 * One worker loop per slot, so memory and scheduling stay flat however many items there are; how
 * many of their requests are in flight at once is the client's gate's to decide.
 */
export async function runConcurrently<T>(
	count: number,
	workers: number,
	work: (index: number) => Promise<T>,
): Promise<T[]> {
	const results = new Array<T>(count);
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const index = next++;
			results[index] = await work(index);
		}
	};
	const slots = Number.isFinite(workers) ? Math.max(1, Math.min(Math.floor(workers), count)) : 1;
	await Promise.all(Array.from({ length: slots }, worker));
	return results;
}

/**
 * Transport settings from the Options collection, defended against values an expression can
 * produce (text, 0, NaN): a bad Max Concurrent Requests would otherwise start no worker at all and
 * silently drop every item, a bad Max Attempts would retry forever.
 */
export function requestSettingsFrom(options: IDataObject): RequestSettings {
	const defaults = DEFAULT_REQUEST_SETTINGS;
	const whole = (value: unknown, fallback: number, min: number, max: number) => {
		const number = Number(value ?? fallback);
		return Number.isFinite(number) ? Math.min(max, Math.max(min, Math.floor(number))) : fallback;
	};
	const seconds = Number(options.timeoutSeconds ?? defaults.timeoutMs / 1000);
	const mode: ConcurrencyMode = options.concurrencyMode === 'fixed' ? 'fixed' : 'adaptive';
	return {
		timeoutMs:
			Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : defaults.timeoutMs,
		maxAttempts: whole(options.maxAttempts, defaults.maxAttempts, 1, 10),
		rateLimitWaitMs:
			whole(options.rateLimitWaitSeconds, defaults.rateLimitWaitMs / 1000, 0, 3600) * 1000,
		concurrency: {
			mode,
			maxConcurrency: whole(options.maxConcurrency, DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY),
		},
	};
}
