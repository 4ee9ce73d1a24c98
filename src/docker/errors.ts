/**
 * Every failure of the engine port is a DockerError with a kind (from the HTTP status or the socket error code,
 * never from message text) and a remedy the user can act on.
 */
export type DockerErrorKind =
  | 'unreachable' // nothing listens there
  | 'permission' // the socket exists but we may not open it
  | 'tls' // TLS material missing or rejected
  | 'not-found' // 404
  | 'conflict' // 409: in use, running, name taken
  | 'bad-request' // 400
  | 'server' // 5xx
  | 'aborted' // our own AbortSignal
  | 'timeout' // the engine accepted but did not answer (or stopped sending) in time
  | 'protocol'; // anything else

export class DockerError extends Error {
  override readonly name = 'DockerError';
  constructor(
    readonly kind: DockerErrorKind,
    message: string,
    /** What the user can do next. */
    readonly remedy: string | null = null,
    readonly statusCode: number | null = null,
  ) {
    super(message);
  }
}

export function isDockerError(e: unknown, kind?: DockerErrorKind): e is DockerError {
  return e instanceof DockerError && (kind === undefined || e.kind === kind);
}

interface RawError {
  readonly statusCode?: number;
  readonly code?: string;
  readonly name?: string;
  readonly message?: string;
  readonly json?: { message?: string } | null;
  readonly reason?: string;
}

/** The engine's own error message from a dockerode error (the JSON body's `message`), else its text. */
function engineMessage(raw: RawError): string {
  if (raw.json && typeof raw.json === 'object' && typeof raw.json.message === 'string') return raw.json.message;
  return raw.message ?? String(raw);
}

/**
 * Maps a dockerode / node error into a DockerError. `host` names the endpoint in connection errors.
 */
export function toDockerError(err: unknown, host: string): DockerError {
  if (err instanceof DockerError) return err;
  const raw = (err ?? {}) as RawError;
  if (raw.name === 'AbortError' || raw.code === 'ABORT_ERR') return new DockerError('aborted', 'cancelled');
  switch (raw.code) {
    case 'ENOENT':
      return new DockerError(
        'unreachable',
        `cannot reach the Docker engine at ${host}: no such socket`,
        'is the Docker daemon running? Start it (sudo systemctl start docker), or point lastlook at another ' +
          'engine with --host, --context or DOCKER_HOST',
      );
    case 'ECONNREFUSED':
      return new DockerError(
        'unreachable',
        `cannot reach the Docker engine at ${host}: connection refused`,
        'the socket or port exists but no engine answers: start the Docker daemon, or check --host / DOCKER_HOST',
      );
    case 'EACCES':
    case 'EPERM':
      return new DockerError(
        'permission',
        `permission denied on ${host.replace(/^unix:\/\//, '')}`,
        'add yourself to the docker group (sudo usermod -aG docker $USER, then log in again) or run with sudo',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EPIPE':
      return new DockerError(
        'unreachable',
        `cannot reach the Docker engine at ${host}: ${raw.code}`,
        'check the host in --host, --context or DOCKER_HOST, and that the engine is up',
      );
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'CERT_HAS_EXPIRED':
      return new DockerError(
        'tls',
        `TLS verification of ${host} failed: ${raw.code}`,
        'set DOCKER_CERT_PATH to the folder with ca.pem, cert.pem and key.pem (or use the context that has them)',
      );
    default:
      break;
  }
  const status = raw.statusCode;
  const message = engineMessage(raw);
  if (status === 404) return new DockerError('not-found', message, null, status);
  if (status === 409) return new DockerError('conflict', message, null, status);
  if (status === 400) return new DockerError('bad-request', message, null, status);
  if (status === 403 || status === 401) {
    return new DockerError('permission', message, 'the engine refused this request: check your credentials', status);
  }
  if (status !== undefined && status >= 500) return new DockerError('server', message, null, status);
  return new DockerError('protocol', message, null, status ?? null);
}
