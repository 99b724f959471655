import type { IDataObject } from 'n8n-workflow';

/** A Kizen object (`GET /api/custom-objects/{id}`), the parts the node uses. */
export interface KizenObject {
	id: string;
	name: string;
	object_name: string;
	entity_name?: string;
	is_custom?: boolean;
}

export interface KizenFieldOption {
	id: string;
	code?: string;
	name: string;
}

/** A field definition (`GET /api/custom-objects/{id}/fields`). */
export interface KizenField {
	id: string;
	name: string;
	display_name: string;
	field_type: string;
	is_required?: boolean;
	is_read_only?: boolean;
	is_hidden?: boolean;
	/**
	 * Built-in (true) or custom field. Documented only on `/fields/settings-search`; `/fields` may
	 * leave it out (SchemaCache.builtInFieldIds reads it from where it is).
	 */
	is_default?: boolean;
	/** Whether `"value": null` / `"value": ""` may clear the field. */
	allows_nulls?: boolean;
	allows_empty?: boolean;
	/** Choice options; `null` for dynamictags (see tags.ts) and fields without choices. */
	options?: KizenFieldOption[] | null;
	/** `related_object` is the related object's uuid. */
	relation?: { cardinality?: string; related_object?: string } | null;
}

/** A tag of a dynamictags field, from the field's tag endpoint. */
export interface KizenTag {
	id: string;
	name: string;
}

/** An object with its fields, indexed the ways the node looks them up. */
export interface ObjectSchema {
	object: KizenObject;
	fields: KizenField[];
	byApiName: Map<string, KizenField>;
	byId: Map<string, KizenField>;
	/** Fields by `looseName` of their API name and of their display name (see `fieldForKey`). */
	byLooseName: Map<string, KizenField[]>;
	/** `email` for Contacts, `name` for every other object. */
	identifierFieldName: string;
}

/** One entry of an upsert's `fields` array. */
export interface FieldWrite extends IDataObject {
	id: string;
}

export interface KizenResponse {
	/** 0 when no HTTP answer came (see `networkCode`). */
	statusCode: number;
	body: unknown;
	requestId?: string;
	retryAfter?: string;
	/** How many attempts the transport made to get this answer. */
	attempts?: number;
	/** Why no answer came: ECONNRESET, ETIMEDOUT, ECONNREFUSED... */
	networkCode?: string;
	/** Why a 2xx answer was not accepted (empty, cut off, a web page, no record ID...). */
	malformed?: string;
	/** Where a 3xx answer pointed (never followed). */
	location?: string;
	/** How long the request had been rate-limited (429) when it gave up, in milliseconds. */
	rateLimitedMs?: number;
}

export const CONTACTS_OBJECT = 'client_client';
