import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';

/** Where the running workflow's file is, from the runner's environment. */
export interface WorkflowContext {
  /** GITHUB_REPOSITORY: owner/repo running the workflow. */
  readonly repository: string | undefined;
  /** GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/file.yml@ref. */
  readonly workflowRef: string | undefined;
  /** GITHUB_WORKSPACE: where actions/checkout put the repository. */
  readonly workspace: string | undefined;
}

export function workflowContext(env: NodeJS.ProcessEnv = process.env): WorkflowContext {
  return {
    repository: env['GITHUB_REPOSITORY'],
    workflowRef: env['GITHUB_WORKFLOW_REF'],
    workspace: env['GITHUB_WORKSPACE']
  };
}

/** The secret names in `cloudflare-api-token: ${{ secrets.NAME }}` lines of a workflow file. */
export function tokenSecretNames(text: string): string[] {
  const pattern = /^\s*cloudflare-api-token\s*:\s*['"]?\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/gm;
  return [...new Set([...text.matchAll(pattern)].map((match) => (match[1] as string).toUpperCase()))];
}

/**
 * The secrets the running workflow passes as cloudflare-api-token, read from its file in the workspace (after
 * actions/checkout of the same repository); empty when the file is not there, or is another repository's
 * (a reusable workflow called from elsewhere).
 */
export function runningWorkflowTokenSecrets(context: WorkflowContext = workflowContext()): string[] {
  const { repository, workflowRef, workspace } = context;
  if (!repository || !workflowRef || !workspace) return [];
  const prefix = `${repository}/`;
  if (!workflowRef.toLowerCase().startsWith(prefix.toLowerCase())) return [];
  const path = normalize(workflowRef.slice(prefix.length).replace(/@.*$/, ''));
  if (!path.startsWith('.github/workflows/')) return [];
  const file = join(workspace, path);
  try {
    return existsSync(file) ? tokenSecretNames(readFileSync(file, 'utf8')) : [];
  } catch {
    return [];
  }
}
