/** Types for kizen-simulator.cjs (test infrastructure). */
import type { IncomingHttpHeaders } from 'node:http';

export interface KizenCredentials {
	apiKey: string;
	userId: string;
	businessId: string;
}

export interface RequestInfo {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	body: any;
	seq: number;
}

export interface LoggedRequest extends RequestInfo {
	/** null when the socket was dropped */
	status: number | null;
	requestId: string;
	/** fault kind, 'rate_limit' when throttled, else null */
	fault: 'status' | 'drop' | 'slow' | 'html' | 'body' | 'redirect' | 'rate_limit' | null;
	/** epoch ms when the whole request had arrived (before any added latency) */
	receivedAt: number;
	/** epoch ms when the answer was sent or the socket closed; null while in flight */
	respondedAt: number | null;
	/** requests in flight on the server when this one arrived, itself included */
	inFlight: number;
}

export interface FaultMatch {
	method?: string;
	path?: string | RegExp;
	predicate?: (info: RequestInfo) => boolean;
}

interface FaultCommon {
	match?: FaultMatch;
	times?: number;
	everyNth?: number;
	probability?: number;
	/** PRNG seed for `probability` (default fixed) */
	seed?: number;
}

export type FaultSpec = FaultCommon &
	(
		| { kind: 'status'; status: number; retryAfter?: string; body?: any }
		| { kind: 'drop'; when?: 'before' | 'after' }
		| { kind: 'slow'; delayMs?: number; when?: 'before' | 'after' }
		| { kind: 'html'; status?: number }
		| {
				kind: 'body';
				status?: number;
				shape?: 'empty' | 'truncated' | 'array' | 'string' | 'no-id' | 'html';
				when?: 'before' | 'after';
		  }
		| { kind: 'redirect'; status?: number; location: string }
	);

export interface FaultHandle {
	readonly hits: number;
	remove(): void;
}

export interface RateLimit {
	perSecond: number;
	burst?: number;
	retryAfterSeconds?: number;
}

export interface FieldOption {
	id: string;
	code: string;
	name: string;
}

export interface FieldRelation {
	/** the related object's uuid */
	related_object: string;
	related_object_name: string;
	related_object_object_name: string;
	related_entity_name: string;
	cardinality: 'one_to_one' | 'many_to_one' | 'one_to_many' | 'many_to_many';
	fetch_url: string;
}

/** A field as `GET /api/custom-objects/{id}/fields` answers it (no `is_default` there). */
export interface FieldDefinition {
	id: string;
	name: string;
	display_name: string;
	field_type: string;
	is_required: boolean;
	is_read_only: boolean;
	is_hidden: boolean;
	allows_nulls: boolean;
	allows_empty: boolean;
	/** null for dynamictags (their tags come from the tag endpoints) and non-choice fields */
	options: FieldOption[] | null;
	relation: FieldRelation | null;
	money_options: { currency: string; symbol: string } | null;
	decimal_options: { decimal_places: number } | null;
}

export interface Tag {
	id: string;
	name: string;
}

export interface ObjectDefinition {
	id: string;
	name: string;
	object_name: string;
	entity_name: string;
	object_type: string;
	is_custom: boolean;
	fetch_url: string;
	access: { view: boolean; edit: boolean; remove: boolean };
}

export interface SimRecord {
	id: string;
	identifier: string;
	/** stored values keyed by field uuid */
	fields: Record<string, any>;
	archived: boolean;
}

export interface Employee {
	id: string;
	first_name: string;
	last_name: string;
	email: string;
}

export interface Simulator {
	url: string;
	port: number;
	credentials: KizenCredentials;
	employees: Employee[];
	readonly requests: LoggedRequest[];
	/** also restarts maxInFlight from the requests in flight now */
	clearRequests(): void;
	/** requests received and not yet answered (or dropped), right now */
	readonly inFlight: number;
	/** the most requests in flight at once since start, reset() or clearRequests() */
	readonly maxInFlight: number;
	objects(): ObjectDefinition[];
	fields(objectNameOrId: string): FieldDefinition[];
	field(objectNameOrId: string, fieldNameOrId: string): FieldDefinition;
	/** the tags of a dynamictags field, in creation order */
	tags(objectNameOrId: string, fieldNameOrId: string): Tag[];
	/** create a tag as a Kizen user would in the UI (reset() drops it) */
	addTag(objectNameOrId: string, fieldNameOrId: string, name: string): Tag;
	records(objectNameOrId: string): { live: SimRecord[]; archived: SimRecord[] };
	/**
	 * `fields` values use the API `value` format, keyed by field api name or uuid; `created` / `updated`
	 * (ISO) backdate the record's stamps (a write Kizen stamped earlier and committed only now)
	 */
	addRecord(
		objectNameOrId: string,
		record: { identifier: string; fields?: Record<string, any>; archived?: boolean; created?: string; updated?: string },
	): SimRecord;
	/** change a live record's values as a Kizen user would: its `updated` moves */
	updateRecord(objectNameOrId: string, id: string, fields?: Record<string, any>): SimRecord;
	/** freeze the clock that stamps created / updated at an ISO date-time (null: let it run from the last stamp on); reset() restarts it */
	setClock(iso: string | null): void;
	setLatency(ms: number): void;
	setRateLimit(limit: RateLimit | null): void;
	addFault(spec: FaultSpec): FaultHandle;
	clearFaults(): void;
	reset(): void;
	close(): Promise<void>;
}

export interface StartOptions {
	port?: number;
	host?: string;
	credentials?: KizenCredentials;
	latencyMs?: number;
	rateLimit?: RateLimit | null;
	/** seed records (objects and fields always exist) */
	seed?: boolean;
}

export function startSimulator(options?: StartOptions): Promise<Simulator>;
export const DEMO_CREDENTIALS: Readonly<KizenCredentials>;
export const EMPLOYEES: ReadonlyArray<Readonly<Employee>>;
