/**
 * Turns Kizen's answers (and the lack of one) into errors a user can act on: which field, what
 * Kizen said and what to change. Every API error carries Kizen's X-Request-ID so a Kizen admin can
 * find the request in their logs. The item is named as n8n names it, by `itemIndex`: the editor adds
 * "[item N]" to a node error that carries it, and an error item is paired with its input and, on
 * the error output, carries its input row; so messages never repeat the item number.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { isSuccessStatus, isWebPage } from '../transport';
import type { FieldWrite, KizenResponse, ObjectSchema } from './interfaces';

export interface ErrorContext {
	itemIndex?: number;
	/**
	 * The record a request looked for (`Record ID 7c9e…`), and what to check: a 404 then says that
	 * this record was not found (the object was read before, so it exists).
	 */
	notFound?: { what: string; hint: string };
	/** The `fields` array that was sent, to map Kizen's positional errors back to field names. */
	sentFields?: FieldWrite[];
	schema?: ObjectSchema;
	timeoutMs?: number;
	/**
	 * What the request does that a repeat would do twice ("created", "archived"...): set for requests
	 * that are not idempotent. After a lost or doubtful answer the error then warns the record may
	 * already have been changed, instead of calling a repeat safe.
	 */
	sideEffect?: 'created' | 'archived' | 'unarchived';
	/** What to choose when Kizen refuses because an archived record holds the identifier. */
	archivedHint?: string;
	/** What the request was for, when it was not the item's own write (e.g. reading the object). */
	during?: string;
	/** What a 400 refused, in its message: "the record" unless said otherwise ("the search"). */
	refused?: string;
}

/** The archived-record hint of the operations that can create (Create or Update, Create). */
export const ARCHIVED_MATCH_HINT =
	'An archived record has this identifier. Choose what should happen under Options → If an Archived Record Matches: "Unarchive It" restores it, "Create a New Record" leaves it archived and makes a new one.';

/** The archived-record hint of an update that renames a record. */
export const ARCHIVED_RENAME_HINT =
	'An archived record already has the name (or email) this update gives the record. Turn on Options → Overwrite Archived Identifier on Update to let Kizen move the archived record’s identifier out of the way.';

const BASE_URL_HINT =
	'The Base URL probably points at a web page (Kizen’s web app, a proxy or another site), not Kizen’s API host, e.g. https://app.go.kizen.com. Correct it in the Kizen API credential.';

/** Whether Kizen answered 2xx with the body the request expected. */
export function isSuccess(response: KizenResponse): boolean {
	return isSuccessStatus(response.statusCode) && response.malformed === undefined;
}

/** Builds the error for an unsuccessful answer from `KizenClient.request`. */
export function kizenApiError(
	node: INode,
	response: KizenResponse,
	context: ErrorContext = {},
): NodeApiError {
	const described = describe(response, context);
	const message = context.during ? `${context.during}: ${described.message}` : described.message;
	const { hint } = described;
	const description = [hint, response.requestId ? `Kizen request ID: ${response.requestId}` : '']
		.filter(Boolean)
		.join('\n');
	const body =
		response.body && typeof response.body === 'object' && !Array.isArray(response.body)
			? (response.body as JsonObject)
			: {};
	const error = new NodeApiError(node, body, {
		message,
		description,
		httpCode: response.statusCode ? String(response.statusCode) : undefined,
		itemIndex: context.itemIndex,
	});
	// NodeApiError swaps a message that mentions a network code (ECONNRESET...) or, by substring,
	// words in user data for a generic text; ours already says what happened, so keep it.
	error.message = message;
	return error;
}

function mayHaveHappened(sideEffect: NonNullable<ErrorContext['sideEffect']>): string {
	const duplicate =
		sideEffect === 'created'
			? ' A second Create would make a duplicate; Create or Update never does.'
			: '';
	return `The record may have been ${sideEffect}: check in Kizen before running this item again.${duplicate}`;
}

/** `0.4 s`, `12 s`, `3 min 20 s`. */
function seconds(ms: number): string {
	if (ms < 10_000) return `${Math.round(ms / 100) / 10} s`;
	const total = Math.round(ms / 1000);
	return total < 120 ? `${total} s` : `${Math.floor(total / 60)} min ${total % 60} s`;
}

function describe(
	response: KizenResponse,
	context: ErrorContext,
): { message: string; hint?: string } {
	const { statusCode, body, attempts = 1 } = response;
	const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
	const doubtful = context.sideEffect ? mayHaveHappened(context.sideEffect) : undefined;

	if (statusCode === 0) {
		const code = response.networkCode ?? 'ECONNRESET';
		if (code === 'ERR_CANCELED') {
			return { message: 'The execution was stopped before Kizen answered', hint: doubtful };
		}
		if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
			return {
				message: `Could not reach Kizen (${code}, ${tries})`,
				hint: 'Nothing reached Kizen. Check the environment or Base URL in the Kizen API credential.',
			};
		}
		if (code === 'ETIMEDOUT') {
			const seconds = context.timeoutMs ? ` within ${context.timeoutMs / 1000} s` : '';
			return {
				message: `Kizen did not answer${seconds} (timed out after ${tries})`,
				hint:
					doubtful ??
					'Kizen may be slow right now. Run again later (the request is repeatable), or raise Options → Timeout.',
			};
		}
		return {
			message: `The connection to Kizen was lost (${code}) and Kizen was unavailable after ${tries}`,
			hint:
				doubtful ??
				'Running the item again is safe: the request is repeatable (Create or Update matches the existing record).',
		};
	}
	if (statusCode >= 300 && statusCode < 400) {
		return {
			message: `Kizen's address answered with a redirect (HTTP ${statusCode}) to ${redirectTarget(response.location)}`,
			hint: 'n8n never follows a redirect with the API key, so nothing was sent there. Correct the Base URL in the Kizen API credential to the address Kizen’s API really lives at (e.g. https://app.go.kizen.com).',
		};
	}
	// Only an HTML page where the API should answer (2xx, 404) means the Base URL is wrong; a
	// 502/503/504 page comes from Kizen's own proxy while Kizen is unavailable.
	if (isWebPage(body) && (isSuccessStatus(statusCode) || statusCode === 404)) {
		return {
			message: `Kizen answered with a web page instead of data (HTTP ${statusCode}, ${tries})`,
			hint: BASE_URL_HINT,
		};
	}
	if (response.malformed !== undefined) {
		return {
			message: `Kizen answered HTTP ${statusCode} with ${response.malformed}, after ${tries}`,
			hint:
				doubtful ??
				'Kizen (or a proxy in front of it) sent an incomplete answer, so this item is not confirmed. Running it again is safe: the request is repeatable.',
		};
	}
	const detail = detailOf(body);
	const archived = /archived/i.test(JSON.stringify(body ?? ''));
	switch (statusCode) {
		case 400:
			return describeValidation(body as JsonObject, context);
		case 401:
			return {
				message: `Kizen refused the credentials (401${detail ? `: ${detail}` : ''})`,
				hint: 'Check the API Key, User ID and Business ID in the Kizen API credential (Kizen → My Profile → API Connections).',
			};
		case 403:
			return {
				message: `The Kizen user lacks permission for this (403${detail ? `: ${detail}` : ''})`,
				hint: 'Ask a Kizen admin to grant the API user’s role access to this object and its fields.',
			};
		case 404:
			// The object was read before any record request, so a record request's 404 is the record's.
			if (context.notFound) {
				return {
					message: `Kizen has no record with ${context.notFound.what} (404${detail ? `: ${detail}` : ''})`,
					hint: context.notFound.hint,
				};
			}
			return {
				message: `Not found in Kizen (404${detail ? `: ${detail}` : ''})`,
				hint: 'The record or object does not exist, or the API user cannot see it (an archived record is not found either).',
			};
		case 409:
			// Kizen's answer to an archived match under `prompt` is not documented (KIZEN-API.md): a
			// 409 gets the same explanation as a 400 when it names the archived record, and otherwise
			// both readings, since a concurrent archive or write also answers 409.
			if (archived && context.archivedHint) {
				return {
					message: `Kizen refused the record: an archived record conflicts with it (409${detail ? `: ${detail}` : ''})`,
					hint: context.archivedHint,
				};
			}
			return {
				message: `Kizen reported a conflict with another change to this record (409${detail ? `: ${detail}` : ''})`,
				hint: context.archivedHint
					? `Another process archived or changed the record at the same moment: run the item again. If it fails the same way, an archived record holds this identifier. ${context.archivedHint}`
					: 'Another process archived or changed the record at the same moment. Run the item again.',
			};
		case 429:
			return {
				message: `Kizen kept rate-limiting this request (HTTP 429) for ${seconds(response.rateLimitedMs ?? 0)}, ${tries}${response.retryAfter ? ` (last Retry-After: ${response.retryAfter})` : ''}`,
				hint: 'Kizen accepted fewer requests than this run needed for longer than Options → Rate Limit Wait allows (the node already slows down to the rate Kizen accepts). Raise Rate Limit Wait, or run the workflow when the account is less busy.',
			};
		case 500:
			return {
				message: `Kizen failed with an internal error (HTTP 500${detail ? `: ${detail}` : ''})`,
				hint:
					doubtful ??
					'Kizen answers 500 to some values it cannot store (for example numbers out of its range) as well as to its own failures. If this item fails again, check its values before running it again.',
			};
		default:
			if (statusCode >= 500) {
				return {
					message: `Kizen was unavailable (HTTP ${statusCode}) after ${tries}${response.retryAfter ? ` (last Retry-After: ${response.retryAfter})` : ''}`,
					hint:
						doubtful ??
						'This is a problem on Kizen’s side. Run the item again later: the request is repeatable.',
				};
			}
			return { message: `Kizen answered HTTP ${statusCode}${detail ? `: ${detail}` : ''}` };
	}
}

/** The origin a redirect pointed to (never its path or query, which may carry tokens). */
function redirectTarget(location: string | undefined): string {
	if (!location) return 'no address';
	try {
		return new URL(location).origin;
	} catch {
		return 'another path on the same host';
	}
}

/** Kizen's 400: `non_field_errors` plus a `fields` array aligned with the request's `fields`. */
function describeValidation(
	body: JsonObject,
	context: ErrorContext,
): { message: string; hint?: string } {
	const parts: string[] = [];
	let archived = false;
	for (const text of asStrings(body?.non_field_errors)) {
		if (/archived/i.test(text)) archived = true;
		parts.push(text);
	}
	const fieldErrors = Array.isArray(body?.fields) ? body.fields : [];
	fieldErrors.forEach((entry, position) => {
		if (!entry || typeof entry !== 'object') return;
		const messages = Object.values(entry as JsonObject).flatMap(asStrings);
		if (!messages.length) return;
		const sent = context.sentFields?.[position];
		const field = sent && context.schema?.byId.get(String(sent.id));
		const name = field ? `"${field.display_name}" (${field.name})` : `Field #${position + 1}`;
		const value = sent && 'value' in sent ? ` (sent ${JSON.stringify(sent.value)})` : '';
		parts.push(`${name}${value}: ${messages.join(' ')}`);
	});
	// Other DRF keys (for example `lookup_value`) name the request property itself.
	for (const [key, value] of Object.entries(body ?? {})) {
		if (key === 'non_field_errors' || key === 'fields') continue;
		const messages = asStrings(value);
		if (messages.length) parts.push(`${key}: ${messages.join(' ')}`);
	}
	return {
		message: `Kizen rejected ${context.refused ?? 'the record'}: ${parts.join('; ') || 'no reason given'}`,
		hint:
			archived && context.archivedHint
				? context.archivedHint
				: 'Correct the values named above and run the item again.',
	};
}

function asStrings(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (Array.isArray(value)) return value.flatMap(asStrings);
	if (value && typeof value === 'object') return Object.values(value).flatMap(asStrings);
	return [];
}

function detailOf(body: unknown): string {
	if (body && typeof body === 'object') {
		const { detail, code } = body as JsonObject;
		if (typeof detail === 'string') return detail;
		if (typeof code === 'string') return code;
	}
	return '';
}
