import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	record: 'archive' | 'create' | 'get' | 'lookup' | 'search' | 'unarchive' | 'update' | 'upsert';
};

export type KizenType = AllEntities<NodeMap>;
