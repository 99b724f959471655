/** Dispatches an execution to the operation the user chose (resource → operation → file). */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { KizenType } from './node.type';
import * as record from './record/Record.resource';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter<KizenType>('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	const kizen = { resource, operation } as KizenType;

	switch (kizen.resource) {
		case 'record':
			return [await record[kizen.operation].execute.call(this, items)];
		default:
			throw new NodeOperationError(
				this.getNode(),
				`The resource "${String(resource)}" is not supported by this version of the Kizen node`,
			);
	}
}
