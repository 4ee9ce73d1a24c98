/**
 * Where is the engine? The same answer the docker CLI gives: --host, then --context, then DOCKER_HOST, then
 * DOCKER_CONTEXT, then `currentContext` of the CLI config, then the default socket.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
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
  return {
    host: DEFAULT_HOST,
    context: contextName === 'default' ? 'default' : null,
    tls: null,
    configDir,
    pinnedApiVersion,
    env,
  };
}
