import * as core from '@actions/core';
import { ConcurrentRotationError, errorMessage } from '../../errors.js';
import type { RecordVariable } from '../../github/record-variable.js';
import type { TokenState } from './model.js';
import type { RecordEvidence } from './record-evidence.js';
import { serializeRecord, type RotationRecord } from './rotation-record.js';

/** What to do when two runs rotate one token at once (both the record and the token can show it). */
export const ONE_ROTATION_AT_A_TIME =
  "Run rotations of one token one at a time with a workflow 'concurrency' group (concurrency: { group: cloudflare-token-rotation-<token-name>, cancel-in-progress: false }), then re-run.";

/** What an issue (create or rotate) is about to do, for the record written just before it. */
export interface IssueIntent {
  readonly token: TokenState | undefined;
  readonly tokenName: string;
  readonly issuedAt: Date;
  readonly clientSecretVersion: number | undefined;
  readonly previousValidUntil: Date | undefined;
}

/**
 * Keeps the rotation record across one run's steps: "issuing" before the create or rotate, "distributing"
 * once the secret exists, "complete" once every target holds it. Each write says what a run killed right
 * after it must know.
 */
export class RecordKeeper {
  private current: RotationRecord | undefined;
  private lastText: string | undefined;
  /** The record as this run found it, to put back when an issue did not happen. */
  private readonly foundText: string | undefined;
  private readonly found: RotationRecord | undefined;
  private readonly variable: RecordVariable;
  private readonly scope: string;

  constructor(evidence: RecordEvidence, variable: RecordVariable, scope: string) {
    this.variable = variable;
    this.scope = scope;
    this.lastText = evidence.text;
    this.foundText = evidence.text;
    this.current = evidence.kind === 'own' ? evidence.record : undefined;
    this.found = this.current;
  }

  /**
   * The create or rotate failed without taking effect: put the record back as it was. Without an earlier
   * record the "issuing" one stays; the next run reads it as no record, which is what it was.
   */
  async abandon(): Promise<void> {
    if (this.foundText === undefined || this.lastText === this.foundText) return;
    try {
      await this.variable.write(this.foundText);
      this.lastText = this.foundText;
      this.current = this.found;
    } catch (error) {
      core.warning(
        `Could not put the rotation record back after the failed issue (${errorMessage(error)}); the next run rotates once more than needed.`
      );
    }
  }

  get label(): string {
    return this.variable.label;
  }

  get record(): RotationRecord | undefined {
    return this.current;
  }

  /**
   * Another run that rotated since this one read the record has rewritten it: stop before changing anything.
   * Then writes "issuing", which also proves github-token may keep the record.
   */
  async beforeIssue(intent: IssueIntent): Promise<void> {
    const now = await this.variable.read();
    if (now !== this.lastText) {
      throw new ConcurrentRotationError(
        `The rotation record (${this.variable.label}) changed while this run was reading the targets: another run is probably rotating '${intent.tokenName}'. Nothing was changed.`,
        ONE_ROTATION_AT_A_TIME
      );
    }
    const previous = this.current;
    const adopting = !previous || (intent.token !== undefined && previous.tokenId !== intent.token.id);
    await this.write({
      tokenId: intent.token?.id,
      tokenName: intent.token?.name ?? intent.tokenName,
      scope: this.scope,
      state: 'issuing',
      issuedAt: intent.issuedAt,
      // A create or an adoption writes the client id everywhere; a rotation of a recorded token keeps it.
      clientIdSince: adopting || !previous ? intent.issuedAt : previous.clientIdSince,
      rotations: (adopting ? 0 : (previous?.rotations ?? 0)) + 1,
      clientSecretVersion: intent.clientSecretVersion,
      previousValidUntil: intent.previousValidUntil
    });
  }

  /**
   * The secret exists: a run killed from here on left targets to heal, and the record must name the token.
   * After a create that takes a write ("distributing"). A rotation's "issuing" record already names the token,
   * and the next run decides the same from either state (targets older than issued_at: rotate), so the new
   * state and version wait for the final write: one GitHub call fewer per rotation.
   */
  async issued(token: TokenState, clientSecretVersion: number | undefined): Promise<void> {
    if (!this.current) return;
    if (this.current.tokenId === token.id && this.current.tokenName === token.name) {
      this.current = { ...this.current, state: 'distributing', clientSecretVersion };
      return;
    }
    try {
      await this.write({
        ...this.current,
        tokenId: token.id,
        tokenName: token.name,
        state: 'distributing',
        clientSecretVersion
      });
    } catch (error) {
      // Not fatal: "issuing" makes the next run rotate again, which is what "distributing" asks for too.
      core.warning(
        `Could not mark the rotation record as distributing (${errorMessage(error)}); it still says issuing, which makes the next run rotate again too.`
      );
    }
  }

  /** Every target holds the secret (complete), or some do not (the record stays "distributing"). */
  async finished(complete: boolean, previousValidUntil: Date | undefined): Promise<void> {
    if (!this.current) return;
    await this.write({ ...this.current, state: complete ? 'complete' : 'distributing', previousValidUntil });
  }

  private async write(record: RotationRecord): Promise<void> {
    const text = serializeRecord(record);
    await this.variable.write(text);
    this.current = record;
    this.lastText = text;
  }
}
