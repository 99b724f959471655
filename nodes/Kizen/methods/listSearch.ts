import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { isSuccess, kizenApiError } from '../helpers/errors';
import type { KizenObject } from '../helpers/interfaces';
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
