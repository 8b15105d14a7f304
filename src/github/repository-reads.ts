import type { GitHubClient } from './octokit.js';

/** What the preflight needs of a repository: whether it is archived, and its id (organization access). */
export interface RepositoryFacts {
  readonly archived: boolean;
  readonly id: number;
}

/** GitHub's limit of nodes per GraphQL query is far above this; 100 keeps each answer small. */
export const REPOSITORIES_PER_QUERY = 100;

interface Pending {
  readonly owner: string;
  readonly repo: string;
  readonly resolve: (facts: RepositoryFacts) => void;
  readonly reject: (error: unknown) => void;
}

interface GraphqlFailure {
  readonly type?: string;
  readonly path?: readonly (string | number)[];
  readonly message?: string;
}

/** A repository GraphQL could not read, shaped like the REST failure it replaces (status, message). */
function readFailure(status: number | undefined, message: string): Error {
  return Object.assign(new Error(message), { name: 'RepositoryReadError', status });
}

const STATUS_OF_TYPE: Record<string, number> = { NOT_FOUND: 404, FORBIDDEN: 403 };

/** The query for one batch, the repositories as variables (never spliced into the text). */
export function repositoryQuery(batch: readonly { owner: string; repo: string }[]): {
  query: string;
  variables: Record<string, string>;
} {
  const variables: Record<string, string> = {};
  const parameters: string[] = [];
  const fields: string[] = [];
  batch.forEach(({ owner, repo }, index) => {
    variables[`o${index}`] = owner;
    variables[`n${index}`] = repo;
    parameters.push(`$o${index}: String!, $n${index}: String!`);
    fields.push(`r${index}: repository(owner: $o${index}, name: $n${index}) { isArchived databaseId }`);
  });
  return { query: `query(${parameters.join(', ')}) { ${fields.join(' ')} }`, variables };
}

type Answer = Record<string, { isArchived: boolean; databaseId: number | null } | null | undefined>;

/** The data of an answer, also when GitHub sent errors beside it (a repository that is not found). */
async function ask(
  octokit: GitHubClient,
  batch: readonly Pending[]
): Promise<{ data: Answer; errors: GraphqlFailure[] }> {
  const { query, variables } = repositoryQuery(batch);
  try {
    return { data: await octokit.graphql<Answer>(query, variables), errors: [] };
  } catch (error) {
    const partial = error as { data?: Answer; errors?: GraphqlFailure[] };
    if (!partial.data || !Array.isArray(partial.errors)) throw error;
    return { data: partial.data, errors: partial.errors };
  }
}

/**
 * Reads `archived` and the id of repositories with one GraphQL query per REPOSITORIES_PER_QUERY, instead of a
 * REST read each: the requests of one tick are collected into one query, and each repository is read once. A
 * repository GraphQL does not resolve fails as the REST read did: 404 Not Found (403 where access is refused).
 */
export class RepositoryReads {
  readonly #octokit: GitHubClient;
  readonly #known = new Map<string, Promise<RepositoryFacts>>();
  #queue: Pending[] = [];

  constructor(octokit: GitHubClient) {
    this.#octokit = octokit;
  }

  facts(owner: string, repo: string): Promise<RepositoryFacts> {
    const key = `${owner}/${repo}`.toLowerCase();
    let facts = this.#known.get(key);
    if (!facts) {
      facts = new Promise((resolve, reject) => {
        if (this.#queue.length === 0) queueMicrotask(() => this.#flush());
        this.#queue.push({ owner, repo, resolve, reject });
      });
      this.#known.set(key, facts);
    }
    return facts;
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    for (let start = 0; start < queue.length; start += REPOSITORIES_PER_QUERY)
      void this.#read(queue.slice(start, start + REPOSITORIES_PER_QUERY));
  }

  async #read(batch: readonly Pending[]): Promise<void> {
    let answer: Awaited<ReturnType<typeof ask>>;
    try {
      answer = await ask(this.#octokit, batch);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => {
      const found = answer.data[`r${index}`];
      if (found && typeof found.databaseId === 'number') {
        pending.resolve({ archived: found.isArchived, id: found.databaseId });
        return;
      }
      const failure = answer.errors.find((error) => error.path?.[0] === `r${index}`);
      const status = failure?.type ? STATUS_OF_TYPE[failure.type] : 404;
      pending.reject(
        readFailure(
          status,
          status === 404 ? 'Not Found' : status === 403 ? 'Forbidden' : (failure?.message ?? 'Unknown error')
        )
      );
    });
  }
}

const shared = new WeakMap<GitHubClient, RepositoryReads>();

/** One reader per client, so the archived check and organization access share their answers. */
export function repositoryReads(octokit: GitHubClient): RepositoryReads {
  let reads = shared.get(octokit);
  if (!reads) {
    reads = new RepositoryReads(octokit);
    shared.set(octokit, reads);
  }
  return reads;
}
