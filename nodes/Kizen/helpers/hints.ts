/**
 * Execution hints (the notices n8n shows above the output): gathered while the items are prepared
 * and added once per execution, so 10,000 items with the same unmatched column give one notice,
 * not 10,000. A topic collects values across items; its message is built from all of them.
 */
import type { NodeExecutionHint } from 'n8n-workflow';

interface Topic {
	values: Set<string>;
	message: (values: string[]) => string;
}

export class ExecutionHints {
	private readonly topics = new Map<string, Topic>();

	/** Notes `values` under `topic`; the first caller's `message` builds the topic's text. */
	note(topic: string, values: string[], message: (values: string[]) => string): void {
		if (!values.length) return;
		let entry = this.topics.get(topic);
		if (!entry) {
			entry = { values: new Set(), message };
			this.topics.set(topic, entry);
		}
		for (const value of values) entry.values.add(value);
	}

	hints(): NodeExecutionHint[] {
		return [...this.topics.values()].map(({ values, message }) => ({
			message: message([...values]),
			type: 'warning',
			location: 'outputPane',
		}));
	}
}
