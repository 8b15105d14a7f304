import { RotationRecordError } from '../errors.js';
import type { Target } from '../settings/targets.js';
import { githubReason } from './api-errors.js';
import type { GitHubClient } from './octokit.js';

/** One non-secret Actions variable that holds the action's rotation record. */
export interface RecordVariable {
  /** "variable X in owner/repo" or "organization variable X in org:name". */
  readonly label: string;
  /** The variable's value; undefined when it does not exist. */
  read(): Promise<string | undefined>;
  write(value: string): Promise<void>;
}

/** Where the record lives: the first target's repository, or its organization for organization targets. */
export type RecordPlace = { readonly owner: string; readonly repo: string } | { readonly org: string };

export function recordPlace(targets: readonly Target[]): RecordPlace | undefined {
  const withRepository = targets.find((target) => 'repo' in target);
  if (withRepository && 'repo' in withRepository)
    return { owner: withRepository.owner, repo: withRepository.repo };
  const first = targets[0];
  return first && 'org' in first ? { org: first.org } : undefined;
}

/** The record of the token whose secret is named `clientSecretName`: one per secret name and place. */
export function recordVariableName(clientSecretName: string): string {
  return `${clientSecretName}_ROTATION`;
}

const statusOf = (error: unknown): number | undefined => (error as { status?: number }).status;

/** What github-token needs on the place to keep the record, for messages. */
export function recordPermission(place: RecordPlace): string {
  return 'repo' in place
    ? `the repository permission 'Variables: Read and write' (actions_variables: write) on ${place.owner}/${place.repo}`
    : `the organization permission 'Variables: Read and write' (organization_actions_variables: write) on ${place.org}`;
}

function failure(error: unknown, doing: string, label: string, place: RecordPlace): RotationRecordError {
  return new RotationRecordError(
    `Could not ${doing} the rotation record (${label}): ${githubReason(error)}.`,
    `Give github-token ${recordPermission(place)}; the record is how the next run knows which targets hold the current secret.`,
    { cause: error }
  );
}

/** The variable's endpoints: a repository variable, or an organization variable visible to no repository. */
function recordEndpoints(octokit: GitHubClient, place: RecordPlace, name: string) {
  return 'repo' in place
    ? {
        get: () => octokit.request('GET /repos/{owner}/{repo}/actions/variables/{name}', { ...place, name }),
        create: (value: string) =>
          octokit.request('POST /repos/{owner}/{repo}/actions/variables', { ...place, name, value }),
        update: (value: string) =>
          octokit.request('PATCH /repos/{owner}/{repo}/actions/variables/{name}', { ...place, name, value })
      }
    : {
        get: () => octokit.request('GET /orgs/{org}/actions/variables/{name}', { org: place.org, name }),
        // Visible to no repository: no workflow needs to read it.
        create: (value: string) =>
          octokit.request('POST /orgs/{org}/actions/variables', {
            org: place.org,
            name,
            value,
            visibility: 'selected',
            selected_repository_ids: []
          }),
        update: (value: string) =>
          octokit.request('PATCH /orgs/{org}/actions/variables/{name}', { org: place.org, name, value })
      };
}

export function createRecordVariable(
  octokit: GitHubClient,
  place: RecordPlace,
  name: string
): RecordVariable {
  const label =
    'repo' in place
      ? `variable ${name} in ${place.owner}/${place.repo}`
      : `organization variable ${name} in org:${place.org}`;
  let exists = false;
  const endpoints = recordEndpoints(octokit, place, name);
  return {
    label,
    read: async () => {
      try {
        const value = (await endpoints.get()).data.value;
        exists = true;
        return value;
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw failure(error, 'read', label, place);
      }
    },
    write: async (value) => {
      try {
        if (exists) await endpoints.update(value);
        else await endpoints.create(value);
      } catch (error) {
        // Created meanwhile (or a lost answer retried): update it instead.
        if (statusOf(error) !== 409) throw failure(error, 'write', label, place);
        await endpoints.update(value).catch((again: unknown) => {
          throw failure(again, 'write', label, place);
        });
      }
      exists = true;
    }
  };
}
