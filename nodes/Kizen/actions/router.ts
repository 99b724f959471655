/** Dispatches an execution to the operation the user chose (resource → operation → file). */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { KizenType } from './node.type';
import * as record from './record/Record.resource';

/** What n8n's editor adds to the operation list of a node with a credential ("Custom API Call"). */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	// n8n adds Custom API Call to the resources too, and then shows no operation.
	const operation =
		resource === CUSTOM_API_CALL
			? CUSTOM_API_CALL
			: (this.getNodeParameter('operation', 0) as string);
	const kizen = { resource, operation } as KizenType;

	if (operation === CUSTOM_API_CALL) {
		throw new NodeOperationError(
			this.getNode(),
			'Custom API Call is not an operation of the Kizen node: use an HTTP Request node',
			{
				description:
					'Add an HTTP Request node, set Authentication to "Predefined Credential Type", Credential Type to "Kizen API", and choose this Kizen credential: it adds the API key, user and business headers and sends them only to your Kizen API host. Request URLs start with your Base URL and /api/, e.g. https://app.go.kizen.com/api/records/client_client/search.',
			},
		);
	}
	switch (kizen.resource) {
		case 'record':
			if (typeof record[kizen.operation]?.execute !== 'function') {
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${String(operation)}" is not supported by this version of the Kizen node`,
				);
			}
			return [await record[kizen.operation].execute.call(this, items)];
		default:
			throw new NodeOperationError(
				this.getNode(),
				`The resource "${String(resource)}" is not supported by this version of the Kizen node`,
			);
	}
}
