import { newRunRecord, type RunRecord } from '../../run/record.js';
import type { ApiTokenState } from './model.js';

/** An API token run's record: the common one, and the API token in use. */
export interface ApiTokenRecord extends RunRecord {
  apiToken: ApiTokenState | undefined;
}

export function newApiTokenRecord(): ApiTokenRecord {
  return { ...newRunRecord(), apiToken: undefined };
}
