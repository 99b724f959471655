import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { SchemaCache } from '../helpers/schema';
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
			description: field.field_type,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}
