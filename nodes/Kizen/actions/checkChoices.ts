/**
 * n8n does not check that a choice parameter (type `options`) set by an expression holds one of
 * the values the description offers: `{{ $json.policy }}` can give "unarchve" and the node would
 * send it. Every operation's choices are checked here, per item, before anything is sent.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export function checkChoices(
	this: IExecuteFunctions,
	itemIndex: number,
	properties: INodeProperties[],
): void {
	for (const property of properties) {
		if (property.type === 'options') {
			const value = this.getNodeParameter(property.name, itemIndex, property.default);
			checkChoice.call(this, itemIndex, property, value, property.displayName);
		} else if (property.type === 'collection') {
			const values = (this.getNodeParameter(property.name, itemIndex, {}) ?? {}) as IDataObject;
			for (const option of (property.options ?? []) as INodeProperties[]) {
				if (option.type !== 'options' || values[option.name] === undefined) continue;
				const label = `${property.displayName} → ${option.displayName}`;
				checkChoice.call(this, itemIndex, option, values[option.name], label);
			}
		}
	}
}

function checkChoice(
	this: IExecuteFunctions,
	itemIndex: number,
	property: INodeProperties,
	value: unknown,
	label: string,
): void {
	const choices = (property.options ?? []) as Array<{ name: string; value: unknown }>;
	// Choices loaded from Kizen (field lists) are checked where they are used.
	if (property.typeOptions?.loadOptionsMethod || choices.some((choice) => choice.value === value)) {
		return;
	}
	const offered = choices.map((choice) => `${JSON.stringify(choice.value)} (${choice.name})`);
	throw new NodeOperationError(
		this.getNode(),
		`${label} is ${JSON.stringify(value)}, which is not one of its choices`,
		{
			description: `Use one of: ${offered.join(', ')}. Nothing was sent to Kizen for this item.`,
			itemIndex,
		},
	);
}
