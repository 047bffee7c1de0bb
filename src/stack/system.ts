// The contract every system of the project fulfils, so the CLI, the runner and the deploy
// generator treat them alike: a system is a folder (src/<system>/) exporting one of these, and
// one line in src/systems.ts. Crébito and Payments are the two implementations.
import type { Option, OptionValues } from 'commander';
import type { ListenTarget } from '../http/listen.js';
import type { BalancerChoice } from './load-balancer.js';
import type { Stack } from './stack.js';
import type { Topology } from './topology.js';

/** What every `rinha up <system>` takes. */
export interface CommonUpOptions {
  readonly port: number;
  readonly runDir?: string;
  readonly limits: boolean;
  readonly balancer: BalancerChoice;
  /** API instances answer canned responses: the latency floor of the topology. */
  readonly canned: boolean;
  /** One of the system's `stores` (its first when not given). */
  readonly store: string;
  readonly signal: AbortSignal;
}

/** A started topology. */
export interface UpStack {
  readonly stack: Stack;
  readonly runDir: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** What every `rinha serve <system>` takes. */
export interface CommonServeOptions {
  readonly target: ListenTarget;
  readonly canned: boolean;
  readonly log: (m: string) => void;
}

export interface RunningInstance {
  /** One line for the log: what listens where. */
  readonly description: string;
  close(): Promise<void>;
}

export interface SystemDefinition {
  /** How the CLI names it: `rinha up 2024`. */
  readonly id: string;
  readonly title: string;
  readonly topology: Topology;
  /** Stores `rinha up` offers, the default first. */
  readonly stores: readonly string[];
  /** Options of `rinha up <id>` beyond the common ones (their help says which system). */
  upOptions(): Option[];
  /** Options of `rinha serve <id>` beyond --socket/--port/--canned (each reads an env variable). */
  serveOptions(): Option[];
  /** `own` holds the values of upOptions() (parsed by commander, checked by the system). */
  up(common: CommonUpOptions, own: OptionValues): Promise<UpStack>;
  serve(common: CommonServeOptions, own: OptionValues): Promise<RunningInstance>;
  /** Generated deployment files, by path relative to the project root. */
  deployFiles(): Record<string, string>;
}
