// The one catalogue of the errors `rinha` reports to its users: each has a code the CLI prints
// and tests match on, and a meaning (docs/ERRORS.md is checked against this table). Broken
// invariants of our own code are assertions (node:assert), not entries here.

export const ERROR_CODES = {
  UNKNOWN_SYSTEM: 'no system has the id given (2024 and 2025 exist)',
  UNKNOWN_SCENARIO: 'the bench scenario named does not exist',
  INVALID_OPTION: 'an option has a bad value, or options contradict each other',
  OPTION_NOT_FOR_SYSTEM: 'an option was given to a system that has no such option',
  BINARY_MISSING: 'a program the stack needs (nginx, redis-server, PostgreSQL) is not installed',
  PORT_IN_USE: 'a fixed port of the stack is already taken (another stack still running?)',
  NOT_READY: 'a service did not become ready within its start-up deadline',
  SERVICE_EXITED: 'a service exited while the stack was starting',
  SETUP_FAILED: 'preparing a service failed (initdb, creating the database, its user)',
  ABORTED: 'start-up was interrupted by a signal; what had started was stopped',
  DEPLOY_STALE: 'the committed deployment files differ from what the topology generates',
  STORE_UNAVAILABLE: 'a store (PostgreSQL, Redis) did not answer',
  STORE_FULL: 'a bounded store is full',
  INVALID_SCHEDULE: 'a bench schedule file is not valid',
  INVALID_TARGET: 'a bench target or processor URL is not a plain http:// URL',
  BENCH_SETUP_FAILED: 'the bench could not prepare the processors or the backend',
  GENERATOR_FAILED: 'the load generator itself failed (a VU thread died)',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class RinhaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RinhaError';
  }
}

/** Whether `err` is a RinhaError with this code (tests and callers branch on codes, not text). */
export function hasCode(err: unknown, code: ErrorCode): boolean {
  return err instanceof RinhaError && err.code === code;
}
