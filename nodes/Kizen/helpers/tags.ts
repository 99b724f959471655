/**
 * Tags of dynamictags fields (Contacts' Tags and Titles, every custom tags field). Their field
 * definitions carry `options: null`; the tags are listed by the field's tag endpoint, paginated
 * (kizen/builder-cli src/kizen_builder/api/schema.py `get_field_tags`, the CLI Kizen's filter tools
 * use): `GET /api/client/fields/{field}/tags` for Contacts, `GET /api/pipelines/{object}/fields/{field}/tags`
 * for every other object, with `ordering=name`, `page`, `page_size`.
 *
 * A field's tags are loaded once per execution (or editor request), and only when a value, a
 * filter or the field mapper needs them, so a batch that never writes tags costs nothing extra.
 */
import type { NodeApiError } from 'n8n-workflow';

import type { KizenClient, KizenContext } from '../transport';
import { isSuccess, kizenApiError } from './errors';
import type { KizenField, KizenTag, ObjectSchema } from './interfaces';
import { CONTACTS_OBJECT } from './interfaces';

/** What Kizen's CLI asks for per page. */
const TAG_PAGE_SIZE = 100;
/** A runaway guard: 1,000 pages of 100 tags. */
const MAX_TAG_PAGES = 1000;

export class TagCache {
	/** Per field: its tags, or (a failed read, remembered for the execution) each item's error. */
	private readonly loads = new Map<
		string,
		Promise<KizenTag[] | ((itemIndex?: number) => NodeApiError)>
	>();

	constructor(
		private readonly ctx: KizenContext,
		private readonly client: KizenClient,
	) {}

	/** Every tag of `field`, in name order. */
	async get(schema: ObjectSchema, field: KizenField, itemIndex?: number): Promise<KizenTag[]> {
		let load = this.loads.get(field.id);
		if (!load) {
			load = this.load(schema, field);
			this.loads.set(field.id, load);
		}
		const result = await load;
		if (typeof result === 'function') throw result(itemIndex);
		return result;
	}

	/** The tags of every dynamictags field among `fields`, keyed by field ID (what the value rules read). */
	async forFields(
		schema: ObjectSchema,
		fields: KizenField[],
		itemIndex?: number,
	): Promise<Map<string, KizenTag[]>> {
		const tags = new Map<string, KizenTag[]>();
		for (const field of fields) {
			if (field.field_type === 'dynamictags' && !tags.has(field.id)) {
				tags.set(field.id, await this.get(schema, field, itemIndex));
			}
		}
		return tags;
	}

	private async load(
		schema: ObjectSchema,
		field: KizenField,
	): Promise<KizenTag[] | ((itemIndex?: number) => NodeApiError)> {
		const path =
			schema.object.name === CONTACTS_OBJECT
				? `/api/client/fields/${encodeURIComponent(field.id)}/tags`
				: `/api/pipelines/${encodeURIComponent(schema.object.id)}/fields/${encodeURIComponent(field.id)}/tags`;
		const tags: KizenTag[] = [];
		for (let page = 1; page <= MAX_TAG_PAGES; page++) {
			const response = await this.client.request({
				method: 'GET',
				path,
				qs: { ordering: 'name', page, page_size: TAG_PAGE_SIZE },
				idempotent: true,
				expect: 'page',
			});
			if (!isSuccess(response)) {
				const node = this.ctx.getNode();
				return (itemIndex) =>
					kizenApiError(node, response, {
						itemIndex,
						during: `Reading the tags of "${field.display_name}" (${field.name})`,
					});
			}
			const body = response.body as { results: KizenTag[]; next?: string | null };
			for (const tag of body.results) {
				if (typeof tag?.id === 'string' && typeof tag.name === 'string')
					tags.push({ id: tag.id, name: tag.name });
			}
			if (!body.next || body.results.length === 0) break;
		}
		return tags;
	}
}

/**
 * The tag `wanted` names: its ID, or its name compared case-insensitively. `undefined` when the
 * field has no such tag (the caller then names the closest ones, see `closestNames`).
 */
export function findTag(tags: KizenTag[], wanted: string): KizenTag | undefined {
	const lower = wanted.toLowerCase();
	return (
		tags.find((tag) => tag.id === wanted) ?? tags.find((tag) => tag.name.toLowerCase() === lower)
	);
}

/** Up to `count` names from `names` closest to `wanted` (edit distance, case-insensitive). */
export function closestNames(names: string[], wanted: string, count = 3): string[] {
	const target = wanted.toLowerCase();
	return names
		.map((name) => ({ name, distance: editDistance(name.toLowerCase(), target) }))
		.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
		.slice(0, count)
		.map((entry) => entry.name);
}

function editDistance(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
			current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
		}
		previous = current;
	}
	return previous[b.length];
}
