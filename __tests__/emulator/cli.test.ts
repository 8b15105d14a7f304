import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

describe('emulator CLI', () => {
  it('starts with the demo fixture on an ephemeral port, prints its URLs, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['emulator/cli.ts', '--json', '--contract-check'], {
      stdio: ['ignore', 'pipe', 'pipe']
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const urls = JSON.parse(line) as Record<string, string>;
      expect(urls['url']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(urls['cloudflareApiUrl']).toBe(`${urls['url']}/cloudflare/client/v4`);
      expect(urls['githubApiUrl']).toBe(`${urls['url']}/github`);

      const verify = await fetch(`${urls['cloudflareApiUrl']}/user/tokens/verify`, {
        headers: { authorization: 'Bearer cf-demo-token' }
      });
      expect(verify.status).toBe(200);
      const health = (await (await fetch(`${urls['controlUrl']}/health`)).json()) as Record<string, unknown>;
      expect(health).toEqual({ ok: true, contractCheck: urls['contractCheck'] });
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
