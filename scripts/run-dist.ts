// Runs the built action (dist/index.js) as a separate process, the way the GitHub runner does: inputs as
// INPUT_* variables, outputs and the job summary as files. Used by `npm start`, the end-to-end tests, the
// fault-injection suite and the benchmark.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST_ENTRY = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js');

export interface DistRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly durationMs: number;
}

export interface DistRunOptions {
  readonly inputs: Record<string, string>;
  /** Extra environment (e.g. GITHUB_REPOSITORY, timing knobs). */
  readonly env?: Record<string, string>;
  /** Called with the child process once started, e.g. to kill it at a chosen moment. */
  readonly onStart?: (child: ReturnType<typeof spawn>) => void;
  readonly timeoutMs?: number;
  /** Another copy of the bundle's entry (default dist/index.js). */
  readonly entry?: string;
}

/** Parses the GITHUB_OUTPUT file format (`name<<DELIMITER` … `DELIMITER`). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const header = /^([^<]+)<<(.+)$/.exec(lines[index] ?? '');
    if (!header) continue;
    const name = header[1] as string;
    const delimiter = header[2] as string;
    const value: string[] = [];
    while (++index < lines.length && lines[index] !== delimiter) value.push(lines[index] ?? '');
    outputs[name] = value.join('\n');
  }
  return outputs;
}

/** Only what a runner shows: `::add-mask::` commands are consumed by the runner and never printed. */
export function visibleLog(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

/** The runner's view of an input name: INPUT_ + upper case, spaces as underscores (dashes stay). */
function inputVariables(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value])
  );
}

export async function runDist(options: DistRunOptions): Promise<DistRun> {
  const dir = mkdtempSync(join(tmpdir(), 'rotator-run-'));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  // A clean environment: nothing of this process's INPUT_* or GitHub variables leaks into the run.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('INPUT_') && !key.startsWith('GITHUB_'))
  );
  const started = performance.now();
  const child = spawn(process.execPath, [options.entry ?? DIST_ENTRY], {
    env: {
      ...base,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      ...options.env,
      ...inputVariables(options.inputs)
    },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  options.onStart?.(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.on('close', (code, sig) => done([code, sig]))
  );
  clearTimeout(timer);
  const run: DistRun = {
    exitCode,
    signal,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    durationMs: performance.now() - started
  };
  rmSync(dir, { recursive: true, force: true });
  return run;
}
