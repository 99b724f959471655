/**
 * Kizen record URLs, for the Record locator's By URL mode. Kizen documents no public URL scheme;
 * Kizen's app-engine documents the web app's record detail routes (kizen/app-engine
 * docs/12-routes-calendars-adornments-settings.md, "What routes fire a route script", and
 * docs/14-navigation-and-communication.md: `/client/${id}/details`):
 *  - Contacts: `/client/{record id}/...`
 *  - every other object: `/custom-objects/{object id}/{record id}...`
 * on the web-app host (`https://go.kizen.com` for most accounts). The node reads the record ID from
 * that path [I: the routes are recorded for plugins, not promised as a public format], and checks
 * that the URL belongs to the chosen Object.
 */
import type { ObjectSchema } from './interfaces';
import { CONTACTS_OBJECT } from './interfaces';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** A record URL, with the record ID as its one capture group (n8n's `extractValue` needs one). */
export const RECORD_URL_REGEX = `^https?://[^/?#]+/(?:client|custom-objects/[^/?#]+)/(${UUID})(?:[/?#].*)?$`;

export const RECORD_URL_EXAMPLE =
	'https://go.kizen.com/client/7c9e6679-7425-40de-944b-e07fc1f90ae7/details';

const PARTS = new RegExp(
	`^https?://[^/?#]+/(?:(client)|custom-objects/([^/?#]+))/(${UUID})(?:[/?#].*)?$`,
);

/** The record ID in a Kizen record URL, or why the URL is not one of `schema`'s records. */
export function recordIdFromUrl(
	schema: ObjectSchema,
	url: string,
): { recordId: string; problem?: undefined } | { problem: string } {
	const match = PARTS.exec(url.trim());
	if (!match) {
		return {
			problem: `expected a Kizen record URL, such as ${RECORD_URL_EXAMPLE} (Contacts) or https://go.kizen.com/custom-objects/<object ID>/<record ID>/details`,
		};
	}
	const [, client, objectInUrl, recordId] = match;
	const isContacts = schema.object.name === CONTACTS_OBJECT;
	const sameObject = client
		? isContacts
		: !isContacts &&
			[schema.object.id, schema.object.name].some(
				(name) => name.toLowerCase() === decoded(objectInUrl).toLowerCase(),
			);
	if (!sameObject) {
		const where = client ? 'Contacts' : `the object ${objectInUrl}`;
		return {
			problem: `this URL is a record of ${where}, not of ${schema.object.object_name || schema.object.name} (the chosen Object)`,
		};
	}
	return { recordId };
}

function decoded(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}
