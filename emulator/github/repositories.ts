// Organizations, repositories and their environments. GitHub matches owner, repository and environment names
// without regard to case, so lookups are case-insensitive while responses keep the declared spelling.

import type { Clock } from '../clock.ts';
import { parseTimestamp } from '../timestamps.ts';

export interface RepositoryFixture {
  owner: string;
  name: string;
  /** Numeric id used by selected_repository_ids; assigned when absent. */
  id?: number;
  visibility?: 'public' | 'private' | 'internal';
  archived?: boolean;
  /** Environment names; they may contain spaces and other characters. */
  environments?: string[];
  createdAt?: string;
}

export interface Environment {
  id: number;
  name: string;
  createdAt: number;
}

export interface Repository {
  id: number;
  owner: string;
  name: string;
  visibility: 'public' | 'private' | 'internal';
  archived: boolean;
  createdAt: number;
  environments: Map<string, Environment>;
}

export class RepositoryRegistry {
  readonly #clock: Clock;
  readonly #orgs = new Map<string, string>();
  readonly #repos = new Map<string, Repository>();
  #nextId = 1_000_001;

  constructor(clock: Clock, fixture: { orgs?: string[]; repositories?: RepositoryFixture[] } = {}) {
    this.#clock = clock;
    for (const org of fixture.orgs ?? []) this.#orgs.set(org.toLowerCase(), org);
    for (const repo of fixture.repositories ?? []) this.addRepository(repo);
  }

  addRepository(fixture: RepositoryFixture): Repository {
    const key = `${fixture.owner}/${fixture.name}`.toLowerCase();
    if (this.#repos.has(key)) throw new Error(`duplicate repository ${fixture.owner}/${fixture.name}`);
    const createdAt = parseTimestamp(fixture.createdAt) ?? this.#clock.nowMs();
    const repo: Repository = {
      id: fixture.id ?? this.#newId(),
      owner: fixture.owner,
      name: fixture.name,
      visibility: fixture.visibility ?? 'private',
      archived: fixture.archived ?? false,
      createdAt,
      environments: new Map()
    };
    for (const name of fixture.environments ?? []) {
      repo.environments.set(name.toLowerCase(), { id: this.#newId(), name, createdAt });
    }
    this.#repos.set(key, repo);
    return repo;
  }

  /** The organization's declared spelling, or undefined when the login is not an organization. */
  organization(login: string): string | undefined {
    return this.#orgs.get(login.toLowerCase());
  }

  repository(owner: string, name: string): Repository | undefined {
    return this.#repos.get(`${owner}/${name}`.toLowerCase());
  }

  environment(repo: Repository, name: string): Environment | undefined {
    return repo.environments.get(name.toLowerCase());
  }

  repositoryById(id: number): Repository | undefined {
    return [...this.#repos.values()].find((repo) => repo.id === id);
  }

  repositoriesOf(owner: string): Repository[] {
    return [...this.#repos.values()].filter((repo) => repo.owner.toLowerCase() === owner.toLowerCase());
  }

  #newId(): number {
    const id = this.#nextId;
    this.#nextId += 1;
    return id;
  }
}
