import { describe, expect, it, jest } from '@jest/globals';
import { OctokitVariableStore } from '../../src/github/variables.js';

function store(create: () => Promise<unknown>) {
  const update = jest.fn<(name: string, value: string) => Promise<void>>(() => Promise.resolve());
  return { update, variables: new OctokitVariableStore({ list: () => Promise.resolve([]), create, update }) };
}

describe('OctokitVariableStore', () => {
  it('creates a missing variable and updates an existing one in place', async () => {
    const { variables, update } = store(() => Promise.resolve());
    await expect(variables.write('CF_ACCESS_CLIENT_ID', 'id', false)).resolves.toBe('created');
    await expect(variables.write('CF_ACCESS_CLIENT_ID', 'id', true)).resolves.toBe('updated');
    expect(update).toHaveBeenCalledTimes(1);
  });

  it('updates instead when a retried create finds the variable its lost first attempt made (409)', async () => {
    const { variables, update } = store(() =>
      Promise.reject(Object.assign(new Error('Already exists'), { status: 409 }))
    );
    await expect(variables.write('CF_ACCESS_CLIENT_ID', 'id', false)).resolves.toBe('updated');
    expect(update).toHaveBeenCalledWith('CF_ACCESS_CLIENT_ID', 'id');
  });

  it('passes on any other failure', async () => {
    const { variables, update } = store(() =>
      Promise.reject(Object.assign(new Error('Forbidden'), { status: 403 }))
    );
    await expect(variables.write('CF_ACCESS_CLIENT_ID', 'id', false)).rejects.toThrow('Forbidden');
    expect(update).not.toHaveBeenCalled();
  });
});
