import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as record from './actions/record/Record.resource';
import { router } from './actions/router';
import { listSearch, loadOptions, resourceMapping } from './methods';

export class Kizen implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kizen',
		name: 'kizen',
		icon: { light: 'file:../../icons/kizen.svg', dark: 'file:../../icons/kizen.dark.svg' },
		group: ['transform'],
		// Saved workflows keep the typeVersion they were created with, and n8n opens and runs them only
		// while that version is listed here. A description change that would alter what a saved workflow
		// does (a renamed or removed parameter, another default, other output) is a new version: add it
		// (`version: [1, 2]`, `defaultVersion: 2`), show the changed parameters per version with
		// `displayOptions: { show: { '@version': [2] } }` (the old ones with `[1]`), and branch on
		// `this.getNode().typeVersion` where the behaviour differs. New nodes get defaultVersion; version
		// 1 keeps its parameters and behaviour. A rewrite would instead be a VersionedNodeType (n8n's
		// Airtable node: Airtable.node.ts with v1/ and v2/).
		// While there is one version it is a number, not `[1]`: n8n 2.8 adds its "Custom API Call"
		// operation only when `defaultVersion === version` (load-nodes-and-credentials.js
		// injectCustomApiCallOptions), which an array never equals.
		version: 1,
		defaultVersion: 1,
		// "Create or Update: Contacts", "Search: deals": the operation's name, then the object (n8n
		// gives a subtitle a locator's value only: the API name, Contacts' shown by its name).
		subtitle:
			'={{ ($parameter["operation"] === "upsert" ? "Create or Update" : $parameter["operation"].charAt(0).toUpperCase() + $parameter["operation"].slice(1)) + ": " + ($parameter["object"] === "client_client" ? "Contacts" : $parameter["object"] || "record") }}',
		description:
			'Create or update (upsert), create, get, look up, search, update, archive and unarchive records of any Kizen CRM object, such as Contacts or custom objects',
		defaults: { name: 'Kizen' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'kizenApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Record', value: 'record' }],
				default: 'record',
			},
			...record.description,
		],
	};

	methods = { listSearch, loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions) {
		return await router.call(this);
	}
}
