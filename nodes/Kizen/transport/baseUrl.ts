/**
 * The one place that turns what a user typed into the credential into the API root the node calls.
 * Users paste the UI host, a URL ending in `/api` or `/`, or forget the scheme; Kizen's API paths
 * all start with `/api` and must not end in `/`, so we normalise once here.
 */
export const KIZEN_ENVIRONMENTS = {
	production: 'https://app.go.kizen.com',
	productionFmo: 'https://app.fmo.kizen.com',
} as const;

const RIGHT_FORM = 'Use the API host, for example https://app.go.kizen.com';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Kizen's web UI lives on `go.kizen.com` / `fmo.kizen.com`; its API on the `app.` host. */
const UI_HOSTS: Record<string, string> = {
	'go.kizen.com': KIZEN_ENVIRONMENTS.production,
	'fmo.kizen.com': KIZEN_ENVIRONMENTS.productionFmo,
};

/** Either the API root, or why the typed value cannot be one (shown to the user as it is). */
export type BaseUrlResult =
	| { url: string; problem?: undefined }
	| { url?: undefined; problem: string };

export function normalizeBaseUrl(input: string): BaseUrlResult {
	const typed = (input ?? '').trim();
	if (!typed) {
		return { problem: `The Base URL is empty. ${RIGHT_FORM}` };
	}
	let url: URL;
	try {
		url = new URL(typed);
	} catch {
		return { problem: `"${typed}" is not a URL. ${RIGHT_FORM}` };
	}
	const host = url.hostname.toLowerCase();
	if (UI_HOSTS[host]) {
		return { problem: `"${typed}" is Kizen's web app, not its API. Use ${UI_HOSTS[host]} instead` };
	}
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(host))) {
		return {
			problem: `"${typed}" must start with https:// (plain http is only allowed for a server on this machine). ${RIGHT_FORM}`,
		};
	}
	if (url.search || url.hash) {
		return { problem: `"${typed}" must not contain a query or fragment. ${RIGHT_FORM}` };
	}
	const path = url.pathname.replace(/\/+$/, '').replace(/\/api$/i, '');
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
 * The same normalisation as an n8n expression, for the credential test (which n8n runs from the
 * credential's declarative description, so it cannot call TypeScript). It selects the environment
 * and strips a trailing `/` and `/api`; the node's stricter checks run on every execution.
 */
export const BASE_URL_EXPRESSION =
	"={{ $credentials.environment === 'custom' ? String($credentials.baseUrl).trim().replace(/\\/+$/, '').replace(/\\/api$/i, '') : ($credentials.environment === 'productionFmo' ? '" +
	KIZEN_ENVIRONMENTS.productionFmo +
	"' : '" +
	KIZEN_ENVIRONMENTS.production +
	"') }}";
