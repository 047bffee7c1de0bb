// The report folder: reports/<date>-<scenario>/ with result.json and report.html.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function reportDir(base: string, scenario: string, date = new Date()): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return path.resolve(base, `${stamp}-${scenario}`);
}

export function writeReport(dir: string, result: unknown, html: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(path.join(dir, 'report.html'), html);
}
