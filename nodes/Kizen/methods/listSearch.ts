import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { recordsPath } from '../actions/record/recordItem';
import { isSuccess, kizenApiError } from '../helpers/errors';
import { searchBody } from '../helpers/filters';
import type { KizenObject, ObjectSchema } from '../helpers/interfaces';
import { simplifyRecord } from '../helpers/output';
import { SchemaCache } from '../helpers/schema';
import { KizenClient } from '../transport';

const PAGE_SIZE = 100;

/** Every object the user can see, Contacts included (`custom_only=false`), page by page. */
export async function searchObjects(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await KizenClient.create(this);
	const page = Number(paginationToken ?? 1);
	const qs: Record<string, string | number | boolean> = {
		custom_only: false,
		page,
		page_size: PAGE_SIZE,
	};
	if (filter) qs.search = filter;
	const response = await client.request({
		method: 'GET',
		path: '/api/custom-objects',
		qs,
		idempotent: true,
		expect: 'page',
	});
	if (!isSuccess(response)) throw kizenApiError(this.getNode(), response);
	const body = response.body as { next?: string | null; results?: KizenObject[] };
	return {
		results: (body.results ?? []).map((object) => ({
			name: object.object_name ?? object.name,
			value: object.name,
			description: object.name,
		})),
		paginationToken: body.next ? String(page + 1) : undefined,
	};
}

const RECORD_PAGE_SIZE = 50;

/**
 * The Record locator's list: the chosen object's live records, searched by Kizen's free-text search
 * (name, or name and email for Contacts, as Kizen's search box), with the fields that name them.
 */
export async function searchRecords(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const object = this.getNodeParameter('object', undefined, { extractValue: true }) as string;
	if (!object) return { results: [] };
	const client = await KizenClient.create(this);
	const schema = await new SchemaCache(this, client).get(String(object));
	const page = Number(paginationToken ?? 1);
	const qs: Record<string, string | number> = { page, page_size: RECORD_PAGE_SIZE };
	if (filter) qs.search = filter;
	const naming = [schema.identifierFieldName, ...NAME_FIELDS].filter((name) =>
		schema.byApiName.has(name),
	);
	const response = await client.request({
		method: 'POST',
		path: `${recordsPath(schema)}/search`,
		qs,
		body: { ...searchBody([], 'and'), field_names: [...new Set(naming)] },
		idempotent: true,
		expect: 'page',
	});
	if (!isSuccess(response)) throw kizenApiError(this.getNode(), response);
	const body = response.body as { next?: string | null; results?: IDataObject[] };
	return {
		results: (body.results ?? []).map((record) => {
			const simple = simplifyRecord(schema, record);
			return { name: recordName(schema, simple), value: String(record.id) };
		}),
		paginationToken: body.next ? String(page + 1) : undefined,
	};
}

/** Fields that name a contact besides its email. */
const NAME_FIELDS = ['first_name', 'last_name'];

/** `Ada Lovelace (ada@example.com)` for a contact, the name otherwise; the ID when it has neither. */
function recordName(schema: ObjectSchema, record: IDataObject): string {
	const identifier = record[schema.identifierFieldName];
	const person = NAME_FIELDS.map((name) => record[name])
		.filter((part) => typeof part === 'string' && part.trim())
		.join(' ');
	if (person && identifier) return `${person} (${String(identifier)})`;
	return String(person || identifier || record.id);
}
