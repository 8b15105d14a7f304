import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { setInputs } from './inputs.js';

export interface ActionRun {
  outputs: Record<string, string>;
  stdout: string;
  summary: string;
  failed: boolean;
}

/** Parses the GITHUB_OUTPUT file format (`name<<DELIMITER` … `DELIMITER`). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const header = /^([^<]+)<<(.+)$/.exec(lines[index] as string);
    if (!header) continue;
    const [, name, delimiter] = header as unknown as [string, string, string];
    const value: string[] = [];
    while (++index < lines.length && lines[index] !== delimiter) value.push(lines[index] as string);
    outputs[name] = value.join('\n');
  }
  return outputs;
}

/** Runs the action's run() in this process the way the runner would, capturing everything it prints. */
// @actions/core caches the summary path on first use, so every run in this process shares the same files.
const dir = mkdtempSync(join(tmpdir(), 'rotator-'));
const outputFile = join(dir, 'output');
const summaryFile = join(dir, 'summary');

/** What the runner shows of stdout: `::add-mask::` commands are consumed by the runner, never printed. */
export function visibleLog(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

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
