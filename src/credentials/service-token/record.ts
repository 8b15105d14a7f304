import type { RunRecord } from '../../run/record.js';
import { newRunRecord } from '../../run/record.js';
import type { AccessRecord } from './access/membership.js';
import type { TokenState } from './model.js';

/** A service token run's record: the common one, and the token as the run last saw it. */
export interface ServiceTokenRecord extends RunRecord {
  /** The latest known state of the service token. */
  token: TokenState | undefined;
  /** Until when the previous secret works, when this run rotated (the final time, after any extension). */
  previousSecretValidUntil: Date | undefined;
  /** No rotation record tied the targets to the token: this run adopts it. */
  adopting: boolean;
  /** What the rotation record said at the start, in words, for the summary. */
  recordNote: string | undefined;
  /** The Access policies and the inactivity checks, once observed. */
  access?: AccessRecord;
}

export function newServiceTokenRecord(): ServiceTokenRecord {
  return {
    ...newRunRecord(),
    token: undefined,
    previousSecretValidUntil: undefined,
    adopting: false,
    recordNote: undefined
  };
}
