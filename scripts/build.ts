// `npm run build`: tsc (src/ → lib/), an esbuild pre-pass that tree-shakes and minifies the action into an
// entry and lazily loaded chunks (.tmp/prepass/, removed afterwards), then ncc, the final bundler, into dist/; dist/licenses.txt
// lists every package in the bundle (from the pre-pass's metafile). The same sources give the same dist/, byte
// for byte (CI rebuilds and compares). Why each step: README, "Dependencies and the bundle".

import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PREPASS = join(ROOT, '.tmp', 'prepass');
const DIST = join(ROOT, 'dist');

/**
 * Packages whose modules do nothing when loaded but define things: their imports that nothing uses are dropped.
 * @actions/core imports @actions/http-client (and so undici) for OIDC tokens, which the action never asks for.
 */
const SIDE_EFFECT_FREE = /^(@actions\/(core|http-client|exec|io)|undici|tunnel)(\/|$)/;

const sideEffectFree: Plugin = {
  name: 'side-effect-free',
  setup(setup) {
    setup.onResolve({ filter: SIDE_EFFECT_FREE }, async (args) => {
      if (args.pluginData === 'side-effect-free') return undefined;
      const found = await setup.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'side-effect-free'
      });
      return { ...found, sideEffects: false };
    });
  }
};

function run(command: string, args: readonly string[]): void {
  execFileSync(process.execPath, [join(ROOT, command), ...args], { cwd: ROOT, stdio: 'inherit' });
}

/** The pre-pass: ESM, split at each dynamic import(), minified; CommonJS inside may require Node's modules. */
async function prepass(): Promise<Metafile> {
  rmSync(PREPASS, { recursive: true, force: true });
  const result = await build({
    entryPoints: [join(ROOT, 'lib', 'index.js')],
    outdir: PREPASS,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    minify: true,
    treeShaking: true,
    legalComments: 'none',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: 'warning',
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    plugins: [sideEffectFree]
  });
  return result.metafile;
}

interface PackageInfo {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly text: string;
}

const LICENSE_FILES = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENSE-MIT', 'LICENCE'];

function packageInfo(dir: string): PackageInfo {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  let text = '';
  for (const file of LICENSE_FILES) {
    try {
      text = readFileSync(join(dir, file), 'utf8').trim();
      break;
    } catch {
      // Not this name: try the next.
    }
  }
  return {
    name: String(manifest['name']),
    version: String(manifest['version']),
    license: typeof manifest['license'] === 'string' ? manifest['license'] : 'UNKNOWN',
    text
  };
}

/** Every package with code in an output file, by name, as ncc's --license file lists them. */
function licenses(metafile: Metafile): string {
  const dirs = new Set<string>();
  for (const output of Object.values(metafile.outputs))
    for (const [input, used] of Object.entries(output.inputs)) {
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match?.[1] && used.bytesInOutput > 0) dirs.add(resolve(ROOT, match[1]));
    }
  const packages = [...dirs].map(packageInfo).sort((a, b) => a.name.localeCompare(b.name, 'en'));
  return `${packages.map((info) => `${info.name}@${info.version}\n${info.license}\n${info.text}`).join('\n\n')}\n`;
}

run('node_modules/typescript-native/bin/tsc', ['-p', 'tsconfig.build.json']);
const metafile = await prepass();
rmSync(DIST, { recursive: true, force: true });
run('node_modules/@vercel/ncc/dist/ncc/cli.js', ['build', join(PREPASS, 'index.js'), '-o', DIST, '--quiet']);
writeFileSync(join(DIST, 'licenses.txt'), licenses(metafile));
rmSync(PREPASS, { recursive: true, force: true });
