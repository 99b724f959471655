/**
 * Turns Kizen's answers (and the lack of one) into errors a user can act on: which item, which
 * field, what Kizen said and what to change. Every API error carries Kizen's X-Request-ID so a
 * Kizen admin can find the request in their logs.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { FieldWrite, KizenResponse, ObjectSchema } from './interfaces';

export interface ErrorContext {
	itemIndex?: number;
	/** How the item is known to the user (its lookup value or record id). */
	itemLabel?: string;
	/** The `fields` array that was sent, to map Kizen's positional errors back to field names. */
	sentFields?: FieldWrite[];
	schema?: ObjectSchema;
	timeoutMs?: number;
	/** The request was not idempotent (Create): after a lost answer it may or may not have happened. */
	notIdempotent?: boolean;
}

const MAY_HAVE_HAPPENED =
	'Kizen may have created the record before the answer was lost. Check in Kizen before running this item again, or use Create or Update, which never duplicates.';

const ARCHIVED_HINT =
	'An archived record has this identifier. Choose what should happen under Options → If an Archived Record Matches: "Unarchive It" restores it, "Create a New Record" leaves it archived and makes a new one.';

export function isSuccess(response: KizenResponse): boolean {
	return response.statusCode >= 200 && response.statusCode < 300 && !isWebPage(response.body);
}

export function itemPrefix(context: ErrorContext): string {
	if (context.itemIndex === undefined) return '';
	const label = context.itemLabel ? ` (${JSON.stringify(context.itemLabel)})` : '';
	return `Item ${context.itemIndex}${label}: `;
}

/** Builds the error for an unsuccessful answer from `KizenClient.request`. */
export function kizenApiError(
	node: INode,
	response: KizenResponse,
	context: ErrorContext = {},
): NodeApiError {
	const { message, hint } = describe(response, context);
	const description = [hint, response.requestId ? `Kizen request ID: ${response.requestId}` : '']
		.filter(Boolean)
		.join('\n');
	const body =
		response.body && typeof response.body === 'object' && !Array.isArray(response.body)
			? (response.body as JsonObject)
			: {};
	const error = new NodeApiError(node, body, {
		message: `${itemPrefix(context)}${message}`,
		description,
		httpCode: response.statusCode ? String(response.statusCode) : undefined,
		itemIndex: context.itemIndex,
	});
	// NodeApiError swaps a message that mentions a network code (ECONNRESET...) or, by substring,
	// words in user data for a generic text; ours already says what happened, so keep it.
	error.message = `${itemPrefix(context)}${message}`;
	return error;
}

function describe(
	response: KizenResponse,
	context: ErrorContext,
): { message: string; hint?: string } {
	const { statusCode, body, attempts = 1 } = response;
	const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;

	if (statusCode === 0) {
		const code = response.networkCode ?? 'ECONNRESET';
		if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
			const seconds = context.timeoutMs ? ` within ${context.timeoutMs / 1000} s` : '';
			return {
				message: `Kizen did not answer${seconds} (timed out after ${tries})`,
				hint: context.notIdempotent
					? MAY_HAVE_HAPPENED
					: 'Kizen may be slow right now. Run again later, or raise Options → Timeout.',
			};
		}
		if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
			return {
				message: `Could not reach Kizen (${code}, ${tries})`,
				hint: 'Check the environment or Base URL in the Kizen API credential.',
			};
		}
		return {
			message: `The connection to Kizen was lost (${code}) and Kizen was unavailable after ${tries}`,
			hint: context.notIdempotent
				? MAY_HAVE_HAPPENED
				: 'Running the item again is safe: the request is repeatable (Create or Update matches the existing record).',
		};
	}
	if (isWebPage(body)) {
		return {
			message: `Kizen answered with a web page instead of data (HTTP ${statusCode})`,
			hint: 'The Base URL probably points at Kizen’s web app or a proxy page, not the API host (e.g. https://app.go.kizen.com).',
		};
	}
	const detail = detailOf(body);
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
			return {
				message: `Not found in Kizen (404${detail ? `: ${detail}` : ''})`,
				hint: 'The object or record does not exist, or the API user cannot see it. Check the Object parameter.',
			};
		case 409:
			return {
				message: `Kizen reported a conflict with another change to this record (409${detail ? `: ${detail}` : ''})`,
				hint: 'Another process archived or changed the record at the same moment. Run the item again.',
			};
		case 429:
			return {
				message: `Kizen rate-limited this request and it still failed after ${tries}${response.retryAfter ? ` (last Retry-After: ${response.retryAfter})` : ''}`,
				hint: 'Lower Options → Max Concurrent Requests, or raise Options → Max Attempts.',
			};
		default:
			if (statusCode >= 500) {
				return {
					message: `Kizen was unavailable (HTTP ${statusCode}) after ${tries}${response.retryAfter ? ` (last Retry-After: ${response.retryAfter})` : ''}`,
					hint: context.notIdempotent
						? MAY_HAVE_HAPPENED
						: 'This is a problem on Kizen’s side. Running the item again later is safe.',
				};
			}
			return { message: `Kizen answered HTTP ${statusCode}${detail ? `: ${detail}` : ''}` };
	}
}

/** Kizen's 400: `non_field_errors` plus a `fields` array aligned with the request's `fields`. */
function describeValidation(
	body: JsonObject,
	context: ErrorContext,
): { message: string; hint?: string } {
	const parts: string[] = [];
	let archived = false;
	for (const text of asStrings(body.non_field_errors)) {
		if (/archived/i.test(text)) archived = true;
		parts.push(text);
	}
	const fieldErrors = Array.isArray(body.fields) ? body.fields : [];
	fieldErrors.forEach((entry, position) => {
		if (!entry || typeof entry !== 'object') return;
		const messages = Object.values(entry as JsonObject).flatMap(asStrings);
		if (!messages.length) return;
		const sent = context.sentFields?.[position];
		const field = sent && context.schema?.byId.get(String(sent.id));
		const name = field ? `"${field.display_name}"` : `Field #${position + 1}`;
		const value = sent && 'value' in sent ? ` (sent ${JSON.stringify(sent.value)})` : '';
		parts.push(`${name}${value}: ${messages.join(' ')}`);
	});
	// Other DRF keys (for example `lookup_value`) name the request property itself.
	for (const [key, value] of Object.entries(body)) {
		if (key === 'non_field_errors' || key === 'fields') continue;
		const messages = asStrings(value);
		if (messages.length) parts.push(`${key}: ${messages.join(' ')}`);
	}
	return {
		message: `Kizen rejected the record: ${parts.join('; ') || 'no reason given'}`,
		hint: archived ? ARCHIVED_HINT : 'Correct the values named above and run the item again.',
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

function isWebPage(body: unknown): boolean {
	return typeof body === 'string' && /^\s*</.test(body);
}
