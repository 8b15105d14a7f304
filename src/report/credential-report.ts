import type { RunRecord } from '../run/record.js';

/** What a credential tells the report about its run; the report itself knows no credential. */
export interface CredentialReport {
  readonly record: RunRecord;
  /** The summary's lines about the token, as HTML (each credential escapes what it inserts). */
  readonly facts: readonly string[];
  /** Outputs about the token, in order (token-id, client-id, expires-at). */
  readonly outputs: ReadonlyArray<readonly [string, string]>;
  /** The output that carries the issued secret when expose-secret is on. */
  readonly secretOutput: 'client-secret' | 'api-token';
}
