import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Emulator } from '../../emulator/server.ts';
import { DIST_ENTRY, runDist } from '../../scripts/run-dist.ts';
import { changes, emulator, inputs } from './harness.ts';

/** A copy of dist/ without the chunk that holds `marker`. */
function distWithout(marker: string): { dir: string; removed: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rotator-dist-'));
  cpSync(dirname(DIST_ENTRY), dir, { recursive: true });
  const chunk = readdirSync(dir).find(
    (file) =>
      file !== 'index.js' && file.endsWith('.js') && readFileSync(join(dir, file), 'utf8').includes(marker)
  );
  if (!chunk) throw new Error(`No chunk of dist/ holds ${marker}.`);
  rmSync(join(dir, chunk));
  return { dir, removed: chunk };
}

describe('dist/ in files loaded when needed', () => {
  let emu: Emulator;
  let copy: { dir: string; removed: string } | undefined;

  beforeEach(async () => {
    emu = await emulator();
  });

  afterEach(async () => {
    await emu.close();
    if (copy) rmSync(copy.dir, { recursive: true, force: true });
    copy = undefined;
  });

  it('stops before any change when the libsodium chunk is missing', async () => {
    copy = distWithout('crypto_aead_chacha20poly1305'); // in libsodium itself, nowhere else
    const result = await runDist({
      inputs: inputs(emu, { targets: 'octo-org/web' }),
      env: { GITHUB_REPOSITORY: 'octo-org/web', ROTATOR_WRITE_INTERVAL_MS: '0' },
      entry: join(copy.dir, 'index.js')
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /::error::Could not load libsodium \(sealing secrets\) \(.*\)\. The action's dist\/ folder is incomplete/
    );
    expect(changes(emu)).toEqual([]);
    expect(emu.cloudflare.tokens()).toEqual([]);
  });

  it("creates a service token with the API token's chunk gone: each credential loads only its own code", async () => {
    copy = distWithout('Observe the API token and the targets');
    const result = await runDist({
      inputs: inputs(emu, { targets: 'octo-org/web' }),
      env: { GITHUB_REPOSITORY: 'octo-org/web', ROTATOR_WRITE_INTERVAL_MS: '0' },
      entry: join(copy.dir, 'index.js')
    });
    expect(result.stdout).not.toMatch(/::error::/);
    expect(result.exitCode).toBe(0);
    expect(result.outputs['result']).toBe('created');
  });

  it('fails on a bad input without loading the rotation: dist/index.js alone suffices', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rotator-dist-'));
    try {
      cpSync(DIST_ENTRY, join(dir, 'index.js'));
      cpSync(join(dirname(DIST_ENTRY), 'package.json'), join(dir, 'package.json'));
      const result = await runDist({
        inputs: inputs(emu, { mode: 'sometimes' }),
        entry: join(dir, 'index.js')
      });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toMatch(/::error::Input 'mode': 'sometimes' is not a mode/);
      expect(emu.requests()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The entry is what every run compiles first, a bad input's run only that: what it holds sets the start time.
  it('keeps the entry small and free of the HTTP stacks the action never uses; dist/ stays under 1 MB', () => {
    const dist = dirname(DIST_ENTRY);
    const entry = readFileSync(DIST_ENTRY, 'utf8');
    expect(entry.length).toBeLessThan(100_000);
    // @actions/core's OIDC client (@actions/http-client) and undici, and libsodium: in no chunk, or in a lazy one.
    for (const marker of ['ACTIONS_ID_TOKEN_REQUEST_URL', 'undici', 'crypto_box_seal']) {
      expect(entry).not.toContain(marker);
    }
    const total = readdirSync(dist).reduce((sum, file) => sum + statSync(join(dist, file)).size, 0);
    expect(total).toBeLessThan(1_000_000);
  });
});
