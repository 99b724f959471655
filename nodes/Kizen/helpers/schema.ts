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
import { isSuccess, kizenApiError } from './errors';
import type { KizenField, KizenObject, KizenResponse, ObjectSchema } from './interfaces';
import { CONTACTS_OBJECT } from './interfaces';

/** An object's API name (`client_client`, `deals`) or its UUID: nothing else reaches a URL. */
const OBJECT_IDENTIFIER =
	/^(?:[A-Za-z0-9_]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Builds the error for one item from a failed schema read (so each item names itself). */
type SchemaFailure = (itemIndex?: number) => NodeApiError | NodeOperationError;

export class SchemaCache {
	private readonly loads = new Map<string, Promise<ObjectSchema | SchemaFailure>>();
	private readonly builtInLoads = new Map<string, Promise<Set<string> | SchemaFailure>>();

	constructor(
		private readonly ctx: KizenContext,
		private readonly client: KizenClient,
	) {}

	/** `identifier` is an object's API name (e.g. `client_client`) or its UUID. */
	async get(identifier: string, itemIndex?: number): Promise<ObjectSchema> {
		const key = identifier.trim();
		const problem = identifierProblem(key);
		if (problem) {
			throw new NodeOperationError(this.ctx.getNode(), problem, {
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

	/**
	 * The IDs of the object's built-in fields (name, email, created, updated, owner, stage, ...),
	 * which search filters name differently from custom ones. `/fields` need not say which is which
	 * (KIZEN-API.md), so unless every field there carries `is_default`, this reads
	 * `/fields/settings-search`, the field list Kizen's own filter builder reads and the one that
	 * documents `is_default` (kizen/builder-cli src/kizen_builder/api/schema.py): one request per
	 * object and execution, only when a filter needs it.
	 */
	async builtInFieldIds(schema: ObjectSchema, itemIndex?: number): Promise<Set<string>> {
		if (schema.fields.every((field) => typeof field.is_default === 'boolean')) {
			return new Set(schema.fields.filter((field) => field.is_default).map((field) => field.id));
		}
		let load = this.builtInLoads.get(schema.object.id);
		if (!load) {
			load = this.loadBuiltIn(schema);
			this.builtInLoads.set(schema.object.id, load);
		}
		const result = await load;
		if (typeof result === 'function') throw result(itemIndex);
		return result;
	}

	private async loadBuiltIn(schema: ObjectSchema): Promise<Set<string> | SchemaFailure> {
		const response = await this.client.request({
			method: 'GET',
			path: `/api/custom-objects/${encodeURIComponent(schema.object.id)}/fields/settings-search`,
			idempotent: true,
			expect: 'list',
		});
		if (!isSuccess(response)) return this.failure(response, schema.object.name);
		const marked = (response.body as KizenField[]).filter(
			(field) => typeof field?.id === 'string' && typeof field.is_default === 'boolean',
		);
		if (!marked.length) {
			const node = this.ctx.getNode();
			return (itemIndex) =>
				new NodeOperationError(
					node,
					`Kizen did not say which fields of "${schema.object.name}" are built-in, so no filter can be built`,
					{
						description: `Its settings-search field list came without "is_default". Kizen request ID: ${response.requestId ?? 'none'}`,
						itemIndex,
					},
				);
		}
		return new Set(marked.filter((field) => field.is_default).map((field) => field.id));
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
				new NodeOperationError(node, `Kizen has no object "${identifier}" that this user can see`, {
					description: `Pick the object from the list, or check its API name (Contacts are "${CONTACTS_OBJECT}") or UUID. Kizen request ID: ${response.requestId ?? 'none'}`,
					itemIndex,
				});
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
	const byLooseName = new Map<string, KizenField[]>();
	for (const field of fields) {
		for (const name of new Set([looseName(field.name), looseName(field.display_name ?? '')])) {
			const named = byLooseName.get(name) ?? [];
			if (name && !named.includes(field)) byLooseName.set(name, [...named, field]);
		}
	}
	return {
		object,
		fields,
		byApiName: new Map(fields.map((field) => [field.name, field])),
		byId: new Map(fields.map((field) => [field.id, field])),
		byLooseName,
		identifierFieldName: object.name === CONTACTS_OBJECT ? 'email' : 'name',
	};
}

/**
 * `First Name`, `first_name`, `FIRST-NAME` → `firstname`: how an input key and a field's API name
 * or display name compare when they are not the same text (case, spaces, `_` and `-` ignored).
 */
export function looseName(text: string): string {
	return text.toLowerCase().replace(/[\s_-]+/g, '');
}

/**
 * Fields a user may write: every field that is not read-only. `is_hidden` only hides a field by
 * default in Kizen's UI (KIZEN-API.md); the probe checks that a hidden field takes a write.
 */
export function isWritable(field: KizenField): boolean {
	return !field.is_read_only;
}

/** Kizen's field type codes in plain words, for the field lists in the editor. */
const FIELD_TYPE_LABELS: Record<string, string> = {
	text: 'Text',
	longtext: 'Long text',
	wysiwyg: 'Rich text',
	email: 'Email',
	phonenumber: 'Phone number',
	integer: 'Whole number',
	decimal: 'Decimal number',
	money: 'Money',
	rating: 'Rating',
	checkbox: 'Checkbox',
	checkboxes: 'Checkboxes',
	dropdown: 'Dropdown',
	radio: 'Radio buttons',
	status: 'Status',
	selector: 'Selector',
	choices: 'Choices',
	yesnomaybe: 'Yes / No / Maybe',
	dynamictags: 'Tags',
	date: 'Date',
	datetime: 'Date and time',
	timezone: 'Time zone',
	team_selector: 'Team member',
	files: 'Files',
};

/** `Phone number`, `Tags`, `Relationship (many)`: a field's type as the editor lists it. */
export function fieldTypeLabel(field: KizenField): string {
	if (field.field_type === 'relationship') {
		return /to_many$/.test(field.relation?.cardinality ?? '')
			? 'Relationship (many)'
			: 'Relationship (one)';
	}
	return FIELD_TYPE_LABELS[field.field_type] ?? field.field_type;
}
