/**
 * Object schemas: the object and its fields, fetched once per execution and per object (never per
 * item), so a batch of 10,000 items costs two schema requests, not 20,000.
 */
import { NodeOperationError } from 'n8n-workflow';

import type { KizenClient, KizenContext } from '../transport';
import { kizenApiError, isSuccess } from './errors';
import type { KizenField, KizenObject, ObjectSchema } from './interfaces';
import { CONTACTS_OBJECT } from './interfaces';

export class SchemaCache {
	private readonly pending = new Map<string, Promise<ObjectSchema>>();

	constructor(
		private readonly ctx: KizenContext,
		private readonly client: KizenClient,
	) {}

	/** `identifier` is an object's API name (e.g. `client_client`) or its UUID. */
	get(identifier: string, itemIndex?: number): Promise<ObjectSchema> {
		const key = identifier.trim();
		let schema = this.pending.get(key);
		if (!schema) {
			schema = this.load(key, itemIndex);
			// A failed load is not cached, so the next item that names the object reports its own error.
			schema.catch(() => this.pending.delete(key));
			this.pending.set(key, schema);
		}
		return schema;
	}

	private async load(identifier: string, itemIndex?: number): Promise<ObjectSchema> {
		const node = this.ctx.getNode();
		if (!identifier) {
			throw new NodeOperationError(node, 'No Kizen object is selected', {
				description: 'Choose an object in the Object parameter (From List, By API Name or By ID).',
				itemIndex,
			});
		}
		const objectResponse = await this.client.request({
			method: 'GET',
			path: `/api/custom-objects/${encodeURIComponent(identifier)}`,
			idempotent: true,
		});
		if (!isSuccess(objectResponse)) {
			if (objectResponse.statusCode === 404) {
				throw new NodeOperationError(
					node,
					`Kizen has no object "${identifier}" that this user can see`,
					{
						description: `Pick the object from the list, or check its API name (Contacts are "${CONTACTS_OBJECT}") or UUID. Kizen request ID: ${objectResponse.requestId ?? 'none'}`,
						itemIndex,
					},
				);
			}
			throw kizenApiError(node, objectResponse, { itemIndex });
		}
		const object = objectResponse.body as KizenObject;
		const fieldsResponse = await this.client.request({
			method: 'GET',
			path: `/api/custom-objects/${encodeURIComponent(object.id)}/fields`,
			idempotent: true,
		});
		if (!isSuccess(fieldsResponse)) throw kizenApiError(node, fieldsResponse, { itemIndex });
		return buildSchema(object, fieldsResponse.body as KizenField[]);
	}
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
