import * as core from '@actions/core';
import type { InactivityReading } from '../../../cloudflare/access-organization.js';
import { lastUseFact, warnIfIdle } from '../../../report/last-use.js';
import type { TokenState } from '../model.js';

export interface InactivityInput {
  readonly setting: InactivityReading;
  readonly token: TokenState | undefined;
  /** The name the token has or will get. */
  readonly tokenName: string | undefined;
  /** How many access-policy-id lines the run keeps the token in. */
  readonly policies: number;
  readonly maxIdleDays: number | undefined;
  readonly now: Date;
}

/** The summary's lines about the account's inactivity policy and the token's last use. Pure. */
export function inactivityNotes(input: InactivityInput): string[] {
  const { setting, token, policies } = input;
  const notes: string[] = [];
  if (setting === 'unreadable') {
    notes.push(
      'Inactivity policy: not checked (the Access organization could not be read; that needs Access: Organizations, Identity Providers, and Groups Read).'
    );
  } else if (setting?.enabled) {
    notes.push(
      `Inactivity policy: ${setting.action} service tokens no policy references after ${setting.thresholdDays} days without use; ${policies ? `this token is kept in ${policies} policy(ies)` : 'no policy this action manages references this token'}.`
    );
  } else if (setting) {
    notes.push('Inactivity policy: off.');
  }
  if (token) notes.push(lastUseFact(token.hints.lastSeenAt));
  return notes;
}

/** Annotations: the inactivity policy would act on the token, or it has not been used for too long. */
export function warnInactivity(input: InactivityInput): void {
  const { setting, token, maxIdleDays, now } = input;
  const name = token ? `'${token.name}' (${token.id})` : `'${input.tokenName ?? ''}'`;
  if (setting && setting !== 'unreadable' && setting.enabled && input.policies === 0) {
    core.warning(
      `The account's inactivity policy will ${setting.action} service token ${name} after ${setting.thresholdDays} days without use, because no Access policy the action manages references it.`
    );
  }
  warnIfIdle(`Service token ${name}`, token?.hints.lastSeenAt, maxIdleDays, now);
}
