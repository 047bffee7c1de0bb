// A running stack describes itself in a file named after its public port, so that another
// process — `rinha bench` — can find its services' cgroups and read their CPU, throttling and
// memory while it measures (docs: "read the runner's throttling figures before latency").
import { pidAlive } from './pids.js';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CgroupFiles, Limits } from './cgroups.js';

export interface StackDescriptor {
  /** The runner's pid: a descriptor whose runner is gone is stale. */
  readonly pid: number;
  readonly system: string;
  readonly port: number;
  readonly runDir: string;
  /** How the stack was asked for (`rinha up` options), for the bench report. */
  readonly variant: string;
  readonly services: readonly {
    readonly name: string;
    readonly limits: Limits;
    readonly limitsApplied: boolean;
    readonly files?: CgroupFiles;
  }[];
}

const DIR = path.join(os.tmpdir(), 'rinha-stacks');

export function descriptorFile(port: number): string {
  return path.join(DIR, `${port}.json`);
}

export function writeDescriptor(d: StackDescriptor): string {
  mkdirSync(DIR, { recursive: true, mode: 0o755 });
  const file = descriptorFile(d.port);
  writeFileSync(file, JSON.stringify(d, null, 2));
  return file;
}

export function removeDescriptor(port: number, pid: number): void {
  const d = readDescriptor(port);
  if (d?.pid === pid) rmSync(descriptorFile(port), { force: true });
}

/** The descriptor of the stack serving `port`, or undefined (none, unreadable, or stale). */
export function readDescriptor(port: number): StackDescriptor | undefined {
  const file = descriptorFile(port);
  if (!existsSync(file)) return undefined;
  try {
    const d = JSON.parse(readFileSync(file, 'utf8')) as StackDescriptor;
    return pidAlive(d.pid) ? d : undefined;
  } catch {
    return undefined;
  }
}
