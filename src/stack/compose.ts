// The docker-compose files of both systems, built as data and written with a YAML library (no
// string concatenation): the pieces every system shares — resource limits, the nginx service,
// an API service of the one image, Redis — are here; each system's deploy.ts puts them together.
import { stringify } from 'yaml';
import type { Limits } from './cgroups.js';
import { rinhaContainerCommand } from './node.js';
import { redisServerArgs } from './redis.js';

/** A compose service, as far as our files use one. */
export interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile: string };
  readonly user?: string;
  readonly command?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly volumes?: readonly string[];
  readonly ports?: readonly string[];
  readonly depends_on?:
    readonly string[] | Readonly<Record<string, { readonly condition: string }>>;
  readonly networks?: readonly string[];
  readonly healthcheck?: Readonly<Record<string, unknown>>;
  readonly deploy: {
    readonly resources: { readonly limits: { readonly cpus: string; readonly memory: string } };
  };
}

export interface ComposeFile {
  /** Comment lines at the top (without '#'). */
  readonly header: readonly string[];
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly networks?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly volumes: readonly string[];
}

/** Where the APIs' public sockets live in the containers (shared with nginx). */
export const PUBLIC_SOCKETS_DIR = '/run/rinha';
/** Sockets nginx must not reach (instance to instance, Redis): a volume it does not mount. */
export const PRIVATE_SOCKETS_DIR = '/run/rinha-private';
/** The API image's unprivileged user (deploy/Dockerfile); Redis runs as the same one. */
export const IMAGE_USER = '1000:1000';

export function deployLimits(l: Limits): ComposeService['deploy'] {
  return { resources: { limits: { cpus: String(l.cpus), memory: `${l.memoryMB}MB` } } };
}

export function nginxService(o: {
  readonly port: number;
  readonly apis: readonly string[];
  readonly limits: Limits;
  readonly networks?: readonly string[];
}): ComposeService {
  return {
    image: 'nginx:1.27-alpine',
    volumes: ['./nginx.conf:/etc/nginx/nginx.conf:ro', `sockets:${PUBLIC_SOCKETS_DIR}`],
    ports: [`${o.port}:${o.port}`],
    depends_on: o.apis,
    ...(o.networks ? { networks: o.networks } : {}),
    deploy: deployLimits(o.limits),
  };
}

/** An API instance of the one image (deploy/Dockerfile), `rinha serve <system>` with env options. */
export function apiService(o: {
  readonly system: string;
  readonly limits: Limits;
  readonly v8Flags?: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly volumes: readonly string[];
  readonly dependsOn?: ComposeService['depends_on'];
  readonly networks?: readonly string[];
}): ComposeService {
  return {
    build: { context: '../..', dockerfile: 'deploy/Dockerfile' },
    image: 'rinha-ts/app:latest',
    command: rinhaContainerCommand(o.limits, ['serve', o.system], o.v8Flags),
    environment: o.environment,
    volumes: o.volumes,
    ...(o.dependsOn ? { depends_on: o.dependsOn } : {}),
    ...(o.networks ? { networks: o.networks } : {}),
    deploy: deployLimits(o.limits),
  };
}

/** Redis on a socket in the private volume, as the APIs' user (no persistence: no data dir). */
export function redisService(o: {
  readonly socket: string;
  readonly limits: Limits;
  readonly networks?: readonly string[];
}): ComposeService {
  return {
    image: 'redis:7-alpine',
    user: IMAGE_USER,
    command: ['redis-server', ...redisServerArgs(o.socket, o.limits)],
    volumes: [`private:${PRIVATE_SOCKETS_DIR}`],
    ...(o.networks ? { networks: o.networks } : {}),
    deploy: deployLimits(o.limits),
  };
}

export function renderCompose(f: ComposeFile): string {
  const doc = {
    services: f.services,
    ...(f.networks ? { networks: f.networks } : {}),
    volumes: Object.fromEntries(f.volumes.map((v) => [v, null])),
  };
  const header = f.header.map((l) => `# ${l}`).join('\n');
  // YAML 1.1: what docker-compose reads (`no`, `9999:9999` must be quoted there).
  return `${header}\n${stringify(doc, { lineWidth: 0, nullStr: '', version: '1.1' })}`;
}
