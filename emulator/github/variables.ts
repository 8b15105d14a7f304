// Actions configuration variables (plain text) at repository, environment and organization scope.

import type { Clock } from '../clock.ts';
import { parseTimestamp } from '../timestamps.ts';
import { conflict } from './errors.ts';
import { normalName, scopeKey } from './scopes.ts';
import type { VariableRef, VariableScope, Visibility } from './scopes.ts';

export interface StoredVariable {
  name: string;
  value: string;
  createdAt: number;
  updatedAt: number;
  visibility: Visibility | undefined;
  selectedRepositoryIds: number[];
}

export type VariableSeed = VariableRef & {
  value: string;
  createdAt?: string;
  updatedAt?: string;
  visibility?: Visibility;
  selectedRepositoryIds?: number[];
};

export interface VariableChange {
  name?: string;
  value?: string;
  visibility?: Visibility;
  selectedRepositoryIds?: number[];
}

export class VariableStore {
  readonly #clock: Clock;
  readonly #scopes = new Map<string, Map<string, StoredVariable>>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** POST: 409 when the name is taken. */
  create(
    scope: VariableScope,
    input: { name: string; value: string; visibility?: Visibility; selectedRepositoryIds?: number[] }
  ): void {
    const variables = this.#variablesOf(scope);
    if (variables.has(normalName(input.name))) throw conflict('Already exists - Variable already exists');
    const now = this.#clock.nowMs();
    variables.set(normalName(input.name), {
      name: normalName(input.name),
      value: input.value,
      createdAt: now,
      updatedAt: now,
      visibility: input.visibility,
      selectedRepositoryIds: input.visibility === 'selected' ? (input.selectedRepositoryIds ?? []) : []
    });
  }

  /** PATCH: any subset of fields, including a rename (409 when the new name is taken). False when missing. */
  update(scope: VariableScope, name: string, change: VariableChange): boolean {
    const variables = this.#variablesOf(scope);
    const existing = variables.get(normalName(name));
    if (!existing) return false;
    const newName = change.name === undefined ? existing.name : normalName(change.name);
    if (newName !== existing.name && variables.has(newName))
      throw conflict('Already exists - Variable already exists');
    const visibility = change.visibility ?? existing.visibility;
    variables.delete(existing.name);
    variables.set(newName, {
      ...existing,
      name: newName,
      value: change.value ?? existing.value,
      visibility,
      selectedRepositoryIds:
        visibility === 'selected' ? (change.selectedRepositoryIds ?? existing.selectedRepositoryIds) : [],
      updatedAt: this.#clock.nowMs()
    });
    return true;
  }

  get(scope: VariableScope, name: string): StoredVariable | undefined {
    return this.#scopes.get(scopeKey(scope))?.get(normalName(name));
  }

  list(scope: VariableScope): StoredVariable[] {
    return [...(this.#scopes.get(scopeKey(scope))?.values() ?? [])].sort((a, b) =>
      a.name.localeCompare(b.name)
    );
  }

  delete(scope: VariableScope, name: string): boolean {
    return this.#scopes.get(scopeKey(scope))?.delete(normalName(name)) ?? false;
  }

  seed(seed: VariableSeed): void {
    const { value, createdAt, updatedAt, visibility, selectedRepositoryIds, name, ...scope } = seed;
    const created = parseTimestamp(createdAt) ?? this.#clock.nowMs();
    this.#variablesOf(scope).set(normalName(name), {
      name: normalName(name),
      value,
      createdAt: created,
      updatedAt: parseTimestamp(updatedAt) ?? created,
      visibility: visibility ?? (scope.kind === 'org' ? 'all' : undefined),
      selectedRepositoryIds: selectedRepositoryIds ?? []
    });
  }

  #variablesOf(scope: VariableScope): Map<string, StoredVariable> {
    const key = scopeKey(scope);
    let variables = this.#scopes.get(key);
    if (!variables) {
      variables = new Map();
      this.#scopes.set(key, variables);
    }
    return variables;
  }
}
