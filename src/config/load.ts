import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../errors.js';

/** A config file lists tens of credentials, not megabytes of them. */
const MAX_BYTES = 1_048_576;
const PATH_HINT =
  'Give a path relative to the repository checkout (GITHUB_WORKSPACE), such as .github/rotator.yml, and check out the repository before this step.';

function inside(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest !== '' && !rest.startsWith(`..${sep}`) && rest !== '..' && !isAbsolute(rest);
}

/** The file named by the `config` input: inside GITHUB_WORKSPACE (symbolic links included), read once. */
export function loadConfigText(path: string, env: NodeJS.ProcessEnv): string {
  const root = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const full = resolve(root, path);
  if (isAbsolute(path) || !inside(root, full)) {
    throw new ConfigError(`Input 'config': '${path}' is not a path inside the workspace.`, PATH_HINT);
  }
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    throw new ConfigError(`Input 'config': there is no file ${path} in the workspace.`, PATH_HINT);
  }
  if (!inside(realpathSync(root), real)) {
    throw new ConfigError(
      `Input 'config': ${path} links to a file outside the workspace.`,
      'Keep the config file itself in the repository, where it is reviewed.'
    );
  }
  const stat = statSync(real);
  if (!stat.isFile()) throw new ConfigError(`Input 'config': ${path} is not a file.`, PATH_HINT);
  if (stat.size > MAX_BYTES) {
    throw new ConfigError(
      `Input 'config': ${path} is ${stat.size} bytes, more than ${MAX_BYTES}.`,
      'Split the credentials over several files and steps.'
    );
  }
  return readFileSync(real, 'utf8');
}
