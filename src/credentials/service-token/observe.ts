import * as core from '@actions/core';
import { warnIfExpiring } from '../../cloudflare/running-token.js';
import type { ServiceTokenStore } from '../../cloudflare/service-tokens.js';
import { TokenLookupError } from '../../errors.js';
import type { FanOut } from '../../targets/fan-out.js';
import { observeTargets } from '../../targets/observe.js';
import { firstPerOwnerAndKind } from '../../targets/write-probe.js';
import type { TargetWork } from '../../targets/target-work.js';
import type { TargetState, TokenState } from './model.js';
import type { ServiceTokenPorts } from './ports.js';
import type { ServiceTokenRunSettings } from './settings.js';
import { recordEvidence, type RecordEvidence } from './record-evidence.js';
import { observedRecord } from './rotation-record.js';

/** Finds the service token by id (checking the name when both are given) or by a unique name. */
export async function findToken(
  settings: Pick<ServiceTokenRunSettings, 'tokenId' | 'tokenName'>,
  tokens: ServiceTokenStore
): Promise<TokenState | undefined> {
  const { tokenId, tokenName } = settings;
  if (tokenId) {
    const token = await tokens.get(tokenId);
    if (tokenName && token.name !== tokenName) {
      throw new TokenLookupError(
        `Service token ${tokenId} is named '${token.name}', not '${tokenName}'.`,
        'Fix token-name or token-id so that they name the same token.'
      );
    }
    return token;
  }
  const found = await tokens.findByName(tokenName as string);
  if (found.length > 1) {
    throw new TokenLookupError(
      `${found.length} service tokens in ${tokens.scopeLabel} are named '${tokenName}' (ids: ${found.map((token) => token.id).join(', ')}).`,
      'Names are not unique in Cloudflare: set token-id to choose one.'
    );
  }
  return found[0];
}

/** What the plan needs of each target: the metadata of both secrets, and the client id variable's value. */
function targetStates(fanOut: FanOut, clientIdName: string, clientSecretName: string): TargetState[] {
  const clientId = fanOut.slot('clientId');
  return fanOut.works.map((work) => ({
    target: work.target,
    clientId: work.secrets.get(clientIdName),
    clientSecret: work.secrets.get(clientSecretName),
    ...(work.usesVariable(clientId) && { clientIdVariable: work.variables?.get(clientIdName)?.value ?? null })
  }));
}

/**
 * Without a token the run creates one and writes every target: only organization targets need their secrets
 * read first (the visibility of an existing secret is kept), and, unless allow-overwrite, the first target of
 * each owner and kind, where the create guard looks for another token's secrets (a token-name typo).
 */
function readBeforeCreate(fanOut: FanOut, allowOverwrite: boolean): (work: TargetWork) => boolean {
  const sample = new Set(allowOverwrite ? [] : firstPerOwnerAndKind(fanOut.works));
  return (work) =>
    sample.has(work) || work.target.kind === 'organization' || work.target.kind === 'dependabot-organization';
}

/** Everything read-only, at once: cloudflare-api-token itself, the service token, and every target. */
export async function observe(
  settings: ServiceTokenRunSettings,
  ports: ServiceTokenPorts,
  fanOut: FanOut
): Promise<{ token: TokenState | undefined; targets: TargetState[]; record: RecordEvidence }> {
  const [running, token, recordText] = await Promise.all([
    ports.checkApiToken(),
    findToken(settings, ports.tokens).then(async (found) => {
      await observeTargets(
        fanOut,
        found ? undefined : readBeforeCreate(fanOut, settings.serviceToken.allowOverwrite)
      );
      return found;
    }),
    ports.rotationRecord.read()
  ]);
  warnIfExpiring('cloudflare-api-token', running.expiresOn, settings.renewalWindowMs, ports.now());
  core.info(
    token
      ? `Found service token '${token.name}' (${token.id}) in ${ports.tokens.scopeLabel}.`
      : `No service token named '${settings.tokenName}' in ${ports.tokens.scopeLabel}.`
  );
  const record = await recordEvidence(
    observedRecord(recordText),
    ports.rotationRecord.label,
    token,
    settings.tokenName ?? token?.name ?? '',
    ports.tokens
  );
  core.info(
    record.kind === 'own'
      ? `Rotation record (${record.label}): secret issued ${record.record.issuedAt.toISOString()}, ${record.record.state}.`
      : `Rotation record (${record.label}): ${record.why}.`
  );
  const names = settings.serviceToken;
  return {
    token,
    record,
    targets: targetStates(fanOut, names.clientIdSecretName, names.clientSecretSecretName)
  };
}
