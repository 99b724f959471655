/**
 * Object schemas: the object and its fields, fetched once per execution and per object (never per
 * item), so a batch of 10,000 items costs two schema requests, not 20,000. The reads are retried
 * like any idempotent read (in the transport); a read that still fails is remembered for the
 * execution, and every item that needs the object gets its own error with its own item number.
 */
import type { NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { KizenClient, KizenContext } from '../transport';
import { isWebPage } from '../transport';
import { isSuccess, itemPrefix, kizenApiError } from './errors';
import type { KizenField, KizenObject, KizenResponse, ObjectSchema } from './interfaces';
import { CONTACTS_OBJECT } from './interfaces';

/** An object's API name (`client_client`, `deals`) or its UUID: nothing else reaches a URL. */
const OBJECT_IDENTIFIER =
	/^(?:[A-Za-z0-9_]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Builds the error for one item from a failed schema read (so each item names itself). */
type SchemaFailure = (itemIndex?: number) => NodeApiError | NodeOperationError;

export class SchemaCache {
	private readonly loads = new Map<string, Promise<ObjectSchema | SchemaFailure>>();

	constructor(
		private readonly ctx: KizenContext,
		private readonly client: KizenClient,
	) {}

	/** `identifier` is an object's API name (e.g. `client_client`) or its UUID. */
	async get(identifier: string, itemIndex?: number): Promise<ObjectSchema> {
		const key = identifier.trim();
		const problem = identifierProblem(key);
		if (problem) {
			throw new NodeOperationError(this.ctx.getNode(), `${itemPrefix({ itemIndex })}${problem}`, {
				description: `Pick the object from the list, or give its API name (Contacts are "${CONTACTS_OBJECT}") or UUID. Nothing was sent to Kizen for this item.`,
				itemIndex,
			});
		}
		let load = this.loads.get(key);
		if (!load) {
			load = this.load(key);
			this.loads.set(key, load);
		}
		const result = await load;
		if (typeof result === 'function') throw result(itemIndex);
		return result;
	}

	private async load(identifier: string): Promise<ObjectSchema | SchemaFailure> {
		const objectResponse = await this.client.request({
			method: 'GET',
			path: `/api/custom-objects/${encodeURIComponent(identifier)}`,
			idempotent: true,
			expect: 'record',
		});
		if (!isSuccess(objectResponse)) return this.failure(objectResponse, identifier);
		const object = objectResponse.body as KizenObject;
		const fieldsResponse = await this.client.request({
			method: 'GET',
			path: `/api/custom-objects/${encodeURIComponent(object.id)}/fields`,
			idempotent: true,
			expect: 'list',
		});
		if (!isSuccess(fieldsResponse)) return this.failure(fieldsResponse, identifier);
		return buildSchema(object, fieldsResponse.body as KizenField[]);
	}

	private failure(response: KizenResponse, identifier: string): SchemaFailure {
		const node = this.ctx.getNode();
		if (response.statusCode === 404 && !isWebPage(response.body)) {
			return (itemIndex) =>
				new NodeOperationError(
					node,
					`${itemPrefix({ itemIndex })}Kizen has no object "${identifier}" that this user can see`,
					{
						description: `Pick the object from the list, or check its API name (Contacts are "${CONTACTS_OBJECT}") or UUID. Kizen request ID: ${response.requestId ?? 'none'}`,
						itemIndex,
					},
				);
		}
		return (itemIndex) =>
			kizenApiError(node, response, { itemIndex, during: `Reading the object "${identifier}"` });
	}
}

/** Why an Object value cannot name an object, or undefined. */
function identifierProblem(identifier: string): string | undefined {
	if (!identifier) return 'No Kizen object is selected';
	if (OBJECT_IDENTIFIER.test(identifier)) return undefined;
	return `Object ${JSON.stringify(identifier.slice(0, 100))} is not an object's API name (letters, digits and _) or ID (a UUID)`;
}

export function buildSchema(object: KizenObject, fields: KizenField[]): ObjectSchema {
	return {
		object,
		fields,
		byApiName: new Map(fields.map((field) => [field.name, field])),
		byId: new Map(fields.map((field) => [field.id, field])),
		identifierFieldName: object.name === CONTACTS_OBJECT ? 'email' : 'name',
	};
}

/** Fields a user may write: not read-only, not hidden. */
export function isWritable(field: KizenField): boolean {
	return !field.is_read_only && !field.is_hidden;
}
