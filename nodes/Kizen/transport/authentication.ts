/**
 * How the credential is applied to a request, for every request that uses it: the Kizen node's,
 * the credential test's, and the HTTP Request node's with this credential. It refuses, before
 * anything leaves n8n, a credential whose values cannot be sent or whose Base URL breaks the rules,
 * and a request to any origin but the credential's own API host; and it turns redirects off, so
 * the API key can never follow one to another host.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { baseUrlFromCredentials, shownUrl } from './baseUrl';

const WHERE_TO_FIND = 'Copy it again from Kizen → My Profile → API Connections.';

/** Credential field → header, with the name the credential dialog shows. */
const HEADERS = [
	{ field: 'apiKey', label: 'API Key', header: 'X-API-KEY' },
	{ field: 'userId', label: 'User ID', header: 'X-USER-ID' },
	{ field: 'businessId', label: 'Business ID', header: 'X-BUSINESS-ID' },
] as const;

/** What an HTTP header value may hold (no spaces, line breaks or other control or non-ASCII characters). */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** Why these credential values cannot be used, or undefined. Never repeats a value. */
export function credentialProblem(credentials: ICredentialDataDecryptedObject): string | undefined {
	const base = baseUrlFromCredentials(credentials);
	if (base.problem !== undefined) return base.problem;
	for (const { field, label } of HEADERS) {
		const value = String(credentials[field] ?? '').trim();
		if (!value) return `the ${label} is empty. ${WHERE_TO_FIND}`;
		if (!HEADER_SAFE.test(value)) {
			return `the ${label} contains a character that cannot be sent (a line break, a space, a control or a non-ASCII character, often copied along with it). ${WHERE_TO_FIND}`;
		}
	}
	return undefined;
}

/** The origin a request will go to (axios joins `baseURL` and a relative `url`). */
function requestOrigin(options: IHttpRequestOptions & { uri?: string }): string | undefined {
	const target = String(options.url ?? options.uri ?? '');
	const joined = /^[a-z][a-z0-9+.-]*:/i.test(target)
		? target
		: `${String(options.baseURL ?? '').replace(/\/+$/, '')}/${target.replace(/^\/+/, '')}`;
	try {
		return new URL(joined).origin;
	} catch {
		return undefined;
	}
}

/** The credential's `authenticate`: checks, then the three headers. Throws instead of sending. */
export async function authenticateKizenRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const problem = credentialProblem(credentials);
	if (problem !== undefined) throw new Error(`Kizen credential: ${problem}`);
	const apiOrigin = new URL(baseUrlFromCredentials(credentials).url as string).origin;
	const origin = requestOrigin(requestOptions);
	if (origin !== apiOrigin) {
		throw new Error(
			`The Kizen API key is only sent to the credential's API host ${apiOrigin}, not to ${origin ? shownUrl(origin) : 'this address'}. Use that host in the request, or correct the credential's environment or Base URL.`,
		);
	}
	const headers: IDataObject = { ...(requestOptions.headers ?? {}) };
	for (const { field, header } of HEADERS) headers[header] = String(credentials[field]).trim();
	// Redirects are never followed with the key: a 3xx comes back as the answer (the legacy request
	// options of older callers name the same switch differently).
	return Object.assign(requestOptions, {
		headers,
		disableFollowRedirect: true,
		followRedirect: false,
		followAllRedirects: false,
	});
}
