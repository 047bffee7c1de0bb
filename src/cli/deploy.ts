// `rinha deploy <system>`: (re)write the deployment files from the topology, or --check them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { RinhaError } from '../errors.js';
import { projectPath } from '../paths.js';
import { findSystem, SYSTEMS } from '../systems.js';

export function deployFiles(system: string): Record<string, string> {
  return findSystem(system).deployFiles();
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
      'write deploy/<system>/ (docker-compose files, nginx.conf, init.sql for 2024) from the topology',
    )
    .argument('<system>', `which system: ${SYSTEMS.map((s) => s.id).join(', ')}`)
    .option('--check', 'do not write; fail if the committed files are out of date')
    .action((system: string, o: { check?: boolean }) => {
      if (o.check) {
        const stale = staleDeployFiles(system);
        if (stale.length > 0)
          throw new RinhaError(
            'DEPLOY_STALE',
            `out of date (run \`rinha deploy ${system}\`): ${stale.join(', ')}`,
          );
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
