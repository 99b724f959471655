/**
 * Shared pieces of the in-process engine (see engine.cts for the API): loads n8n-core with a
 * temporary N8N_USER_FOLDER, and provides INodeTypes, a CredentialsHelper and additional data.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as CoreModule from 'n8n-core';
import type * as WorkflowModule from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject, ICredentialsExpressionResolveValues, ICredentialType, IDataObject, IExecuteData,
	IHttpRequestOptions, INode, INodeParameters, INodeProperties, INodeType, INodeTypes, IRequestOptionsSimplified,
	IVersionedNodeType, IWorkflowExecuteAdditionalData, Workflow as WorkflowType, WorkflowExecuteMode,
} from 'n8n-workflow';

// n8n-core writes its config under N8N_USER_FOLDER: keep it out of $HOME. Must be set before n8n-core loads.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-harness-'));
export const core: typeof CoreModule = require('n8n-core');
export const wf: typeof WorkflowModule = require('n8n-workflow');
const { Workflow, NodeHelpers, ICredentialsHelper, UnexpectedError } = wf;

export type AnyNodeType = INodeType | IVersionedNodeType;
export type CredentialData = ICredentialDataDecryptedObject;

/** INodeTypes over a plain map; 'pkg.name' and 'name' both resolve (n8n prefixes the package name). */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, AnyNodeType>();
	constructor(nodeTypes: Record<string, AnyNodeType>) {
		for (const [name, type] of Object.entries(nodeTypes)) {
			for (const key of [name, type.description.name ?? name]) {
				this.types.set(key, type);
				this.types.set(key.slice(key.lastIndexOf('.') + 1), type);
			}
		}
	}
	getByName(name: string): AnyNodeType {
		const type = this.types.get(name) ?? this.types.get(name.slice(name.lastIndexOf('.') + 1));
		if (!type) throw new UnexpectedError(`Unknown node type "${name}" (register it in nodeTypes)`);
		return type;
	}
	getByNameAndVersion(name: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(name), version);
	}
	getKnownTypes(): IDataObject {
		return {};
	}
}

// The stand-in workflow n8n's CredentialsHelper resolves credential expressions in (outside an execution).
const mockNode: INode = { id: 'mock', name: '', typeVersion: 1, type: 'mock', position: [0, 0], parameters: {} };
let mockWorkflow: WorkflowType | undefined;

/**
 * n8n's server CredentialsHelper (packages/cli/src/credentials-helper.ts) without the database:
 * `getDecrypted` = `applyDefaultsAndOverwrites` (credential defaults, then expressions resolved),
 * `authenticate` calls a function `authenticate(credentials, requestOptions)` and uses what it returns,
 * or applies a generic `authenticate` by resolving keys and values with `{ $credentials }`.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialTypes: Record<string, ICredentialType>,
		private readonly credentials: Record<string, CredentialData> = {},
	) {
		super();
	}
	private type(name: string): ICredentialType {
		const type = this.credentialTypes[name];
		if (!type) throw new UnexpectedError(`Unknown credential type "${name}" (register it in credentialTypes)`);
		return type;
	}
	getParentTypes(name: string): string[] {
		const parents = this.credentialTypes[name]?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}
	getCredentialsProperties(type: string): INodeProperties[] {
		const { extends: parents, properties } = this.type(type);
		if (!parents) return properties;
		const combined: INodeProperties[] = [];
		for (const parent of parents) NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		NodeHelpers.mergeNodeProperties(combined, properties);
		return combined;
	}
	async authenticate(
		credentials: CredentialData, typeName: string, requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: WorkflowType, node: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.type(typeName);
		const { authenticate } = type;
		// As n8n: a method call, and what it returns is the request n8n sends.
		if (typeof authenticate === 'function') return await authenticate.call(type, credentials, requestOptions as IHttpRequestOptions);
		if (typeof authenticate === 'object') {
			if (requestOptions.headers === undefined) requestOptions.headers = {};
			if (authenticate.type === 'generic') {
				const resolve = (value: string): string => {
					if (typeof value !== 'string' || value.charAt(0) !== '=') return value; // n8n's isExpression
					const result = workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '');
					return result ? result.toString() : '';
				};
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					const target = ((requestOptions as unknown as IDataObject)[outerKey] ??= {}) as IDataObject;
					for (const [key, value] of Object.entries(outerValue as IDataObject)) target[resolve(key)] = resolve(value as string);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}
	async preAuthentication(): Promise<CredentialData | undefined> {
		return undefined; // n8n returns undefined unless the type has an expirable hidden property + preAuthentication
	}
	async getCredentials(): Promise<never> {
		throw new UnexpectedError('The harness keeps no encrypted credentials');
	}
	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData, nodeCredentials: { id: string | null }, type: string,
		mode: WorkflowExecuteMode, executeData?: IExecuteData, _raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<CredentialData> {
		const stored = (nodeCredentials.id && this.credentials[nodeCredentials.id]) || this.credentials[type];
		if (!stored) throw new UnexpectedError(`No credential data for "${type}" (id ${nodeCredentials.id})`);
		return this.applyDefaults(additionalData, stored, type, mode, executeData, expressionResolveValues);
	}
	/** Mirrors CredentialsHelper.applyDefaultsAndOverwrites (no overwrites, no external secrets). */
	applyDefaults(
		additionalData: IWorkflowExecuteAdditionalData, stored: CredentialData, type: string, mode: WorkflowExecuteMode,
		executeData?: IExecuteData, resolveValues?: ICredentialsExpressionResolveValues,
	): CredentialData {
		const properties = this.getCredentialsProperties(type);
		const data = NodeHelpers.getNodeParameters(properties, stored as INodeParameters, true, false, null, null) as CredentialData;
		if (stored.oauthTokenData !== undefined) data.oauthTokenData = stored.oauthTokenData;
		const additionalKeys = core.getAdditionalKeys(additionalData, mode, null, { secretsEnabled: false });
		if (resolveValues) {
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } = resolveValues;
			return workflow.expression.getParameterValue(data as INodeParameters, runExecutionData, runIndex, itemIndex,
				node.name, connectionInputData, mode, additionalKeys, executeData, false, data) as CredentialData;
		}
		mockWorkflow ??= new Workflow({ nodes: [mockNode], connections: {}, active: false,
			nodeTypes: new HarnessNodeTypes({ mock: { description: { properties: [] } } as unknown as INodeType }) });
		return mockWorkflow.expression.getComplexParameterValue(mockNode, data as INodeParameters, mode, additionalKeys,
			undefined, undefined, data) as CredentialData;
	}
	async updateCredentials(): Promise<void> {}
	async updateCredentialsOauthTokenData(): Promise<void> {}
}

/** IWorkflowExecuteAdditionalData with absolute URLs and stubs for what a single workflow never uses. */
export function additionalDataFor(credentialsHelper: HarnessCredentialsHelper, executionId: string): IWorkflowExecuteAdditionalData {
	const base = 'http://localhost:5678';
	const unsupported = (what: string) => async () => {
		throw new UnexpectedError(`${what} are not supported by the harness`);
	};
	return {
		credentialsHelper,
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		variables: {},
		executeWorkflow: unsupported('Sub-workflows'),
		startRunnerTask: unsupported('Task runners'),
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** Stops n8n-core's 60 s SSH cleanup interval (every ExecuteContext creates it) so Jest can exit. */
export function shutdownEngine(): void {
	const paths = [require.resolve('n8n-core')];
	const { Container } = require(require.resolve('@n8n/di', { paths })); // n8n-core's copy, not node-cli's
	const { SSHClientsManager } = require(require.resolve('n8n-core/dist/execution-engine/ssh-clients-manager', { paths }));
	Container.get(SSHClientsManager).onShutdown();
}
