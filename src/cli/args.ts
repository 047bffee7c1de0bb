// Argument parsers shared by the subcommands: clear errors for bad values.
import { InvalidArgumentError, Option } from 'commander';

export function intArg(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

export function choice<T extends string>(
  name: string,
  values: readonly T[],
  defaultValue?: T,
): Option {
  const o = new Option(`--${name} <${name}>`).choices(values as T[]);
  return defaultValue === undefined ? o : o.default(defaultValue);
}
