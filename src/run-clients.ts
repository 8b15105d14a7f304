import { createCloudflareClient, type CloudflareClient } from './cloudflare/client.js';
import { createOctokit, type GitHubClient } from './github/octokit.js';
import type { CommonSettings } from './settings/settings.js';

/**
 * The API clients of one run, shared by every credential it manages (one, or each entry of a `config` file):
 * one Octokit, whose throttling is the run's only write pacer, so writes never overlap and stay apart across
 * entries; one Cloudflare client for cloudflare-api-token.
 */
export interface RunClients {
  readonly github: GitHubClient;
  readonly cloudflare: CloudflareClient;
  /** A client for a token value: the shared one for cloudflare-api-token, a new one for any other value. */
  connect(apiToken: string): CloudflareClient;
}

type ClientSettings = Pick<
  CommonSettings,
  'githubToken' | 'githubApiUrl' | 'cloudflareApiToken' | 'cloudflareApiUrl' | 'timing'
>;

export function createRunClients(settings: ClientSettings): RunClients {
  const build = (apiToken: string) =>
    createCloudflareClient({
      apiToken,
      baseUrl: settings.cloudflareApiUrl,
      timeoutMs: settings.timing.requestTimeoutMs
    });
  const cloudflare = build(settings.cloudflareApiToken);
  return {
    github: createOctokit({
      token: settings.githubToken,
      baseUrl: settings.githubApiUrl,
      timing: settings.timing
    }),
    cloudflare,
    connect: (apiToken) => (apiToken === settings.cloudflareApiToken ? cloudflare : build(apiToken))
  };
}
