import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { setInputs } from './inputs.js';
import { parseOutputFile } from '../../scripts/run-dist.ts';

export { visibleLog } from '../../scripts/run-dist.ts';

export interface ActionRun {
  outputs: Record<string, string>;
  stdout: string;
  summary: string;
  failed: boolean;
}

// @actions/core caches the summary path on first use, so every run in this process shares the same files.
const dir = mkdtempSync(join(tmpdir(), 'rotator-'));
const outputFile = join(dir, 'output');
const summaryFile = join(dir, 'summary');

export async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<ActionRun> {
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  setInputs(inputs);
  const saved = { ...process.env };
  Object.assign(process.env, {
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: 'octo/web',
    ROTATOR_WRITE_INTERVAL_MS: '0',
    ROTATOR_RETRY_BASE_MS: '1',
    ROTATOR_VERIFY_TIMEOUT_MS: '50',
    ...env
  });
  const chunks: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    const { run } = await import('../../src/main.js');
    await run();
  } finally {
    write.mockRestore();
    process.env = saved;
  }
  const failed = process.exitCode === 1;
  process.exitCode = undefined;
  return {
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    stdout: chunks.join(''),
    summary: readFileSync(summaryFile, 'utf8'),
    failed
  };
}
