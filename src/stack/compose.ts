// Pieces of docker-compose.yml shared by the systems' deploy generators.
import type { Limits } from './cgroups.js';

export function limitsYaml(l: Limits): string[] {
  return [
    '    deploy:',
    '      resources:',
    '        limits:',
    `          cpus: "${l.cpus}"`,
    `          memory: "${l.memoryMB}MB"`,
  ];
}

/** The nginx service: its config, the shared socket volume, the public port. */
export function lbServiceYaml(o: {
  port: number;
  apis: readonly string[];
  socketsDir: string;
  limits: Limits;
  networks?: readonly string[];
}): string[] {
  return [
    '  lb:',
    '    image: nginx:1.27-alpine',
    '    volumes:',
    '      - ./nginx.conf:/etc/nginx/nginx.conf:ro',
    `      - sockets:${o.socketsDir}`,
    '    ports:',
    `      - "${o.port}:${o.port}"`,
    '    depends_on:',
    ...o.apis.map((a) => `      - ${a}`),
    ...(o.networks ? ['    networks:', ...o.networks.map((n) => `      - ${n}`)] : []),
    ...limitsYaml(o.limits),
  ];
}

/** The build/image lines of an API service (one image for both systems). */
export function apiImageYaml(system: '2024' | '2025', nodeFlags: readonly string[] = []): string[] {
  const command = ['node', ...nodeFlags, 'bin/rinha.js', 'serve', system]
    .map((a) => JSON.stringify(a))
    .join(', ');
  return [
    '    build:',
    '      context: ../..',
    '      dockerfile: deploy/Dockerfile',
    '    image: rinha-ts/app:latest',
    `    command: [${command}]`,
  ];
}
