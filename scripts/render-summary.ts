// `node scripts/render-summary.ts`: the pictures in the README's "What a run shows". Runs the demo scenario of
// `npm start` (emulator with the demo fixture, the built dist/index.js run the way the runner runs it), then
// writes what the third run (mode rotate, with verify-url) leaves behind:
//   docs/job-summary.html  its job summary, in a page styled like GitHub's summary view;
//   docs/job-log.txt       its log as the runner receives it, with the ::group:: lines of the Actions UI;
//   docs/job-summary.png   a screenshot of the page by headless Chromium (set CHROMIUM to its path; skipped
//                          with a note when no Chromium is found).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { startEmulator, type Emulator } from '../emulator/server.ts';
import { DIST_ENTRY, runDist, visibleLog, type DistRun } from './run-dist.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOCS = join(ROOT, 'docs');
const FIXTURE = join(ROOT, 'emulator', 'fixtures', 'demo.json');
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const TARGETS = ['octo-org/web', 'octo-org/web@production', 'octo-org/api'];
/** CSS pixels; the PNG is twice as large (device scale factor 2) so that it stays sharp on GitHub. */
const WIDTH = 960;

function inputs(emulator: Emulator, extra: Record<string, string>): Record<string, string> {
  return {
    'cloudflare-api-token': 'cf-demo-token',
    'github-token': 'gh-demo-token',
    'account-id': ACCOUNT,
    'token-name': 'demo-service',
    // The fixture's Access application admits a service token only through this reusable policy.
    'access-policy-id': '4f2a6c1e-9b3d-4e8a-a1c7-2d5e8f0b3a91',
    targets: TARGETS.join('\n'),
    'cloudflare-api-url': emulator.cloudflareApiUrl,
    'github-api-url': emulator.githubApiUrl,
    ...extra
  };
}

function expect(run: DistRun, what: string, result: string): void {
  if (run.exitCode === 0 && run.outputs.result === result) return;
  console.error(visibleLog(run.stdout), run.stderr);
  throw new Error(
    `${what}: exit code ${run.exitCode}, result '${run.outputs.result ?? '-'}', expected '${result}'`
  );
}

/** The demo scenario: create, nothing to do, rotate (tested at the emulated Access application). */
async function rotationRun(): Promise<DistRun> {
  const emulator = await startEmulator({ fixture: FIXTURE });
  try {
    const env = { GITHUB_REPOSITORY: 'octo-org/web', ROTATOR_WRITE_INTERVAL_MS: '100' };
    expect(await runDist({ inputs: inputs(emulator, { mode: 'auto' }), env }), 'first run', 'created');
    expect(await runDist({ inputs: inputs(emulator, { mode: 'auto' }), env }), 'second run', 'unchanged');
    const rotated = await runDist({
      inputs: inputs(emulator, { mode: 'rotate', 'verify-url': emulator.accessAppUrl }),
      env
    });
    expect(rotated, 'third run', 'rotated');
    return rotated;
  } finally {
    await emulator.close();
  }
}

/** What the Actions UI shows of a log: no masking commands and, without debug logging, no debug lines. */
function shownLog(stdout: string): string {
  return visibleLog(stdout)
    .split('\n')
    .filter((line) => !line.startsWith('::debug::'))
    .join('\n')
    .trim();
}

// Close to GitHub's rendering of a job summary (primer's markdown-body, light theme).
const STYLE = `
  body { margin: 0; padding: 24px; background: #f6f8fa; color: #1f2328;
    font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif,
      "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; }
  .box { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; overflow: hidden; }
  .box > header { padding: 12px 16px; border-bottom: 1px solid #d1d9e0; font-weight: 600; font-size: 14px; }
  .box > header span { color: #59636e; font-weight: 400; }
  .markdown-body { padding: 8px 24px 24px; }
  .markdown-body h2, .markdown-body h3 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
  .markdown-body h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
  .markdown-body h3 { font-size: 1.25em; }
  .markdown-body ul { margin: 0 0 16px; padding-left: 2em; }
  .markdown-body li + li { margin-top: .25em; }
  .markdown-body p { margin: 0 0 16px; }
  .markdown-body code { padding: .2em .4em; font-size: 85%; background: #818b981f; border-radius: 6px;
    font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
  .markdown-body table { border-collapse: collapse; border-spacing: 0; margin: 0 0 16px; display: block;
    width: max-content; max-width: 100%; overflow: auto; }
  .markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d1d9e0; }
  .markdown-body th { font-weight: 600; }
  .markdown-body tr { background: #fff; border-top: 1px solid #d1d9e0b3; }
  .markdown-body tr:nth-child(2n) { background: #f6f8fa; }
  .markdown-body > :last-child { margin-bottom: 0; }
`;

function page(summary: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Job summary of a rotation (Cloudflare Token Rotator)</title>
<!-- Generated by scripts/render-summary.ts: the job summary of a mode rotate run against the emulator. -->
<style>${STYLE}</style>
</head>
<body>
<section class="box">
<header>rotate <span>summary</span></header>
<div class="markdown-body">
${summary.trim()}
</div>
</section>
</body>
</html>
`;
}

function findChromium(): string | undefined {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
    if (found) return found;
  }
  return undefined;
}

function chromium(binary: string, args: string[]): string {
  const profile = mkdtempSync(join(tmpdir(), 'render-summary-'));
  try {
    const result = spawnSync(
      binary,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        ...args
      ],
      { encoding: 'utf8', timeout: 60_000 }
    );
    if (result.status !== 0) throw new Error(`${binary} failed: ${result.stderr}`);
    return result.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Measures the page height in a first pass (--dump-dom after a script wrote it), then screenshots it whole. */
function screenshot(binary: string, html: string, png: string): void {
  const probe = join(mkdtempSync(join(tmpdir(), 'render-summary-page-')), 'page.html');
  writeFileSync(
    probe,
    html.replace(
      '</body>',
      '<script>document.body.dataset.height = document.documentElement.scrollHeight;</script></body>'
    )
  );
  const dom = chromium(binary, [`--window-size=${WIDTH},600`, '--dump-dom', `file://${probe}`]);
  rmSync(dirname(probe), { recursive: true, force: true });
  const height = Number(/data-height="(\d+)"/.exec(dom)?.[1]);
  if (!height) throw new Error('could not measure the page height');
  const file = join(DOCS, 'job-summary.html');
  chromium(binary, [
    `--window-size=${WIDTH},${height}`,
    '--force-device-scale-factor=2',
    `--screenshot=${png}`,
    `file://${file}`
  ]);
}

async function main(): Promise<void> {
  if (!existsSync(DIST_ENTRY)) throw new Error('dist/index.js is missing: run `npm run build` first.');
  const run = await rotationRun();
  mkdirSync(DOCS, { recursive: true });
  // Formatted like every other file of the project, so that `npm run lint` passes on docs/ too.
  const file = join(DOCS, 'job-summary.html');
  const html = await format(page(run.summary), { ...(await resolveConfig(file)), parser: 'html' });
  writeFileSync(file, html);
  const log = shownLog(run.stdout);
  writeFileSync(join(DOCS, 'job-log.txt'), `${log}\n`);
  console.log(log);
  console.log('\nWrote docs/job-summary.html and docs/job-log.txt.');
  const binary = findChromium();
  if (!binary) {
    console.log('No Chromium found (set CHROMIUM=/path/to/chromium): docs/job-summary.png was not updated.');
    return;
  }
  const png = join(DOCS, 'job-summary.png');
  screenshot(binary, html, png);
  console.log(`Wrote docs/job-summary.png (${readFileSync(png).length} bytes).`);
}

await main();
