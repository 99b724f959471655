/**
 * The one transport: every Kizen call goes through `KizenClient.request`, which adds the
 * credential's headers (through n8n's `httpRequestWithAuthentication`), a timeout, and retries
 * with exponential backoff for the answers Kizen documents as transient (429, 502, 503, 504,
 * dropped connections and timeouts). A 429 pauses the whole client, so every concurrent request
 * slows down together instead of hammering a rate-limited account.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { KizenResponse } from '../helpers/interfaces';
import { baseUrlFromCredentials } from './baseUrl';

export type KizenContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface RequestSettings {
	/** Per attempt, in milliseconds. */
	timeoutMs: number;
	/** Attempts in total, including the first. */
	maxAttempts: number;
}

export const DEFAULT_REQUEST_SETTINGS: RequestSettings = { timeoutMs: 30_000, maxAttempts: 5 };
/** Max Concurrent Requests by default: enough to hide Kizen's latency, gentle on its API. */
export const DEFAULT_CONCURRENCY = 8;

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
/** A Retry-After longer than this is treated as "not within this execution". */
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
/** The execution was cancelled: the request was aborted on purpose, never retry it. */
const CANCELLED = 'ERR_CANCELED';
/** An errno-style code (ECONNRESET, EPIPE, ERR_SOCKET_...), as opposed to an HTTP status. */
const ERRNO_CODE = /^E[A-Z_]{3,}$/;

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
}

export class KizenClient {
	/** Epoch ms before which no request starts: set by a 429 so the whole pool backs off. */
	private pausedUntil = 0;

	private constructor(
		private readonly ctx: KizenContext,
		readonly baseUrl: string,
		private readonly credentials: ICredentialDataDecryptedObject,
		readonly settings: RequestSettings,
	) {}

	/** Reads the credential once per execution (n8n would otherwise decrypt it per request). */
	static async create(
		ctx: KizenContext,
		settings: RequestSettings = DEFAULT_REQUEST_SETTINGS,
	): Promise<KizenClient> {
		const credentials = await ctx.getCredentials('kizenApi');
		const base = baseUrlFromCredentials(credentials);
		if (base.problem !== undefined) {
			throw new NodeOperationError(ctx.getNode(), `Kizen credential: ${base.problem}`, {
				description: 'Open the Kizen API credential and correct the Base URL.',
			});
		}
		return new KizenClient(ctx, base.url, credentials, settings);
	}

	/**
	 * Sends one request, retrying transient failures. Always resolves: with Kizen's answer whatever
	 * its status, or with `statusCode: 0` and `networkCode` when no answer came (the caller turns
	 * both into a per-item message).
	 */
	async request(req: KizenRequest): Promise<KizenResponse> {
		const { maxAttempts, timeoutMs } = this.settings;
		let lastRetryAfter: string | undefined;
		for (let attempt = 1; ; attempt++) {
			await this.waitWhilePaused();
			if (this.cancelled()) return cancelledResponse(attempt - 1, lastRetryAfter);
			let response: KizenResponse;
			try {
				response = await this.send(req, timeoutMs);
			} catch (error) {
				const code = networkCode(error);
				// Not a network failure (a bug, a credential problem): retrying cannot help. Only the
				// message is kept: n8n's error may hold the request config, headers and API key included.
				if (code === undefined) {
					const message = (error as Error)?.message ?? String(error);
					throw new NodeApiError(this.ctx.getNode(), { message } as JsonObject, { message });
				}
				if (code === CANCELLED) return cancelledResponse(attempt, lastRetryAfter);
				// A request that is not idempotent is repeated only when it never left this machine.
				const retryable = req.idempotent || NOT_SENT_CODES.has(code);
				if (!retryable || attempt >= maxAttempts) {
					return {
						statusCode: 0,
						body: undefined,
						networkCode: code,
						attempts: attempt,
						retryAfter: lastRetryAfter,
					};
				}
				await sleep(backoffMs(attempt));
				continue;
			}
			response.attempts = attempt;
			if (response.retryAfter !== undefined) lastRetryAfter = response.retryAfter;
			else response.retryAfter = lastRetryAfter;
			if (!RETRYABLE_STATUSES.has(response.statusCode)) return response;

			const waitMs = retryAfterMs(response.retryAfter) ?? backoffMs(attempt);
			if (response.statusCode === 429 && waitMs <= RETRY_AFTER_CAP_MS) {
				// Rate limited: the whole pool waits, whether or not this request tries again.
				this.pausedUntil = Math.max(this.pausedUntil, Date.now() + waitMs);
			}
			// A 429 means Kizen refused the request unprocessed, so even a request that is not
			// idempotent may repeat it; a 5xx may come after the work was done.
			const retryable = req.idempotent || response.statusCode === 429;
			if (!retryable || attempt >= maxAttempts || waitMs > RETRY_AFTER_CAP_MS) return response;
			if (response.statusCode === 429) await this.waitWhilePaused();
			else await sleep(waitMs);
		}
	}

	/** Whether the user stopped the execution (then nothing more is sent or retried). */
	cancelled(): boolean {
		const ctx = this.ctx as Partial<IExecuteFunctions>;
		return ctx.getExecutionCancelSignal?.()?.aborted === true;
	}

	private async waitWhilePaused(): Promise<void> {
		let waitMs = this.pausedUntil - Date.now();
		while (waitMs > 0) {
			// Spread the restart a little so a paused pool does not stampede back in one burst.
			await sleep(waitMs + Math.random() * 50);
			waitMs = this.pausedUntil - Date.now();
		}
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
				timeout: timeoutMs,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			},
			{ credentialsDecrypted: { id: '', name: '', type: 'kizenApi', data: this.credentials } },
		)) as { statusCode: number; body: unknown; headers?: Record<string, string | undefined> };
		const headers = raw.headers ?? {};
		return {
			statusCode: raw.statusCode,
			body: raw.body,
			requestId: headers['x-request-id'],
			retryAfter: headers['retry-after'],
		};
	}
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
 * The errno-style code of a failed request, wherever n8n's error wrapping put it: n8n-core 2.8
 * throws a NodeApiError whose `httpCode` holds the code (ECONNRESET, ECONNABORTED for an axios
 * timeout) and whose `messages` keep the original text; newer versions also keep the `cause`.
 * Timeouts come back as ETIMEDOUT. `undefined` when the failure is not a network one.
 */
export function networkCode(error: unknown): string | undefined {
	let current = error as JsonObject | undefined;
	for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
		const texts = [current.message, ...(Array.isArray(current.messages) ? current.messages : [])]
			.filter((text): text is string => typeof text === 'string')
			.join('\n');
		if (current.code === CANCELLED || current.name === 'CanceledError') return CANCELLED;
		if (/timeout of \d+ms exceeded|timed? ?out/i.test(texts)) return 'ETIMEDOUT';
		for (const candidate of [current.code, current.httpCode, current.errno]) {
			if (typeof candidate !== 'string' || !ERRNO_CODE.test(candidate)) continue;
			return TIMEOUT_CODES.has(candidate) ? 'ETIMEDOUT' : candidate;
		}
		if (/socket hang up/i.test(texts)) return 'ECONNRESET';
		current = current.cause as JsonObject | undefined;
	}
	return undefined;
}

/**
 * Runs `work(0..count-1)` with at most `limit` in flight, keeping results in index order.
 * One worker loop per slot, so memory and scheduling stay flat however many items there are.
 */
export async function runConcurrently<T>(
	count: number,
	limit: number,
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
	const slots = Number.isFinite(limit) ? Math.max(1, Math.min(Math.floor(limit), count)) : 1;
	await Promise.all(Array.from({ length: slots }, worker));
	return results;
}

/**
 * Transport settings from the Options collection, defended against values an expression can
 * produce (text, 0, NaN): a bad Max Concurrent Requests would otherwise start no worker at all and
 * silently drop every item, a bad Max Attempts would retry forever.
 */
export function requestSettingsFrom(
	options: IDataObject,
): RequestSettings & { concurrency: number } {
	const whole = (value: unknown, fallback: number, min: number, max: number) => {
		const number = Number(value ?? fallback);
		return Number.isFinite(number) ? Math.min(max, Math.max(min, Math.floor(number))) : fallback;
	};
	const seconds = Number(options.timeoutSeconds ?? DEFAULT_REQUEST_SETTINGS.timeoutMs / 1000);
	return {
		timeoutMs:
			Number.isFinite(seconds) && seconds > 0
				? Math.round(seconds * 1000)
				: DEFAULT_REQUEST_SETTINGS.timeoutMs,
		maxAttempts: whole(options.maxAttempts, DEFAULT_REQUEST_SETTINGS.maxAttempts, 1, 10),
		concurrency: whole(options.maxConcurrency, DEFAULT_CONCURRENCY, 1, 50),
	};
}
