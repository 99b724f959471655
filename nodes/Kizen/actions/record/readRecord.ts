/** Query parameters that choose which fields a read returns (Get, Lookup, Search). */
import type { IDataObject } from 'n8n-workflow';

export interface ReadOptions {
	fieldNames?: string[] | string;
	returnAllFields?: boolean;
}

export function fieldSelection(options: ReadOptions): IDataObject {
	if (options.returnAllFields) return { all_fields: true };
	const names = Array.isArray(options.fieldNames)
		? options.fieldNames
		: String(options.fieldNames ?? '')
				.split(',')
				.map((name) => name.trim());
	const chosen = names.filter(Boolean);
	return chosen.length ? { field_names: chosen.join(',') } : {};
}
