// What every result records about where it came from, so a figure can be traced to the code and
// machine that produced it: the commit (and whether the tree had uncommitted changes), Node, the
// machine, and the stack under test when it announced itself.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { PROJECT_ROOT } from '../../paths.js';

export interface RunMeta {
  readonly commit: string | null;
  /** Uncommitted changes in the tree that ran (the figure is then not exactly the commit's). */
  readonly dirty: boolean | null;
  readonly node: string;
  readonly machine: {
    readonly cpus: number;
    readonly model: string;
    readonly memoryGiB: number;
    readonly kernel: string;
  };
}

function git(args: string[]): string | null {
  const r = spawnSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function runMeta(): RunMeta {
  const commit = git(['rev-parse', 'HEAD']);
  const status = commit === null ? null : git(['status', '--porcelain', '--untracked-files=no']);
  const cpus = os.cpus();
  return {
    commit,
    dirty: status === null ? null : status.length > 0,
    node: process.version,
    machine: {
      cpus: cpus.length,
      model: cpus[0]?.model ?? 'unknown',
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      kernel: os.release(),
    },
  };
}
