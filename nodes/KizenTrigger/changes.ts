/**
 * Where the Kizen Trigger is in Kizen's change history, and which record versions are new.
 *
 * Kizen has no change feed: the trigger searches on the built-in `updated` (or `created`) time.
 * Kizen stamps those with microseconds, a bulk change gives many records the same stamp, and a write
 * is stamped before it is committed, so "everything after the newest time seen" would miss or repeat
 * records. The position kept in the workflow's static data is therefore:
 *  - `since`: a time; every record version at or after it that the trigger has seen is in `seen`;
 *  - `seen`: record ID → the time that record had when last seen.
 * Each poll reads every record whose time is at or after `since`, oldest first, and emits each
 * version it has not seen (a record changed twice between polls is emitted once, as it is now).
 * Afterwards `since` moves to one minute (LATE_WINDOW_MS) before the newest time seen, never back,
 * and `seen` forgets what is older: a change Kizen stamped up to a minute before it became visible
 * is still caught, and nothing is emitted twice. `seen` holds at most MAX_SEEN records (a busier
 * minute shortens the window instead).
 *
 * Times are compared as keys: UTC, six fraction digits (`2026-03-31T21:23:53.231165Z`), which sort
 * as text whatever offset Kizen wrote them with (it reads them back in the business's time zone).
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export type ChangeField = 'created' | 'updated';
export type ChangeEvent = 'created' | 'updated';

/** What the trigger keeps in the workflow's static data between polls. */
export interface Position {
	/** The Kizen object's ID: another object starts a new position. */
	object: string;
	/** The time field followed: `created` for Record Created, `updated` otherwise. */
	field: ChangeField;
	since: string;
	seen: Record<string, string>;
}

export interface Change {
	record: IDataObject;
	event: ChangeEvent;
}

/** How the trigger reads records (poll.ts: Kizen searches). */
export interface ChangeSource {
	/** One page of the records whose `field` time is at or after `from`, oldest first. */
	page(from: Date, page: number): Promise<{ results: IDataObject[]; more: boolean }>;
	/** A record's `created` or `updated` time as a key, or undefined when it has none. */
	time(record: IDataObject, field: ChangeField): string | undefined;
}

/** How long after its time stamp a change may still become visible and be caught. */
export const LATE_WINDOW_MS = 60_000;
/** The most records the position remembers (about 70 bytes each in the static data). */
export const MAX_SEEN = 1000;
/** A guard against a search that never ends: 100,000 pages of up to 1,000 records per poll. */
const MAX_REQUESTS_PER_POLL = 100_000;

const TIME =
	/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}:\d{2})(:\d{2})?(?:[.,](\d+))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A Kizen date-time (any ISO-8601 form: `Z` or an offset, no to nine fraction digits; none = UTC)
 * as a key, or undefined when it is not one.
 */
export function timeKey(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const m = TIME.exec(value.trim());
	if (!m) return undefined;
	const [, year, month, day, hoursMinutes, seconds = ':00', fraction = '', zone = 'Z'] = m;
	const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
	if (date.getUTCDate() !== Number(day) || date.getUTCMonth() !== Number(month) - 1)
		return undefined;
	const offset = /^z$/i.test(zone)
		? 'Z'
		: zone.replace(/^([+-]\d{2}):?(\d{2})?$/, '$1:$2').replace(/:$/, ':00');
	const ms = Date.parse(`${year}-${month}-${day}T${hoursMinutes}${seconds}${offset}`);
	if (Number.isNaN(ms)) return undefined;
	return `${new Date(ms).toISOString().slice(0, 19)}.${fraction.padEnd(6, '0').slice(0, 6)}Z`;
}

/** The start of the key's millisecond, the precision of Kizen's filter values. */
export function millisecondOf(key: string): Date {
	return new Date(`${key.slice(0, 23)}Z`);
}

/** The key `ms` milliseconds earlier. */
function earlier(key: string, ms: number): string {
	return `${new Date(millisecondOf(key).getTime() - ms).toISOString().slice(0, 23)}${key.slice(23)}`;
}

/** The key one microsecond later. */
function nextMicrosecond(key: string): string {
	let ms = millisecondOf(key).getTime();
	let micros = Number(key.slice(23, 26)) + 1;
	if (micros === 1000) {
		ms += 1;
		micros = 0;
	}
	return `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/** Whether `value` (from the static data) is a position for this object and field. */
export function isPosition(value: unknown, object: string, field: ChangeField): value is Position {
	if (!value || typeof value !== 'object') return false;
	const position = value as Partial<Position>;
	if (position.object !== object || position.field !== field) return false;
	if (typeof position.since !== 'string' || timeKey(position.since) !== position.since)
		return false;
	const seen = position.seen;
	if (!seen || typeof seen !== 'object' || Array.isArray(seen)) return false;
	return Object.values(seen).every((at) => typeof at === 'string' && timeKey(at) === at);
}

interface Timed {
	record: IDataObject;
	id: string;
	at: string;
}

/** Each record with its ID and time, or the error saying which one Kizen sent without them. */
function timed(
	node: INode,
	source: ChangeSource,
	field: ChangeField,
	records: IDataObject[],
): Timed[] {
	return records.map((record) => {
		const at = source.time(record, field);
		if (typeof record?.id === 'string' && record.id !== '' && at !== undefined) {
			return { record, id: record.id, at };
		}
		throw new NodeOperationError(
			node,
			`Kizen sent a record without ${at === undefined ? `its "${field}" time` : 'an ID'} (${JSON.stringify(record?.id ?? null)})`,
			{
				description: `The trigger orders changes by the built-in "${field}" field and cannot place this record. Nothing was emitted and the trigger's position did not move: the next poll tries again.`,
			},
		);
	});
}

const byTime = (a: Timed, b: Timed) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);

/**
 * A full page must be in time order (`ordering`, helpers/filters.ts `searchOrdering`): otherwise
 * later pages could hold changes older than this page's last one, which the next request would skip.
 */
function checkOrder(node: INode, field: ChangeField, page: Timed[], direction: 'asc' | 'desc') {
	const inOrder = page.every((entry, n) => {
		if (n === 0) return true;
		const order = byTime(page[n - 1], entry);
		return direction === 'asc' ? order <= 0 : order >= 0;
	});
	if (inOrder) return;
	throw new NodeOperationError(
		node,
		`Kizen did not return records in "${field}" order (ordering=${direction === 'desc' ? '-' : ''}${field})`,
		{
			description:
				'The trigger pages through changes oldest first and relies on Kizen sorting them; without that it could skip a change, so it stops instead. Nothing was emitted and the trigger’s position did not move. Please report this with the output of `npm run probe` (README, Known limits).',
		},
	);
}

/**
 * The first position (the first activation, or another object or event): from Kizen's newest
 * records (`newestFirst`, newest first, `full` when more exist), so nothing existing is emitted and
 * no clock but Kizen's decides what is new. An object without records starts from `now`.
 */
export function startingPosition(
	node: INode,
	source: ChangeSource,
	object: string,
	field: ChangeField,
	newestFirst: IDataObject[],
	full: boolean,
	now: Date,
): Position {
	const records = timed(node, source, field, newestFirst);
	if (!records.length) return { object, field, since: timeKey(now.toISOString())!, seen: {} };
	checkOrder(node, field, records, 'desc');
	let since = earlier(records[0].at, LATE_WINDOW_MS);
	const oldest = records[records.length - 1].at;
	// More records than were read: those at or before the oldest one read are not tracked.
	if (full && oldest >= since) since = nextMicrosecond(oldest);
	const seen = Object.fromEntries(
		records.filter((entry) => entry.at >= since).map((entry) => [entry.id, entry.at]),
	);
	return { object, field, since, seen };
}

/**
 * Every record version at or after the position that the trigger has not seen, oldest first, and
 * the position after them. Throws (and the caller keeps the old position) when a page cannot be read.
 */
export async function readChanges(
	node: INode,
	position: Position,
	source: ChangeSource,
): Promise<{ changes: Change[]; next: Position }> {
	const { field, since } = position;
	const seen = new Map(Object.entries(position.seen));
	let newest = [...seen.values()].reduce((max, at) => (at > max ? at : max), since);
	const changes: Change[] = [];
	let from = millisecondOf(since);
	let page = 1;
	for (let requests = 0; ; requests++) {
		if (requests >= MAX_REQUESTS_PER_POLL) {
			throw new NodeOperationError(node, 'Kizen kept sending changes: the poll stopped', {
				description: `${MAX_REQUESTS_PER_POLL} pages in one poll. Nothing was emitted and the trigger’s position did not move.`,
			});
		}
		const { results, more } = await source.page(from, page);
		const records = timed(node, source, field, results);
		if (more) checkOrder(node, field, records, 'asc');
		records.sort(byTime);
		for (const entry of records) {
			// Before `since` within its millisecond (the filter's precision), or this version was seen.
			if (entry.at < since || seen.get(entry.id) === entry.at) continue;
			changes.push({ record: entry.record, event: eventOf(source, field, entry, seen, since) });
			seen.set(entry.id, entry.at);
			if (entry.at > newest) newest = entry.at;
		}
		if (!more) break;
		// Next page: from the last record's millisecond (records there already read are in `seen`),
		// or, when the whole page shares one millisecond (a bulk change), the page after it.
		const last = millisecondOf(records[records.length - 1].at);
		if (last.getTime() > from.getTime()) {
			from = last;
			page = 1;
		} else {
			page += 1;
		}
	}
	return { changes, next: { ...position, ...forgetOld(seen, since, newest) } };
}

/**
 * A record the position never saw is new when it was created at or after `since`; one it saw, or
 * created before `since`, was updated.
 */
function eventOf(
	source: ChangeSource,
	field: ChangeField,
	entry: Timed,
	seen: Map<string, string>,
	since: string,
): ChangeEvent {
	if (field === 'created') return 'created';
	if (seen.has(entry.id)) return 'updated';
	const created = source.time(entry.record, 'created');
	return created !== undefined && created >= since ? 'created' : 'updated';
}

/** `since` moved up to LATE_WINDOW_MS before the newest change (never back), and `seen` trimmed to it. */
function forgetOld(
	seen: Map<string, string>,
	since: string,
	newest: string,
): Pick<Position, 'since' | 'seen'> {
	const horizon = earlier(newest, LATE_WINDOW_MS);
	let cutoff = horizon > since ? horizon : since;
	let kept = [...seen].filter(([, at]) => at >= cutoff);
	if (kept.length > MAX_SEEN) {
		kept.sort(([, a], [, b]) => (a < b ? 1 : a > b ? -1 : 0));
		cutoff = kept[MAX_SEEN - 1][1];
		// Ties at the cut (a bulk change) beyond MAX_SEEN: forget the whole microsecond.
		if (kept.filter(([, at]) => at >= cutoff).length > MAX_SEEN) cutoff = nextMicrosecond(cutoff);
		kept = kept.filter(([, at]) => at >= cutoff);
	}
	return { since: cutoff, seen: Object.fromEntries(kept) };
}

/**
 * What Fetch Test Event shows: of the newest matching records, the first with the chosen event
 * (a record last changed within a second of its creation counts as created), else the newest.
 */
export function latestSample(
	source: ChangeSource,
	field: ChangeField,
	newestFirst: IDataObject[],
	wanted: ChangeEvent | 'any',
): Change | undefined {
	const samples = newestFirst.map((record) => {
		if (field === 'created') return { record, event: 'created' as const };
		const created = source.time(record, 'created');
		const updated = source.time(record, 'updated');
		const fresh =
			created !== undefined && updated !== undefined && earlier(updated, 1000) <= created;
		return { record, event: fresh ? ('created' as const) : ('updated' as const) };
	});
	return samples.find((sample) => wanted === 'any' || sample.event === wanted) ?? samples[0];
}
