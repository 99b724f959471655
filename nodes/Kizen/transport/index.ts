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
import { NodeOperationError, sleep } from 'n8n-workflow';

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

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
/** A Retry-After longer than this is treated as "not within this execution". */
const RETRY_AFTER_CAP_MS = 120_000;
/** Network failures where the request cannot have reached Kizen (safe to retry any request). */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const NETWORK_CODES = new Set([
	...NOT_SENT_CODES,
	'ECONNRESET',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'ESOCKETTIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

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
		for (let attempt = 1; ; attempt++) {
			await this.waitWhilePaused();
			let response: KizenResponse;
			try {
				response = await this.send(req, timeoutMs);
			} catch (error) {
				const code = networkCode(error);
				const retryable = req.idempotent || NOT_SENT_CODES.has(code);
				if (!retryable || attempt >= maxAttempts) {
					return { statusCode: 0, body: undefined, networkCode: code, attempts: attempt };
				}
				await sleep(backoffMs(attempt));
				continue;
			}
			response.attempts = attempt;
			const retryable =
				RETRYABLE_STATUSES.has(response.statusCode) &&
				(req.idempotent || response.statusCode === 429);
			if (!retryable || attempt >= maxAttempts) return response;

			const waitMs = retryAfterMs(response.retryAfter) ?? backoffMs(attempt);
			if (waitMs > RETRY_AFTER_CAP_MS) return response;
			if (response.statusCode === 429) {
				this.pausedUntil = Math.max(this.pausedUntil, Date.now() + waitMs);
				await this.waitWhilePaused();
			} else {
				await sleep(waitMs);
			}
		}
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

/** The errno-style code of a failed request, wherever n8n's error wrapping put it. */
function networkCode(error: unknown): string {
	let current = error as JsonObject | undefined;
	for (let depth = 0; current && depth < 4; depth++) {
		const code = current.code;
		if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
		const message = typeof current.message === 'string' ? current.message : '';
		if (/socket hang up|ECONNRESET/i.test(message)) return 'ECONNRESET';
		if (/timeout/i.test(message)) return 'ETIMEDOUT';
		current = current.cause as JsonObject | undefined;
	}
	return 'ECONNRESET';
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
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker));
	return results;
}
