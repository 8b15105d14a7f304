import { describe, expect, it } from '@jest/globals';
import { BundleError } from '../../src/errors.js';
import { loadChunk } from '../../src/runtime/chunks.js';
import { honourProxyVariables, proxyVariable } from '../../src/runtime/proxy.js';

describe('loadChunk', () => {
  it('passes a loaded part through, and turns a failure into a BundleError that says what to do', async () => {
    await expect(loadChunk('x', () => Promise.resolve(42))).resolves.toBe(42);
    const failed = loadChunk('libsodium (sealing secrets)', () =>
      Promise.reject(new Error("Cannot find module '/a/343.index.js'"))
    );
    await expect(failed).rejects.toBeInstanceOf(BundleError);
    await expect(failed).rejects.toThrow(
      /^Could not load libsodium \(sealing secrets\) \(Cannot find module '\/a\/343\.index\.js'\)\. The action's dist\/ folder is incomplete/
    );
  });
});

describe('honourProxyVariables', () => {
  it('finds the proxy variables in either case, and none in NO_PROXY alone', () => {
    expect(proxyVariable({ HTTPS_PROXY: 'http://p:3128' })).toBe('HTTPS_PROXY');
    expect(proxyVariable({ http_proxy: 'http://p:3128' })).toBe('http_proxy');
    expect(proxyVariable({ NO_PROXY: '*' })).toBeUndefined();
    expect(proxyVariable({ HTTPS_PROXY: '' })).toBeUndefined();
  });

  it('does nothing without a proxy variable, or when Node read them at start (NODE_USE_ENV_PROXY=1)', async () => {
    await expect(honourProxyVariables({})).resolves.toBeUndefined();
    await expect(
      honourProxyVariables({ HTTPS_PROXY: 'http://127.0.0.1:9', NODE_USE_ENV_PROXY: '1' })
    ).resolves.toBeUndefined();
  });
});
