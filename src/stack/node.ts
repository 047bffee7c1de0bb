// How every Node service of a stack is started, locally and in the compose files: the V8 heap
// ceiling from its memory limit and the system's own V8 flags, all on the command line
// (NODE_OPTIONS refuses some V8 flags, e.g. --min-semi-space-size).
import { projectPath } from '../paths.js';
import type { Limits } from './cgroups.js';

/** The `rinha` entry point, locally. */
export const RINHA_BIN = projectPath('bin', 'rinha.js');
/** The same inside the API image (deploy/Dockerfile's WORKDIR is /app). */
export const IMAGE_RINHA_BIN = 'bin/rinha.js';

/** Share of a Node service's memory limit given to the V8 heap: the rest is code and buffers. */
const HEAP_SHARE = 0.6;
const MIN_HEAP_MB = 16;

export function nodeHeapMB(limits: Limits): number {
  return Math.max(MIN_HEAP_MB, Math.floor(limits.memoryMB * HEAP_SHARE));
}

export function nodeFlags(limits: Limits, v8Flags: readonly string[] = []): string[] {
  return [...v8Flags, `--max-old-space-size=${nodeHeapMB(limits)}`];
}

/** `node <flags> bin/rinha.js <args>` for a local service. */
export function rinhaProcess(
  limits: Limits,
  args: readonly string[],
  v8Flags: readonly string[] = [],
): { command: string; args: string[] } {
  return { command: process.execPath, args: [...nodeFlags(limits, v8Flags), RINHA_BIN, ...args] };
}

/** The same command line inside the container. */
export function rinhaContainerCommand(
  limits: Limits,
  args: readonly string[],
  v8Flags: readonly string[] = [],
): string[] {
  return ['node', ...nodeFlags(limits, v8Flags), IMAGE_RINHA_BIN, ...args];
}
