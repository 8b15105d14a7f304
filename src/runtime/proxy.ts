import { ProxySupportError } from '../errors.js';

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/** The proxy variable set in env, if any (NO_PROXY alone routes nothing through a proxy). */
export function proxyVariable(env: NodeJS.ProcessEnv): string | undefined {
  return PROXY_VARIABLES.find((name) => env[name]);
}

/**
 * Sends every request of the action (Cloudflare, GitHub, verify-url: all go through the global fetch) through
 * the proxy that HTTPS_PROXY / HTTP_PROXY name, except for the hosts in NO_PROXY, as self-hosted runners behind a
 * proxy need. Node's own proxy support does it (http.setGlobalProxyFromEnv, Node 24.14 and later; at start with
 * NODE_USE_ENV_PROXY=1). Without a proxy variable nothing is loaded or changed.
 */
export async function honourProxyVariables(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const variable = proxyVariable(env);
  if (!variable || env['NODE_USE_ENV_PROXY'] === '1') return;
  const http = await import('node:http');
  const setGlobalProxyFromEnv = (http as { setGlobalProxyFromEnv?: (env?: NodeJS.ProcessEnv) => unknown })
    .setGlobalProxyFromEnv;
  if (typeof setGlobalProxyFromEnv !== 'function')
    throw new ProxySupportError(
      `${variable} is set, but Node ${process.version} cannot send the action's requests through a proxy by itself.`,
      "Set NODE_USE_ENV_PROXY: 1 in the step's env (Node reads the proxy variables at start then), or use a runner with Node 24.14 or later."
    );
  setGlobalProxyFromEnv(env);
}
