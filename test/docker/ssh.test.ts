/**
 * ssh:// as docker/cli's connhelper builds it: the argv the user's own ssh gets, the URL refusals, and what ssh's
 * stderr means (the stderr texts are OpenSSH 9.2's and bash's own, as recorded against the private sshd of
 * test/engine/remote-ssh.test.ts).
 */
import { describe, expect, test } from 'vitest';
import { connectsFirst, sessionArgv, startEarlySsh } from '../../src/docker/early-ssh.js';
import { DockerError } from '../../src/docker/errors.js';
import { parseSshUrl, shellQuote, sshArgv, sshFailure } from '../../src/docker/ssh.js';

describe('the ssh command line, as the docker CLI builds it', () => {
  test('user and port become -l and -p, then ConnectTimeout, -T, -- and the host', () => {
    expect(sshArgv(parseSshUrl('ssh://me@example.org:2200'))).toEqual([
      '-l',
      'me',
      '-p',
      '2200',
      '-o ConnectTimeout=30',
      '-T',
      '--',
      'example.org',
      'docker system dial-stdio',
    ]);
  });

  test('a bare host (an alias of ~/.ssh/config) leaves user and port to ssh', () => {
    expect(sshArgv(parseSshUrl('ssh://build-box'))).toEqual([
      '-o ConnectTimeout=30',
      '-T',
      '--',
      'build-box',
      'docker system dial-stdio',
    ]);
  });

  test('a socket path runs docker --host=unix://<path> on the remote', () => {
    expect(sshArgv(parseSshUrl('ssh://h/run/user/1000/docker.sock')).at(-1)).toBe(
      'docker --host=unix:///run/user/1000/docker.sock system dial-stdio',
    );
    expect(parseSshUrl('ssh://h/').path).toBeNull();
  });

  test('sharing options go before --, so a host can never be read as an option', () => {
    const argv = sshArgv(parseSshUrl('ssh://-oProxyCommand=x'), ['-o', 'ControlMaster=auto']);
    expect(argv.indexOf('ControlMaster=auto')).toBeLessThan(argv.indexOf('--'));
    expect(argv[argv.indexOf('--') + 1]).toBe('-oProxyCommand=x');
  });

  test('IPv6 literals lose their brackets', () => {
    expect(parseSshUrl('ssh://u@[::1]:22').host).toBe('::1');
  });

  test.each([
    ['ssh://u:secret@h', /password/],
    ['ssh://h?x=1', /query/],
    ['ssh://h#frag', /fragment/],
    ['ssh://', /hostname is empty|not a URL/],
  ])('%s is refused', (url, why) => {
    expect(() => parseSshUrl(url)).toThrow(why);
  });

  test('shell quoting of the remote command and URL parts', () => {
    expect(shellQuote('docker')).toBe('docker');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(() => shellQuote('a\nb')).toThrow(DockerError);
  });
});

describe("what ssh's stderr means", () => {
  const spec = parseSshUrl('ssh://root@127.0.0.1:2222');
  const changed = [
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    'Host key for [127.0.0.1]:2222 has changed and you have requested strict checking.',
    'Host key verification failed.',
  ].join('\n');

  test.each([
    [255, changed, 'unreachable', /host key of root@127\.0\.0\.1:2222 has changed/],
    [255, 'Host key verification failed.\n', 'unreachable', /is not known/],
    [255, 'root@127.0.0.1: Permission denied (publickey).\n', 'permission', /SSH login .* failed/],
    [127, 'bash: line 1: docker: command not found\n', 'unreachable', /has no docker command/],
    [
      1,
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
      'unreachable',
      /cannot reach its engine/,
    ],
    [255, 'ssh: connect to host 127.0.0.1 port 2222: Connection refused\n', 'unreachable', /cannot connect to/],
  ])('exit %s', (code, stderr, kind, message) => {
    const e = sshFailure(spec, code, stderr);
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(message);
    expect(e.remedy).toBeTruthy();
  });
});

describe('which command lines start their ssh session in the launcher (src/docker/early-ssh.ts)', () => {
  test('the explorer alone and plans of a docker command, with --json at most', () => {
    expect(connectsFirst([])).toBe(true);
    expect(connectsFirst(['plan', '--', 'docker', 'rm', '-v', 'web'])).toBe(true);
    expect(connectsFirst(['plan', '--json', '--', 'docker', 'system', 'prune'])).toBe(true);
  });

  test('not with --host or --context (the connection is not the environment’s), nor anything else', () => {
    expect(connectsFirst(['--host', 'ssh://h'])).toBe(false);
    expect(connectsFirst(['plan', '--context', 'a', '--', 'docker', 'rm', 'x'])).toBe(false);
    expect(connectsFirst(['plan', '--', 'docker'])).toBe(false);
    expect(connectsFirst(['plan', '--', 'podman', 'rm', 'x'])).toBe(false);
    expect(connectsFirst(['guard', '--', 'docker', 'rm', 'x'])).toBe(false);
    expect(connectsFirst(['--help'])).toBe(false);
    expect(connectsFirst(['plan', 'docker', 'rm', 'x'])).toBe(false);
  });

  test('a unix socket or an unparseable host starts nothing', () => {
    expect(startEarlySsh([], { DOCKER_HOST: 'unix:///nowhere.sock' })).toBeNull();
    expect(startEarlySsh([], { DOCKER_HOST: 'ssh://user:secret@h' })).toBeNull();
  });

  test('the session argv is docker’s with lastlook’s private sharing before --', () => {
    const argv = sessionArgv({ user: 'u', host: 'h', port: null, path: null }, '/tmp/x');
    expect(argv.slice(argv.indexOf('--'))).toEqual(['--', 'h', 'docker system dial-stdio']);
    expect(argv).toContain('ControlPath=/tmp/x/mux');
    expect(argv).toContain('ControlPersist=no');
  });
});
