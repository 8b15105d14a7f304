import * as core from '@actions/core';
import type { ServiceTokenStore } from '../../cloudflare/service-tokens.js';
import { RotationRecordError, TokenLookupError } from '../../errors.js';
import type { TokenState } from './model.js';
import type { ObservedRecord, RotationRecord } from './rotation-record.js';

/** What the action's own record says about this run's token. */
export type RecordEvidence =
  | { readonly kind: 'own'; readonly record: RotationRecord; readonly text: string; readonly label: string }
  | {
      readonly kind: 'none';
      readonly why: string;
      readonly text: string | undefined;
      readonly label: string;
    };

function ownedBy(record: RotationRecord, token: TokenState, scopeLabel: string): boolean {
  if (record.scope !== scopeLabel) return false;
  // A create that was being issued when a run stopped: the token of that name is the one it created.
  return record.tokenId === undefined ? record.tokenName === token.name : record.tokenId === token.id;
}

/** Whether the token a record names still exists (a record from another scope cannot be checked: assume so). */
async function stillExists(record: RotationRecord, tokens: ServiceTokenStore): Promise<boolean> {
  if (record.tokenId === undefined) return false;
  if (record.scope !== tokens.scopeLabel) return true;
  try {
    await tokens.get(record.tokenId);
    return true;
  } catch (error) {
    if (error instanceof TokenLookupError) return false;
    throw error;
  }
}

function conflict(record: RotationRecord, label: string, token: TokenState | undefined, tokenName: string) {
  const owner = `'${record.tokenName}' (${record.tokenId} in ${record.scope})`;
  const forget = `delete the variable (${label}) and re-run`;
  return token
    ? new RotationRecordError(
        `The targets' secrets belong to service token ${owner}, says the rotation record (${label}); this run manages '${token.name}' (${token.id}) and would overwrite them.`,
        `Give each token its own secret names (client-id-secret-name, client-secret-secret-name). If '${token.name}' is meant to take over these targets, ${forget}.`
      )
    : new RotationRecordError(
        `No service token named '${tokenName}' exists, but the rotation record (${label}) says the targets hold the secret of ${owner}: creating '${tokenName}' would overwrite it.`,
        `Check token-name (did you mean '${record.tokenName}'?). To create a new token for these targets on purpose, ${forget} with allow-overwrite: true.`
      );
}

/**
 * Ties the record to the token: a record of another token that still exists stops the run before anything
 * changes (a typo in token-name, or two tokens writing the same secret names).
 */
export async function recordEvidence(
  observed: ObservedRecord,
  label: string,
  token: TokenState | undefined,
  tokenName: string,
  tokens: ServiceTokenStore
): Promise<RecordEvidence> {
  if (observed.kind === 'none') return { kind: 'none', why: 'no rotation record', text: undefined, label };
  if (observed.kind === 'unusable') {
    core.warning(
      `The rotation record (${label}) is not one this action wrote (${observed.reason}); the run treats the token as unrecorded and writes a new record.`
    );
    return {
      kind: 'none',
      why: `an unusable rotation record (${observed.reason})`,
      text: observed.text,
      label
    };
  }
  const { record, text } = observed;
  if (token && ownedBy(record, token, tokens.scopeLabel)) return { kind: 'own', record, text, label };
  if (await stillExists(record, tokens)) throw conflict(record, label, token, tokenName);
  return {
    kind: 'none',
    why: `the rotation record names '${record.tokenName}' (${record.tokenId ?? 'being created'}), which no longer exists`,
    text,
    label
  };
}
