// Every system of the project, in one table: the CLI, the runner and the deploy generator
// iterate over it. A third system is one folder (src/<system>/ with a system.ts) and one line.
import { RinhaError } from './errors.js';
import { CREBITO_SYSTEM } from './crebito/system.js';
import { PAYMENTS_SYSTEM } from './payments/system.js';
import type { SystemDefinition } from './stack/system.js';

export const SYSTEMS: readonly SystemDefinition[] = [CREBITO_SYSTEM, PAYMENTS_SYSTEM];

export const SYSTEM_IDS = SYSTEMS.map((s) => s.id);

export function findSystem(id: string): SystemDefinition {
  const s = SYSTEMS.find((x) => x.id === id);
  if (s === undefined)
    throw new RinhaError(
      'UNKNOWN_SYSTEM',
      `unknown system "${id}" (available: ${SYSTEM_IDS.join(', ')})`,
    );
  return s;
}
