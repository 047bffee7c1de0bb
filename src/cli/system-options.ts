// `rinha up` and `rinha serve` carry every system's options; the chosen system may only be given
// its own and the common ones.
import type { Command, Option } from 'commander';
import { RinhaError } from '../errors.js';
import type { SystemDefinition } from '../stack/system.js';
import { SYSTEMS } from '../systems.js';

export function refuseForeignOptions(
  cmd: Command,
  system: SystemDefinition,
  common: readonly string[],
  own: readonly Option[],
): void {
  const allowed = new Set([...common, ...own.map((o) => o.attributeName())]);
  for (const key of Object.keys(cmd.opts())) {
    const source = cmd.getOptionValueSource(key);
    if (source !== 'cli' || allowed.has(key)) continue;
    const owner = SYSTEMS.find(
      (s) =>
        s !== system &&
        [...s.upOptions(), ...s.serveOptions()].some((o) => o.attributeName() === key),
    );
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new RinhaError(
      'OPTION_NOT_FOR_SYSTEM',
      `${flag} is ${owner === undefined ? 'not an option of' : `a ${owner.id} option, not one of`} ${system.id}`,
    );
  }
}
