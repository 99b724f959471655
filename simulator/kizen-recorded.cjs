'use strict';
/**
 * What Kizen's own tools recorded from real tenants, transcribed for the simulator. Every table
 * names its source; the simulator builds its Contacts object and its search rules from here, so a
 * correction from a live tenant changes one line in this file.
 *
 * Sources (GitHub, read with git):
 *  BC = kizen/builder-cli @ 8caec48b724295b2ad23f69be99efab86d514f75
 *  AC = kizen/kizen-admin-cli (its successor) @ 0078a016ff49bd5058a72eec03ac3956cde540c0
 *  AE = kizen/app-engine @ c41e2026a7201fcabf4940f5a6132b22db2e3f28 docs/05-platform-api.md
 */

/**
 * Contacts (`client_client`) fields as `GET /api/custom-objects/client_client/fields` listed them
 * on a real tenant: BC tests/fixtures/objects/client_client.json. All are Kizen's built-in fields
 * (BC tests/filter_stub.py CONTACT_FIELDS marks the ones it lists `is_default: true`, and the
 * recorded search payloads in BC tests/test_contact_filter_parity.py send them as `non_custom`).
 * [api name, display name, field type]; relations point at the tenant's Companies object.
 */
const CONTACT_FIELDS = [
	['first_name', 'First Name', 'text'],
	['last_name', 'Last Name', 'text'],
	['email', 'Email', 'email'],
	['created', 'Date Created', 'datetime'],
	['email_status', 'Email Status', 'dropdown'],
	['business_phone', 'Business Phone', 'phonenumber'],
	['mobile_phone', 'Mobile Phone', 'phonenumber'],
	['home_phone', 'Home Phone', 'phonenumber'],
	['company_primary', 'Primary Company Record', 'relationship'],
	['company_additional', 'Additional Company Records', 'relationship'],
	['titles', 'Titles', 'dynamictags'],
	['tags', 'Tags', 'dynamictags'],
	['updated', 'Last Modified', 'datetime'],
	['birthday', 'Birthday', 'date'],
	['timezone', 'Timezone', 'timezone'],
];

/** Contacts' `email_status` options [code, name] (same fixture). */
const EMAIL_STATUS_OPTIONS = [
	['opted_in', 'Opted In'],
	['not_opted_in', 'Not Opted In'],
	['unsubscribed', 'Unsubscribed From All'],
	['suppression_list', 'Suppression List'],
];

/**
 * The time zone field's 93 options, in the fixture's order (same fixture, field `timezone`). Each
 * option is `{id, code, name}` with id = code = the zone below and name = the id with `_` shown as
 * a space (9 zones differ, e.g. id `America/Los_Angeles`, name `America/Los Angeles`).
 */
const TIMEZONE_IDS = [
	'US/Alaska', 'US/Arizona', 'US/Central', 'US/Eastern', 'US/Hawaii', 'US/Mountain', 'US/Pacific',
	'GMT', 'America/Anchorage', 'America/Bogota', 'America/Boise', 'America/Chicago', 'America/Chihuahua',
	'America/Costa_Rica', 'America/Denver', 'America/Detroit', 'America/Edmonton', 'America/Guatemala',
	'America/Indiana/Indianapolis', 'America/Jamaica', 'America/Juneau', 'America/Los_Angeles',
	'America/Matamoros', 'America/Mazatlan', 'America/Merida', 'America/Mexico_City', 'America/Monterrey',
	'America/New_York', 'America/North_Dakota/Center', 'America/Panama', 'America/Phoenix',
	'America/Puerto_Rico', 'America/Santiago', 'America/Sao_Paulo', 'America/Tijuana', 'America/Toronto',
	'America/Vancouver', 'America/Winnipeg', 'Asia/Bangkok', 'Asia/Beirut', 'Asia/Ho_Chi_Minh',
	'Asia/Hong_Kong', 'Asia/Macau', 'Asia/Manila', 'Asia/Pyongyang', 'Asia/Qatar', 'Asia/Seoul',
	'Asia/Shanghai', 'Asia/Singapore', 'Asia/Taipei', 'Asia/Tokyo', 'Australia/Brisbane', 'Australia/Hobart',
	'Australia/Melbourne', 'Australia/Perth', 'Australia/Sydney', 'Canada/Atlantic', 'Canada/Central',
	'Canada/Eastern', 'Canada/Mountain', 'Canada/Newfoundland', 'Canada/Pacific', 'Europe/Amsterdam',
	'Europe/Athens', 'Europe/Belgrade', 'Europe/Berlin', 'Europe/Brussels', 'Europe/Bucharest',
	'Europe/Budapest', 'Europe/Copenhagen', 'Europe/Dublin', 'Europe/Gibraltar', 'Europe/Istanbul',
	'Europe/Lisbon', 'Europe/London', 'Europe/Luxembourg', 'Europe/Madrid', 'Europe/Minsk',
	'Europe/Monaco', 'Europe/Moscow', 'Europe/Oslo', 'Europe/Paris', 'Europe/Prague', 'Europe/Rome',
	'Europe/Stockholm', 'Europe/Vienna', 'Europe/Warsaw', 'Europe/Zurich', 'Pacific/Guam', 'Pacific/Honolulu',
	'Pacific/Midway', 'Pacific/Norfolk', 'UTC',
];
const TIMEZONE_OPTIONS = TIMEZONE_IDS.map((id) => ({ id, code: id, name: id.replace(/_/g, ' ') }));

/**
 * The search conditions Kizen's UI offers per field type, as recorded from the records-search UI:
 * AC/BC src/kizen_builder/filtering.py `_UI_SUPPORTED_CONDITIONS` (after its DSL → wire mapping:
 * multi-choice `contains`/`is_any_of` are sent as `has`/`has_any`, "is me" as `=` "is_me"), and
 * the payloads in BC tests/test_ui_filter_parity.py. `is_blank` takes `true` (is empty) or `false`.
 * `selector`, `choices` and `wysiwyg` are not in the recording: [I] they follow dropdown / longtext.
 */
const TEXT = ['=', '!=', 'contains', '!contains', 'starts_with', 'ends_with', '!starts_with', '!ends_with', 'is_blank'];
const NUMBER = ['=', '!=', '<', '<=', '>', '>=', 'between', 'is_blank'];
const DATE = ['=', '!=', '<', '<=', '>', '>=', 'between', 'month_equals', 'is_blank'];
const SINGLE = ['=', '!=', 'is_any_of', 'is_none_of', 'is_blank'];
const MULTI = ['has', '!has', 'has_any', '!has_any', 'is_blank'];
const CONDITIONS_BY_TYPE = {
	text: TEXT,
	email: TEXT,
	longtext: ['is_blank'],
	wysiwyg: ['is_blank'],
	phonenumber: ['=', 'contains', 'is_blank'],
	checkbox: ['='],
	checkboxes: MULTI,
	dynamictags: MULTI,
	dropdown: SINGLE,
	radio: SINGLE,
	status: SINGLE,
	yesnomaybe: SINGLE,
	selector: SINGLE,
	choices: SINGLE,
	timezone: ['=', '!=', 'is_blank'],
	rating: ['=', '!=', '<', '<=', '>', '>=', 'is_any_of', 'is_none_of', 'is_blank'],
	integer: NUMBER,
	decimal: NUMBER,
	money: NUMBER,
	files: ['>', '>=', '<', 'is_blank'],
	date: DATE,
	datetime: DATE,
	team_selector: ['=', '!=', 'is_any_of', 'is_none_of', 'is_blank'],
	relationship: ['contains', '!contains', 'is_any_of', 'is_none_of', 'is_blank'],
};
/** Built-in fields whose UI list is narrower than their type's (same file, `_DEFAULT_FIELD_CONDITION_OVERRIDES`, `_STAGE_CONDITIONS`). */
const BUILT_IN_CONDITIONS = {
	created: DATE.filter((c) => c !== 'is_blank'),
	updated: DATE.filter((c) => c !== 'is_blank'),
	owner: ['=', '!=', 'is_any_of', 'is_none_of'],
	email_status: SINGLE.filter((c) => c !== 'is_blank'),
	stage: ['=', '!=', 'is_any_of', 'is_none_of'],
};

module.exports = { CONTACT_FIELDS, EMAIL_STATUS_OPTIONS, TIMEZONE_OPTIONS, CONDITIONS_BY_TYPE, BUILT_IN_CONDITIONS };
