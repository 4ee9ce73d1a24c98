/**
 * Where is the engine? The same answer the docker CLI gives: --host, then --context, then DOCKER_HOST, then
 * DOCKER_CONTEXT, then `currentContext` of the CLI config, then the default socket.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DockerError } from './errors.js';

export const DEFAULT_HOST = 'unix:///var/run/docker.sock';

export interface ConnectionRequest {
  /** `--host` */
  readonly host?: string | undefined;
  /** `--context` */
  readonly context?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface TlsFiles {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly verify: boolean;
  /** The folder the files are looked up in (DOCKER_CERT_PATH, ~/.docker or the context's TLS folder). */
  readonly dir: string;
}

export interface Connection {
  /** Normalised URL, e.g. `unix:///var/run/docker.sock`, `tcp://h:2376`. */
  readonly host: string;
  readonly context: string | null;
  readonly tls: TlsFiles | null;
  /** Where the docker CLI config lives (`DOCKER_CONFIG` or `~/.docker`). */
  readonly configDir: string;
  /** `DOCKER_API_VERSION`, if the user pinned one (the docker CLI then speaks exactly that version). */
  readonly pinnedApiVersion: string | null;
  /** The environment external helpers run with (the user's `ssh` for ssh:// hosts: SSH_AUTH_SOCK, PATH, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function dockerConfigDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

interface CliConfig {
  readonly currentContext?: string;
  readonly pruneFilters?: readonly string[];
}

export function readCliConfig(configDir: string): CliConfig {
  const file = join(configDir, 'config.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CliConfig;
  } catch (e) {
    throw new DockerError(
      'bad-request',
      `cannot read the docker CLI config ${file}: ${(e as Error).message}`,
      'fix the JSON in that file, or point DOCKER_CONFIG at another folder',
    );
  }
}

function contextHost(configDir: string, name: string): { host: string; tls: TlsFiles | null } {
  const id = createHash('sha256').update(name).digest('hex');
  const meta = join(configDir, 'contexts/meta', id, 'meta.json');
  if (!existsSync(meta)) {
    throw new DockerError(
      'unreachable',
      `docker context "${name}" not found (looked in ${join(configDir, 'contexts/meta')})`,
      'list contexts with `docker context ls`, or pass --host',
    );
  }
  const parsed = JSON.parse(readFileSync(meta, 'utf8')) as {
    Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
  };
  const endpoint = parsed.Endpoints?.docker;
  if (!endpoint?.Host) {
    throw new DockerError('unreachable', `docker context "${name}" has no docker endpoint`, 'pass --host instead');
  }
  const tlsDir = join(configDir, 'contexts/tls', id, 'docker');
  const tls = existsSync(tlsDir)
    ? {
        ca: optionalFile(join(tlsDir, 'ca.pem')),
        cert: optionalFile(join(tlsDir, 'cert.pem')),
        key: optionalFile(join(tlsDir, 'key.pem')),
        verify: !endpoint.SkipTLSVerify,
        dir: tlsDir,
      }
    : null;
  return { host: endpoint.Host, tls };
}

function optionalFile(path: string): string | undefined {
  return existsSync(path) ? path : undefined;
}

function envTls(env: Readonly<Record<string, string | undefined>>, configDir: string): TlsFiles | null {
  const verify = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '';
  const certPath = env.DOCKER_CERT_PATH || (verify ? configDir : undefined);
  if (!verify && !env.DOCKER_CERT_PATH) return null;
  const dir = certPath ?? configDir;
  return {
    ca: optionalFile(join(dir, 'ca.pem')),
    cert: optionalFile(join(dir, 'cert.pem')),
    key: optionalFile(join(dir, 'key.pem')),
    verify,
    dir,
  };
}

export function normaliseHost(host: string): string {
  if (host.startsWith('/')) return `unix://${host}`;
  if (/^[a-z]+:\/\//.test(host)) return host;
  return `tcp://${host}`;
}

export function resolveConnection(req: ConnectionRequest): Connection {
  const { env } = req;
  const configDir = dockerConfigDir(env);
  const pinnedApiVersion = env.DOCKER_API_VERSION || null;
  if (req.host && req.context) {
    throw new DockerError('bad-request', 'use --host or --context, not both', 'drop one of them');
  }
  if (req.host) {
    return {
      host: normaliseHost(req.host),
      context: null,
      tls: envTls(env, configDir),
      configDir,
      pinnedApiVersion,
      env,
    };
  }
  // The docker CLI's order (cli/command/cli.go resolveContextName): --context, then DOCKER_HOST, then
  // DOCKER_CONTEXT, then the config's currentContext.
  const contextName =
    req.context || (env.DOCKER_HOST ? '' : env.DOCKER_CONTEXT || readCliConfig(configDir).currentContext);
  if (!req.context && env.DOCKER_HOST) {
    return {
      host: normaliseHost(env.DOCKER_HOST),
      context: null,
      tls: envTls(env, configDir),
      configDir,
      pinnedApiVersion,
      env,
    };
  }
  if (contextName && contextName !== 'default') {
    const { host, tls } = contextHost(configDir, contextName);
    return { host: normaliseHost(host), context: contextName, tls, configDir, pinnedApiVersion, env };
  }
  // The default context is "the DOCKER_HOST based configuration" (docker/cli resolveDefaultDockerEndpoint): only
  // `--context default` gets here with DOCKER_HOST set.
  return {
    host: env.DOCKER_HOST ? normaliseHost(env.DOCKER_HOST) : DEFAULT_HOST,
    context: contextName === 'default' ? 'default' : null,
    tls: env.DOCKER_HOST ? envTls(env, configDir) : null,
    configDir,
    pinnedApiVersion,
    env,
  };
}

/** One docker context as `docker context ls` lists it. */
export interface ContextEntry {
  readonly name: string;
  /** The docker endpoint's host (`default`: DOCKER_HOST or the local socket); null when the context has none. */
  readonly host: string | null;
  readonly description: string;
  /** The context the docker CLI would use with no --context (DOCKER_CONTEXT, then currentContext, then default). */
  readonly current: boolean;
}

/**
 * Every docker context, read as the docker CLI reads them (`<config>/contexts/meta/<sha256 of name>/meta.json`),
 * plus `default`, sorted by name like `docker context ls`. A meta.json that cannot be read is listed with no host
 * (using it then says why).
 */
export function listContexts(env: Readonly<Record<string, string | undefined>>): ContextEntry[] {
  const configDir = dockerConfigDir(env);
  const current = env.DOCKER_CONTEXT || readCliConfig(configDir).currentContext || 'default';
  const metaDir = join(configDir, 'contexts/meta');
  const found: ContextEntry[] = [
    {
      name: 'default',
      host: env.DOCKER_HOST ? normaliseHost(env.DOCKER_HOST) : DEFAULT_HOST,
      description: 'Current DOCKER_HOST based configuration',
      current: current === 'default',
    },
  ];
  const ids = existsSync(metaDir) ? readdirSync(metaDir) : [];
  for (const id of ids) {
    const file = join(metaDir, id, 'meta.json');
    if (!existsSync(file)) continue;
    let meta: { Name?: unknown; Metadata?: { Description?: unknown }; Endpoints?: { docker?: { Host?: unknown } } };
    try {
      meta = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    const name = typeof meta.Name === 'string' ? meta.Name : null;
    // The folder is named by the hash of the name: anything else is not a context the CLI would find by that name.
    if (!name || name === 'default' || createHash('sha256').update(name).digest('hex') !== id) continue;
    const host = meta.Endpoints?.docker?.Host;
    const description = meta.Metadata?.Description;
    found.push({
      name,
      host: typeof host === 'string' && host !== '' ? normaliseHost(host) : null,
      description: typeof description === 'string' ? description : '',
      current: current === name,
    });
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
