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
	/** Kizen's built-in fields (`"default"::` in search filters) as opposed to custom ones. */
	is_default?: boolean;
	options?: KizenFieldOption[];
	relation?: { cardinality?: string; related_object?: { id?: string; name?: string } } | null;
}

/** An object with its fields, indexed the ways the node looks them up. */
export interface ObjectSchema {
	object: KizenObject;
	fields: KizenField[];
	byApiName: Map<string, KizenField>;
	byId: Map<string, KizenField>;
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
