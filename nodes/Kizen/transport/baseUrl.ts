/**
 * The one place that decides where the API key may go: the API root a credential names, and the
 * rules a typed Base URL must pass. Users paste the UI host, a URL ending in `/api` or `/`, forget
 * the scheme, or paste a URL with a password or a query in it; Kizen's API paths all start with
 * `/api` and must not end in `/`. The node, the credential test and every request (the credential's
 * `authenticate`) apply these same rules.
 */
export const KIZEN_ENVIRONMENTS = {
	production: 'https://app.go.kizen.com',
	productionFmo: 'https://app.fmo.kizen.com',
} as const;

const RIGHT_FORM = 'Use the API host, for example https://app.go.kizen.com';

/** Kizen's web UI lives on `go.kizen.com` / `fmo.kizen.com`; its API on the `app.` host. */
const UI_HOSTS: Record<string, string> = {
	'go.kizen.com': KIZEN_ENVIRONMENTS.production,
	'fmo.kizen.com': KIZEN_ENVIRONMENTS.productionFmo,
};

/** Either the API root, or why the typed value cannot be one (shown to the user as it is). */
export type BaseUrlResult =
	| { url: string; problem?: undefined }
	| { url?: undefined; problem: string };

/** Plain http is only allowed to this machine: anywhere else the key would cross the network in clear. */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase();
	return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * What of a typed URL may be repeated in a message: never a password (`user:pass@`) or a query
 * (which may hold a token). The message ends up in saved executions and error items.
 */
export function shownUrl(typed: string): string {
	return typed
		.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, '$1')
		.replace(/[?#].*$/s, '')
		.slice(0, 200);
}

export function normalizeBaseUrl(input: string): BaseUrlResult {
	const typed = String(input ?? '').trim();
	if (!typed) {
		return { problem: `The Base URL is empty. ${RIGHT_FORM}` };
	}
	const shown = JSON.stringify(shownUrl(typed));
	let url: URL;
	try {
		url = new URL(typed);
	} catch {
		return { problem: `${shown} is not a URL. ${RIGHT_FORM}` };
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return {
			problem: `${shown} is not a web address (it must start with https://). ${RIGHT_FORM}`,
		};
	}
	if (url.username || url.password || /^[a-z]+:\/\/[^/?#]*@/i.test(typed)) {
		return {
			problem: `The Base URL must not contain a user name or password (the part before "@"): Kizen authenticates with the API key. Use ${url.protocol}//${url.host} instead`,
		};
	}
	if (/[?#]/.test(typed)) {
		return { problem: `${shown} must not contain a query (?…) or fragment (#…). ${RIGHT_FORM}` };
	}
	const host = url.hostname.toLowerCase();
	if (host.endsWith('.')) {
		return {
			problem: `${shown} ends its host name with a dot. Use ${url.protocol}//${url.host.replace(/\.(?=:|$)/, '')} instead`,
		};
	}
	if (UI_HOSTS[host]) {
		return { problem: `${shown} is Kizen's web app, not its API. Use ${UI_HOSTS[host]} instead` };
	}
	if (url.protocol !== 'https:' && !isLoopbackHost(host)) {
		return {
			problem: `${shown} must start with https:// (plain http is only allowed for a server on this machine). ${RIGHT_FORM}`,
		};
	}
	const path = url.pathname.replace(/\/+$/, '').replace(/\/api$/i, '');
	if (url.pathname.replace(/\/+$/, '').includes('//')) {
		return { problem: `${shown} has an empty path segment ("//"). ${RIGHT_FORM}` };
	}
	return { url: `${url.protocol}//${url.host}${path}` };
}

/** The API root for a decrypted `kizenApi` credential. */
export function baseUrlFromCredentials(credentials: {
	environment?: unknown;
	baseUrl?: unknown;
}): BaseUrlResult {
	const environment = String(credentials.environment ?? 'production');
	if (environment === 'custom') {
		return normalizeBaseUrl(String(credentials.baseUrl ?? ''));
	}
	if (environment in KIZEN_ENVIRONMENTS) {
		return { url: KIZEN_ENVIRONMENTS[environment as keyof typeof KIZEN_ENVIRONMENTS] };
	}
	return { problem: `Unknown Kizen environment "${environment}". ${RIGHT_FORM}` };
}

/**
 * The same normalisation as an n8n expression, for the credential test's `baseURL` (n8n evaluates
 * the test from the credential's description). It only selects the environment and strips a
 * trailing `/` and `/api`; the full rules above run in the credential's `authenticate`, which n8n
 * calls before the test request leaves, so a refused Base URL never receives a request.
 */
export const BASE_URL_EXPRESSION =
	"={{ $credentials.environment === 'custom' ? String($credentials.baseUrl).trim().replace(/\\/+$/, '').replace(/\\/api$/i, '') : ($credentials.environment === 'productionFmo' ? '" +
	KIZEN_ENVIRONMENTS.productionFmo +
	"' : '" +
	KIZEN_ENVIRONMENTS.production +
	"') }}";
