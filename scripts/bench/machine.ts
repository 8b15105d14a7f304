// One line on where the benchmark ran: Node, cores, load, and the commit (marked when src/ or dist/ differ).

import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';

export function machine(): string {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'dist', 'src'], {
      encoding: 'utf8'
    }).trim();
    if (dirty) commit += ' (src/ or dist/ modified)';
  } catch {
    // Not a git checkout: the commit stays unknown.
  }
  return `Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), load average ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}, commit ${commit}`;
}
