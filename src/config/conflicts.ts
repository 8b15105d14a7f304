import type { Settings } from '../credentials/settings.js';
import { ConfigError } from '../errors.js';
import { recordPlace, recordVariableName } from '../github/record-variable.js';
import { targetLabel, type Target } from '../settings/targets.js';
import type { ConfigEntry } from './entries.js';

/** One named value an entry writes: a secret or a variable, in one target's store. */
interface Write {
  readonly store: string;
  readonly name: string;
  readonly what: string;
}

const hasVariables = (target: Target): boolean => !target.kind.startsWith('dependabot');

function secretAt(target: Target, name: string): Write {
  return {
    store: `secrets of ${targetLabel(target)}`,
    name,
    what: `secret ${name} in ${targetLabel(target)}`
  };
}

function variableAt(place: string, name: string): Write {
  return { store: `variables of ${place}`, name, what: `variable ${name} in ${place}` };
}

/** What an entry writes: its slots in every target and, for a service token, its rotation record. */
export function writesOf(settings: Settings): Write[] {
  if (settings.credential === 'api-token') {
    return settings.targets.map((target) => secretAt(target, settings.apiToken.secretName));
  }
  const { clientIdSecretName, clientSecretSecretName, clientIdAsVariable } = settings.serviceToken;
  const writes = settings.targets.flatMap((target) => [
    clientIdAsVariable && hasVariables(target)
      ? variableAt(targetLabel(target), clientIdSecretName)
      : secretAt(target, clientIdSecretName),
    secretAt(target, clientSecretSecretName)
  ]);
  const place = recordPlace(settings.targets);
  if (place) {
    const label = 'org' in place ? `org:${place.org}` : `${place.owner}/${place.repo}`;
    writes.push(variableAt(label, recordVariableName(clientSecretSecretName)));
  }
  return writes;
}

/** The token an entry manages: two entries for one token would rotate it twice in a run. */
function identity(settings: Settings): string {
  const owner = settings.scope.kind === 'user' ? 'user' : `${settings.scope.kind} ${settings.scope.id}`;
  const token = settings.tokenId ? `id ${settings.tokenId}` : `name ${settings.tokenName ?? ''}`;
  return `${settings.credential} ${owner} ${token}`;
}

/** No two entries manage the same token, and none writes a name that another writes in the same place. */
export function checkConflicts(path: string, entries: readonly ConfigEntry[]): void {
  const tokens = new Map<string, ConfigEntry>();
  const written = new Map<string, ConfigEntry>();
  for (const entry of entries) {
    const first = tokens.get(identity(entry.settings));
    if (first) {
      throw new ConfigError(
        `Config file ${path}, line ${entry.line}: ${entry.where} manages the same token as ${first.where} (${identity(entry.settings)}).`,
        'Remove one of the two entries, or merge their targets into one.'
      );
    }
    tokens.set(identity(entry.settings), entry);
    for (const write of writesOf(entry.settings)) {
      const key = `${write.store}\n${write.name}`;
      const other = written.get(key);
      if (other && other !== entry) {
        throw new ConfigError(
          `Config file ${path}, line ${entry.line}: ${entry.where} and ${other.where} both write ${write.what}.`,
          'Give one of them other secret names (client-id-secret-name, client-secret-secret-name, api-token-secret-name), or other targets.'
        );
      }
      written.set(key, entry);
    }
  }
}
