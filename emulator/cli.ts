// node emulator/cli.ts [--port N] [--host H] [--fixture file.json] [--contract-check [--strict-contracts]] [--profile rich|minimal] [--json]
// Starts the emulator (with the demo fixture unless one is given), prints its URLs, runs until SIGINT/SIGTERM.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator } from './server.ts';

const DEMO_FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'demo.json');

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    fixture: { type: 'string', default: DEMO_FIXTURE },
    'contract-check': { type: 'boolean', default: false },
    'strict-contracts': { type: 'boolean', default: false },
    profile: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false }
  }
});

if (values.help) {
  console.log(
    'usage: node emulator/cli.ts [--port N] [--host H] [--fixture file.json] [--contract-check [--strict-contracts]] [--profile rich|minimal] [--json]'
  );
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got ${values.port}`);
  process.exit(2);
}

if (values.profile !== undefined && values.profile !== 'rich' && values.profile !== 'minimal') {
  console.error(`--profile must be rich or minimal, got ${values.profile}`);
  process.exit(2);
}

const emulator = await startEmulator({
  port,
  host: values.host,
  fixture: values.fixture,
  contractCheck: values['strict-contracts'] ? 'strict' : values['contract-check']
});

// The response profile (rich: every field the docs show; minimal: only the declared ones) wins over the fixture's.
if (values.profile === 'rich' || values.profile === 'minimal') emulator.cloudflare.profile = values.profile;

const urls = {
  url: emulator.url,
  cloudflareApiUrl: emulator.cloudflareApiUrl,
  githubApiUrl: emulator.githubApiUrl,
  accessAppUrl: emulator.accessAppUrl,
  controlUrl: emulator.controlUrl,
  contractCheck: emulator.contractCheck,
  profile: emulator.cloudflare.profile
};
if (values.json) {
  // One line a parent process can parse to find the ephemeral port.
  console.log(JSON.stringify(urls));
} else {
  console.log(`emulator listening on ${emulator.url} (fixture: ${values.fixture})`);
  console.log(`  Cloudflare API  ${urls.cloudflareApiUrl}`);
  console.log(`  GitHub API      ${urls.githubApiUrl}`);
  console.log(`  Access app      ${urls.accessAppUrl}`);
  console.log(`  control         ${urls.controlUrl}`);
  console.log(`  contract check  ${urls.contractCheck}`);
  console.log(`  profile         ${urls.profile}`);
}

const shutdown = (signal: string) => {
  console.log(`${signal}: stopping the emulator`);
  emulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    }
  );
};
process.once('SIGINT', () => shutdown('SIGINT'));
process.once('SIGTERM', () => shutdown('SIGTERM'));
