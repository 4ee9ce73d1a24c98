/**
 * ssh:// hosts the way the docker CLI reaches them (docker/cli cli/connhelper): the user's own `ssh` runs
 * `docker system dial-stdio` on the remote, so ~/.ssh/config, known_hosts, the agent, ProxyJump and keys behave
 * exactly as they do for `docker`. This module is the pure part: the URL, the argv, and what ssh's stderr means.
 */
import { DockerError } from './errors.js';

export interface SshSpec {
  readonly user: string | null;
  readonly host: string;
  readonly port: string | null;
  /** Remote socket path from `ssh://h/path/to.sock` (then `docker --host=unix://<path>` runs remotely). */
  readonly path: string | null;
}

/** Parses `ssh://[user@]host[:port][/socket]` with the docker CLI's refusals (password, query, fragment). */
export function parseSshUrl(raw: string): SshSpec {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(raw, 'it is not a URL');
  }
  if (url.protocol !== 'ssh:') throw invalid(raw, `incorrect scheme ${url.protocol}`);
  if (url.password) throw invalid(raw, 'plain-text password is not supported');
  if (url.search) throw invalid(raw, `query parameters are not allowed: ${url.search.slice(1)}`);
  if (url.hash) throw invalid(raw, `fragments are not allowed: ${url.hash.slice(1)}`);
  // WHATWG URL keeps IPv6 brackets; ssh wants the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw invalid(raw, 'hostname is empty');
  const path = decodeURIComponent(url.pathname);
  return {
    user: url.username ? decodeURIComponent(url.username) : null,
    host,
    port: url.port || null,
    path: path.replace(/^\/+|\/+$/g, '') === '' ? null : path,
  };
}

function invalid(raw: string, why: string): DockerError {
  return new DockerError(
    'bad-request',
    `invalid SSH URL ${raw}: ${why}`,
    'use ssh://[user@]host[:port], as for the docker CLI',
  );
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX shell quoting as docker/cli applies it to the URL parts and the remote command. */
export function shellQuote(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(s)) {
    throw new DockerError('bad-request', `invalid SSH host part ${JSON.stringify(s)}: control characters`);
  }
  if (s !== '' && SAFE.test(s)) return s;
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * The argv (after `ssh`) the docker CLI runs: `[-l user] [-p port] <flags> -o ConnectTimeout=30 -T -- host <cmd>`.
 * `sharing` are lastlook's own connection-sharing options; they go with the flags, before `--`.
 */
export function sshArgv(spec: SshSpec, sharing: readonly string[] = []): string[] {
  const args: string[] = [];
  if (spec.user !== null) args.push('-l', shellQuote(spec.user));
  if (spec.port !== null) args.push('-p', shellQuote(spec.port));
  args.push(...sharing, '-o ConnectTimeout=30', '-T', '--', shellQuote(spec.host));
  const remote =
    spec.path === null
      ? ['docker', 'system', 'dial-stdio']
      : ['docker', `--host=unix://${spec.path}`, 'system', 'dial-stdio'];
  args.push(remote.map(shellQuote).join(' '));
  return args;
}

/** A short description of the endpoint for messages: `user@host:port`. */
export function sshTarget(spec: SshSpec): string {
  return `${spec.user ? `${spec.user}@` : ''}${spec.host}${spec.port ? `:${spec.port}` : ''}`;
}

/**
 * What went wrong, from ssh's exit status and stderr (the only place ssh says it). The remote's own message is
 * quoted (escaped by the caller's error printer) so the user sees what ssh saw.
 */
export function sshFailure(spec: SshSpec, exitCode: number | null, stderr: string): DockerError {
  const target = sshTarget(spec);
  const said = lastLines(stderr);
  const quote = said ? `: ssh said "${said}"` : '';
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr)) {
    return new DockerError(
      'unreachable',
      `the SSH host key of ${target} has changed; lastlook (like docker) refuses to connect`,
      'if the server was really re-keyed, remove its old key with `ssh-keygen -R <host>` and verify the new ' +
        'fingerprint with `ssh <host>`; otherwise someone may be intercepting the connection',
    );
  }
  if (/Host key verification failed|No .*host key is known for/i.test(stderr)) {
    return new DockerError(
      'unreachable',
      `the SSH host key of ${target} is not known (strict host key checking)`,
      'connect once with `ssh <host>` and check the fingerprint, or add the key to ~/.ssh/known_hosts',
    );
  }
  if (/Permission denied \(|Too many authentication failures|no matching host key type/i.test(stderr)) {
    return new DockerError(
      'permission',
      `SSH login to ${target} failed${quote}`,
      'check that `ssh <host>` logs in without a prompt: load the key into ssh-agent (ssh-add) or name it with ' +
        'IdentityFile in ~/.ssh/config',
    );
  }
  if (exitCode === 127 || /docker: (command )?not found|exec: "?docker"?: not found/i.test(stderr)) {
    return new DockerError(
      'unreachable',
      `${target} has no docker command (the remote side of ssh:// runs \`docker system dial-stdio\`)${quote}`,
      'install the Docker CLI (18.09 or later) on the remote host, on the PATH of non-interactive ssh logins',
    );
  }
  if (/Cannot connect to the Docker daemon|permission denied while trying to connect/i.test(stderr)) {
    return new DockerError(
      'unreachable',
      `docker on ${target} cannot reach its engine${quote}`,
      'start the Docker daemon on the remote host, and check that the ssh user may use it (docker group)',
    );
  }
  if (exitCode === 255) {
    return new DockerError(
      'unreachable',
      `cannot connect to ${target} over ssh${quote}`,
      'check the host name, the port and the network; `ssh <host>` should log in without a prompt',
    );
  }
  return new DockerError(
    'unreachable',
    `the ssh connection to ${target} ended (exit ${exitCode ?? 'signal'})${quote}`,
    'check that `ssh <host> docker system dial-stdio` works from this shell',
  );
}

function lastLines(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^@+$/.test(l));
  return lines.slice(-2).join(' ').slice(0, 400);
}
