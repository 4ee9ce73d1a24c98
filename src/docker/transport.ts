/**
 * How dockerode reaches the engine of a Connection: a unix socket, tcp (with TLS as the docker CLI sets it up),
 * or ssh:// through the user's own ssh (ssh-transport.ts). Errors get their remedy here, where we still know
 * which certificate files were used.
 */
import { existsSync, readFileSync } from 'node:fs';
import Docker from 'dockerode';
import type { Connection, TlsFiles } from './connection.js';
import { DockerError, toDockerError } from './errors.js';
import { parseSshUrl } from './ssh.js';
import { SshAgent } from './ssh-transport.js';

export interface Transport {
  readonly docker: Docker;
  /** Maps a raw dockerode / node error to a DockerError with a remedy for this endpoint. */
  mapError(err: unknown): DockerError;
  /** Ends the shared ssh connection, if any. */
  close(): void;
  /** The ssh agent (ssh:// only), for tests and the bench. */
  readonly ssh: SshAgent | null;
}

/** The modem reads DOCKER_HOST, DOCKER_CERT_PATH, … itself (and crashes on a missing cert.pem): never let it. */
const MODEM_ENV = [
  'DOCKER_HOST',
  'DOCKER_TLS_VERIFY',
  'DOCKER_CERT_PATH',
  'DOCKER_CLIENT_TIMEOUT',
  'DOCKER_PATH_PREFIX',
];

function withoutDockerEnv<T>(make: () => T): T {
  const saved = new Map<string, string>();
  for (const k of MODEM_ENV) {
    const v = process.env[k];
    if (v !== undefined) saved.set(k, v);
    delete process.env[k];
  }
  try {
    return make();
  } finally {
    for (const [k, v] of saved) process.env[k] = v;
  }
}

export function createTransport(c: Connection): Transport {
  const url = parseHost(c.host);
  const base = { mapError: (err: unknown) => toDockerError(err, c.host), close: () => {}, ssh: null };
  if (url.protocol === 'unix:') {
    return { ...base, docker: withoutDockerEnv(() => new Docker({ socketPath: url.pathname })) };
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const tls = c.tls;
    const useTls = url.protocol === 'https:' || (tls !== null && (tls.verify || tls.cert !== undefined));
    const material = useTls && tls ? readTls(tls, c.host) : {};
    const docker = withoutDockerEnv(
      () =>
        new Docker({
          host: url.hostname,
          port: url.port || (useTls ? 2376 : 2375),
          protocol: useTls ? 'https' : 'http',
          ...material,
        }),
    );
    return { ...base, docker, mapError: (err) => tlsError(err, c.host, useTls ? tls : null) ?? base.mapError(err) };
  }
  if (url.protocol === 'ssh:') {
    const ssh = new SshAgent({ host: c.host, spec: parseSshUrl(c.host), env: c.env });
    const docker = withoutDockerEnv(
      () => new Docker({ protocol: 'http', host: 'docker', agent: ssh } as Docker.DockerOptions),
    );
    return { ...base, docker, ssh, close: () => ssh.close() };
  }
  throw new DockerError(
    'bad-request',
    `unsupported Docker host ${c.host}`,
    'use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host',
  );
}

function parseHost(host: string): URL {
  try {
    return new URL(host);
  } catch {
    throw new DockerError('bad-request', `invalid Docker host ${host}`, 'use unix://…, tcp://host:port or ssh://…');
  }
}

/**
 * The certificate files, read as the docker CLI reads them: ca.pem is required when TLS is on; cert.pem and
 * key.pem are optional (the engine then decides whether it wants a client certificate).
 */
function readTls(tls: TlsFiles, host: string): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const read = (file: string | undefined) => (file && existsSync(file) ? readFileSync(file) : undefined);
  if (tls.verify && tls.ca === undefined) {
    throw new DockerError(
      'tls',
      `TLS to ${host} is on (DOCKER_TLS_VERIFY) but ${tls.dir}/ca.pem does not exist`,
      `put the engine's CA certificate in ${tls.dir}/ca.pem, or set DOCKER_CERT_PATH to the folder that has ` +
        'ca.pem, cert.pem and key.pem',
    );
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    const missing = tls.cert === undefined ? 'cert.pem' : 'key.pem';
    throw new DockerError(
      'tls',
      `${tls.dir}/${missing} does not exist, but its pair does`,
      `put the client ${missing === 'cert.pem' ? 'certificate' : 'key'} next to it in ${tls.dir}`,
    );
  }
  try {
    return { ca: read(tls.ca), cert: read(tls.cert), key: read(tls.key) };
  } catch (e) {
    throw new DockerError(
      'tls',
      `cannot read the TLS files in ${tls.dir}: ${(e as Error).message}`,
      'check the permissions of ca.pem, cert.pem and key.pem',
    );
  }
}

interface RawTlsError {
  readonly code?: string;
  readonly statusCode?: number;
  readonly message?: string;
}

/** What a TLS failure means for the user, or null if `err` is not one. */
export function tlsError(err: unknown, host: string, tls: TlsFiles | null): DockerError | null {
  if (err instanceof DockerError) return err;
  const raw = (err ?? {}) as RawTlsError;
  const code = raw.code ?? '';
  const dir = tls ? tls.dir : null;
  if (tls === null && raw.statusCode === 400 && /HTTP request to an HTTPS server/i.test(raw.message ?? '')) {
    return new DockerError(
      'tls',
      `${host} speaks TLS, but lastlook connected without it`,
      'set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder with ca.pem, cert.pem and key.pem (or use the ' +
        'docker context that has them)',
    );
  }
  // OpenSSL reading an HTTP answer as a TLS record: node says EPROTO with OpenSSL's reason in the message.
  const plainAnswer =
    /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|ECONNRESET/.test(code) ||
    (code === 'EPROTO' && /wrong version number|packet length too long|record layer failure/i.test(raw.message ?? ''));
  if (tls !== null && plainAnswer) {
    return new DockerError(
      'tls',
      `${host} does not speak TLS (it answered the TLS handshake in plain text)`,
      'unset DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for this engine, or use its TLS port (usually 2376)',
    );
  }
  if (/ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE)/.test(code)) {
    const noCert = tls !== null && tls.cert === undefined;
    return new DockerError(
      'tls',
      noCert
        ? `${host} requires a client certificate, and ${dir}/cert.pem does not exist`
        : `${host} rejected lastlook's client certificate${dir ? ` (${dir}/cert.pem)` : ''}`,
      noCert
        ? `put the client certificate and key (cert.pem, key.pem) signed by the engine's CA in ${dir}`
        : 'use a client certificate signed by the CA the engine trusts (its --tlscacert), or the context that has it',
    );
  }
  if (
    /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|ERR_TLS_CERT_ALTNAME_INVALID|CERT_HAS_EXPIRED)$/.test(
      code,
    )
  ) {
    return new DockerError(
      'tls',
      `the engine's certificate at ${host} failed verification (${code})`,
      dir
        ? `${dir}/ca.pem must be the CA that signed the engine's certificate, for the host name in the URL`
        : 'set DOCKER_CERT_PATH to the folder with the CA that signed the engine certificate (ca.pem)',
    );
  }
  return null;
}
