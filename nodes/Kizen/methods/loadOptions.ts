import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { conditionLabel, conditionsFor } from '../helpers/filters';
import { fieldTypeLabel, SchemaCache } from '../helpers/schema';
import { KizenClient } from '../transport';

/** Every visible field of the chosen object (read-only ones included: they can be read). */
export async function getFieldNames(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const object = this.getNodeParameter('object', undefined, { extractValue: true }) as string;
	if (!object) return [];
	const client = await KizenClient.create(this);
	const schema = await new SchemaCache(this, client).get(String(object));
	return schema.fields
		.filter((field) => !field.is_hidden)
		.map((field) => ({
			name: field.display_name,
			value: field.name,
			description: fieldTypeLabel(field),
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The conditions Kizen accepts for the filter's field (its sibling `field` parameter, read with
 * n8n's `&` path prefix): what Kizen's UI offers for the field's type, narrower for some built-in
 * fields. No field chosen yet: no condition.
 */
export async function getFilterConditions(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const object = this.getNodeParameter('object', undefined, { extractValue: true }) as string;
	const fieldName = String(this.getCurrentNodeParameter('&field') ?? '');
	if (!object || !fieldName) return [];
	const client = await KizenClient.create(this);
	const schemas = new SchemaCache(this, client);
	const schema = await schemas.get(String(object));
	const field = schema.byApiName.get(fieldName) ?? schema.byId.get(fieldName);
	if (!field) return [];
	const builtInIds = await schemas.builtInFieldIds(schema);
	return conditionsFor(field, builtInIds).map((key) => ({
		name: conditionLabel(field, key),
		value: key,
	}));
}
