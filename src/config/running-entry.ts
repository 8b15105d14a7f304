import type { RunningTokenStatus } from '../cloudflare/running-token.js';
import type { ApiTokenRunSettings } from '../credentials/api-token/settings.js';
import { ConfigError } from '../errors.js';
import type { ApiTokenScope } from '../settings/settings.js';
import type { ConfigEntry } from './entries.js';

/** What the order needs from Cloudflare: the running token's verify, and its name. */
export interface RunningTokenPorts {
  verify(scope: ApiTokenScope): Promise<RunningTokenStatus>;
  nameOf(owner: ApiTokenScope, id: string): Promise<string>;
}

/** The entries in the order they run; `last`: the entry that manages cloudflare-api-token, moved to the end. */
export interface EntryOrder {
  readonly entries: readonly ConfigEntry[];
  readonly last: { readonly entry: ConfigEntry; readonly tokenId: string } | undefined;
}

type ApiEntry = ConfigEntry & { readonly settings: ApiTokenRunSettings };

const scopeKey = (scope: ApiTokenScope): string => (scope.kind === 'user' ? 'user' : `account ${scope.id}`);

/** Verifies cloudflare-api-token through each owner the entries name, until one answers. */
async function verifyRunning(
  apiEntries: readonly ApiEntry[],
  ports: RunningTokenPorts
): Promise<{ id: string; owner: ApiTokenScope }> {
  const scopes = [
    ...new Map(apiEntries.map((entry) => [scopeKey(entry.settings.scope), entry.settings.scope])).values()
  ];
  let firstError: unknown;
  for (const scope of scopes) {
    try {
      const status = await ports.verify(scope);
      return { id: status.id, owner: status.owner === 'user' ? { kind: 'user' } : scope };
    } catch (error) {
      firstError ??= error;
    }
  }
  throw firstError;
}

/**
 * Every entry shares one Cloudflare client built with cloudflare-api-token. The entry that manages that
 * very token (by token-id, or by token-name under the token's owner) rolls or replaces the value the
 * others use, so it runs last. Two such entries are refused before any change. Without an API token entry,
 * or with one entry, nothing is asked.
 */
export async function orderEntries(
  entries: readonly ConfigEntry[],
  ports: RunningTokenPorts
): Promise<EntryOrder> {
  const apiEntries = entries.filter((entry): entry is ApiEntry => entry.settings.credential === 'api-token');
  if (entries.length < 2 || !apiEntries.length) return { entries, last: undefined };
  const running = await verifyRunning(apiEntries, ports);
  let name: Promise<string> | undefined;
  const matches: ApiEntry[] = [];
  for (const entry of apiEntries) {
    const { tokenId, tokenName, scope } = entry.settings;
    if (tokenId) {
      if (tokenId === running.id) matches.push(entry);
    } else if (scopeKey(scope) === scopeKey(running.owner)) {
      name ??= ports.nameOf(running.owner, running.id);
      if ((await name) === tokenName) matches.push(entry);
    }
  }
  const [match, other] = matches;
  if (other && match) {
    throw new ConfigError(
      `Config entries ${matches.map((entry) => entry.where).join(' and ')} both manage cloudflare-api-token (API token ${running.id}).`,
      'Keep one entry for the token the action runs with (its token-name or token-id), or run the step with another cloudflare-api-token.'
    );
  }
  if (!match) return { entries, last: undefined };
  return {
    entries: [...entries.filter((entry) => entry !== match), match],
    last: { entry: match, tokenId: running.id }
  };
}

/** The log line and summary note for an entry moved to the end. */
export function runsLastNote(order: EntryOrder): string | undefined {
  if (!order.last) return undefined;
  const { entry, tokenId } = order.last;
  const name = entry.settings.tokenName ?? entry.settings.tokenId ?? '';
  return `${entry.where} (${name}) manages cloudflare-api-token (API token ${tokenId}): it runs after the other entries, since rolling or replacing that token ends the value they use.`;
}
