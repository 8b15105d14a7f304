// Reports that tell the truth (issue #16): a failed run says `failed` and the step it reached, the write check
// shows as a check, one final "previous secret valid until", and a dry run speaks in the conditional.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/server.ts';
import { emulator, run } from './harness.ts';

let emu: Emulator;
beforeEach(async () => {
  emu = await emulator();
});
afterEach(async () => {
  await emu.close();
});

const PRODUCTION_SECRET = '/repos/octo-org/web/environments/production/secrets/CF_ACCESS_CLIENT_SECRET';

describe(`reports (${process.env['EMULATOR_PROFILE'] ?? 'rich'} profile)`, () => {
  it('a failed create says failed and how far it got', async () => {
    emu.faults.add({
      api: 'github',
      method: 'PUT',
      path: PRODUCTION_SECRET,
      times: 'always',
      fault: { status: 404 }
    });
    const result = await run(emu);
    expect(result.exitCode).toBe(1);
    expect(result.outputs.result).toBe('failed');
    expect(result.summary).toContain('Result: <b>failed</b>');
    expect(result.summary).toContain('Reached: created, then failed to write 1 of 2 target(s)');
  });

  it('a failed rotation: the probe is a check, one previous-secret time, and "not yet written" only then', async () => {
    const targets = 'octo-org/web\nocto-org/api';
    expect((await run(emu, { targets })).exitCode).toBe(0);
    const apiSecret = '/repos/octo-org/api/actions/secrets/CF_ACCESS_CLIENT_SECRET';
    emu.faults.add({
      api: 'github',
      method: 'PUT',
      path: apiSecret,
      times: 'always',
      fault: { status: 404 }
    });
    const result = await run(emu, { targets, mode: 'rotate' });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.result).toBe('failed');
    expect(result.summary).toContain('Reached: rotated, then failed to write 1 of 2 target(s)');
    const entries = JSON.parse(result.outputs.targets ?? '[]') as unknown[];
    // The write check rewrote the unchanged client id of the first target of the owner: a check, not a change.
    expect(entries).toContainEqual({
      target: 'octo-org/web',
      secret: 'CF_ACCESS_CLIENT_ID',
      status: 'checked'
    });
    // The failed target's client id (which the rotation did not need to write) shows as skipped.
    expect(entries).toContainEqual({
      target: 'octo-org/api',
      secret: 'CF_ACCESS_CLIENT_ID',
      status: 'skipped'
    });
    expect(result.stdout).toMatch(
      /Writes: the client secret to 2 target\(s\), the client id to 0 target\(s\) \(and the unchanged client id rewritten as a write check/
    );
    expect(result.summary.match(/valid until/g)).toHaveLength(1);
    expect(result.summary).toContain('so targets not yet written keep working');
  });

  it('prints the error inside the group of the step that failed, after its output', async () => {
    const result = await run(emu, { targets: 'octo-org/web@prod' });
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.split('\n');
    const start = lines.findIndex((line) => line.startsWith('::group::Observe'));
    const error = lines.findIndex((line) => line.startsWith('::error::'));
    const end = lines.findIndex((line, index) => index > start && line.startsWith('::endgroup::'));
    expect(start).toBeGreaterThanOrEqual(0);
    expect(error).toBeGreaterThan(start);
    expect(error).toBeLessThan(end);
    expect(lines.filter((line) => line.startsWith('::error::'))).toHaveLength(1);
  });
});
