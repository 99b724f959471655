import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	record: 'upsert';
};

export type KizenType = AllEntities<NodeMap>;
