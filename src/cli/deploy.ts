// `rinha deploy <system>`: (re)write the deployment files from the topology, or --check them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { crebitoDeployFiles } from '../crebito/deploy.js';
import { paymentsDeployFiles } from '../payments/deploy.js';
import { projectPath } from '../paths.js';

export function deployFiles(system: string): Record<string, string> {
  if (system === '2024') return crebitoDeployFiles();
  if (system === '2025') return paymentsDeployFiles();
  throw new Error(`unknown system "${system}" (available: 2024, 2025)`);
}

/** Files whose committed content differs from the generated one. */
export function staleDeployFiles(system: string): string[] {
  return Object.entries(deployFiles(system))
    .filter(([rel, content]) => {
      try {
        return readFileSync(projectPath(rel), 'utf8') !== content;
      } catch {
        return true;
      }
    })
    .map(([rel]) => rel);
}

export function registerDeploy(program: Command): void {
  program
    .command('deploy')
    .description(
      'write deploy/<system>/ (docker-compose.yml, nginx.conf, and init.sql for 2024) from the topology',
    )
    .argument('<system>', 'which system: 2024 or 2025')
    .option('--check', 'do not write; fail if the committed files are out of date')
    .action((system: string, o: { check?: boolean }) => {
      if (o.check) {
        const stale = staleDeployFiles(system);
        if (stale.length > 0)
          throw new Error(`out of date (run \`rinha deploy ${system}\`): ${stale.join(', ')}`);
        console.log(`deploy/${system} is up to date`);
        return;
      }
      for (const [rel, content] of Object.entries(deployFiles(system))) {
        const file = projectPath(rel);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, content);
        console.log(`wrote ${rel}`);
      }
    });
}
