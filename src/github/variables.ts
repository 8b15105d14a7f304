import type { VariableMetadata, VariableStore } from './secret-target.js';

/** The GitHub endpoints of one variable scope. */
export interface VariableEndpoints {
  list(): Promise<ReadonlyArray<{ name: string; value: string; updated_at: string }>>;
  create(name: string, value: string): Promise<unknown>;
  update(name: string, value: string): Promise<unknown>;
}

export class OctokitVariableStore implements VariableStore {
  private readonly endpoints: VariableEndpoints;

  constructor(endpoints: VariableEndpoints) {
    this.endpoints = endpoints;
  }

  async list(): Promise<Map<string, VariableMetadata>> {
    const items = await this.endpoints.list();
    return new Map(
      items.map((item) => [
        item.name.toUpperCase(),
        { value: item.value, updatedAt: new Date(item.updated_at) }
      ])
    );
  }

  async write(name: string, value: string, exists: boolean): Promise<'created' | 'updated'> {
    if (exists) {
      await this.endpoints.update(name, value);
      return 'updated';
    }
    try {
      await this.endpoints.create(name, value);
      return 'created';
    } catch (error) {
      // A create whose answer was lost and then retried finds its own variable: update it instead.
      if ((error as { status?: number }).status !== 409) throw error;
      await this.endpoints.update(name, value);
      return 'updated';
    }
  }
}
