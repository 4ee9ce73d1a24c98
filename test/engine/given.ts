/**
 * Test setup through the engine's API, sent the way the docker CLI sends it: `given(e, ['volume', 'create', 'x'])`
 * builds what `docker volume create x` builds, without a docker CLI process (~0.1 s of CPU each, thousands per run,
 * on two cores shared with the engines). Only for a scenario's *given* state: the command a test is about always
 * runs through the real CLI (harness `docker`, the oracles).
 *
 * Only the simple forms below are translated; any other flag or form runs the real CLI instead, so a form is never
 * guessed. test/engine/given.test.ts proves on 28.5.2, 26.1.5 and 20.10.24 that each translated form leaves the
 * engine exactly as the CLI does (inspect of the container, its volumes and networks compared field by field).
 *
 *   volume create [--label K[=V]]… NAME
 *   network create [--label K[=V]]… [--subnet CIDR] NAME
 *   create | run [-d] [--name N] [-v /path | -v SRC:/path[:mode]]… [--tmpfs /path]… [--network NET] [--label K[=V]]…
 *     IMAGE [CMD…]
 *   pause NAME
 *   tag SOURCE TARGET
 *   rm [-f] [-v] NAME…, volume rm [-f] NAME… (a test's own cleanup)
 *
 * What each prints is what the CLI prints (an ID, a name, a container's output), so callers can read it the same way.
 */
import { PassThrough, Readable } from 'node:stream';
import type Docker from 'dockerode';
import { docker, engineApi, recordProfile, type TestEngine } from './harness.js';

type Opts = Parameters<typeof docker>[2];

/** `--label k=v` / `--label k` as the CLI reads them (no `=`: an empty value). */
function labelPair(raw: string): [string, string] {
  const i = raw.indexOf('=');
  return i < 0 ? [raw, ''] : [raw.slice(0, i), raw.slice(i + 1)];
}

interface RunSpec {
  readonly run: boolean;
  readonly detach: boolean;
  readonly name: string | null;
  readonly anonymous: string[];
  readonly binds: string[];
  readonly tmpfs: string[];
  readonly network: string | null;
  readonly labels: Record<string, string>;
  readonly image: string;
  readonly cmd: string[];
}

/** `create`/`run` with the flags above, or null for anything else (then the CLI runs). */
function parseRun(argv: readonly string[]): RunSpec | null {
  const run = argv[0] === 'run';
  let detach = false;
  let name: string | null = null;
  let network: string | null = null;
  const anonymous: string[] = [];
  const binds: string[] = [];
  const tmpfs: string[] = [];
  const labels: Record<string, string> = {};
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = argv[i + 1];
    if (a === '-d' && run) detach = true;
    else if (a === '--name' && value !== undefined && name === null) name = value;
    else if (a === '--network' && value !== undefined && network === null) network = value;
    else if (a === '--label' && value !== undefined) {
      const [k, v] = labelPair(value);
      labels[k] = v;
    } else if (a === '-v' && value !== undefined) {
      // Only what is unambiguous: an absolute container path alone (anonymous, Config.Volumes), or a source and
      // an absolute container path, with an optional mode (HostConfig.Binds, verbatim, as the CLI sends them).
      const parts = value.split(':');
      if (parts.length === 1 && value.startsWith('/')) anonymous.push(value);
      else if ((parts.length === 2 || parts.length === 3) && parts[0] && parts[1]?.startsWith('/')) binds.push(value);
      else return null;
    } else if (a === '--tmpfs' && value?.startsWith('/') && !value.includes(':')) tmpfs.push(value);
    else if (a.startsWith('-')) return null;
    else break;
    if (a !== '-d') i++;
  }
  const image = argv[i];
  if (image === undefined) return null;
  return { run, detach, name, anonymous, binds, tmpfs, network, labels, image, cmd: argv.slice(i + 1) as string[] };
}

async function createContainer(api: Docker, s: RunSpec): Promise<string> {
  const network = s.network ?? 'default';
  const c = await api.createContainer({
    ...(s.name !== null ? { name: s.name } : {}),
    Image: s.image,
    ...(s.cmd.length > 0 ? { Cmd: s.cmd } : {}),
    Labels: s.labels,
    Volumes: Object.fromEntries(s.anonymous.map((p) => [p, {}])),
    // The CLI attaches stdout and stderr of a `run` without -d (and of a plain create).
    AttachStdout: !s.detach,
    AttachStderr: !s.detach,
    // The CLI's defaults, sent as it sends them (empty lists, not absent ones), so that inspect reads the same.
    HostConfig: {
      ...(s.binds.length > 0 ? { Binds: s.binds } : {}),
      // `--tmpfs /path` without options: the path with an empty option string.
      ...(s.tmpfs.length > 0 ? { Tmpfs: Object.fromEntries(s.tmpfs.map((p) => [p, ''])) } : {}),
      NetworkMode: network,
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      PortBindings: {},
      BlkioWeightDevice: [],
      BlkioDeviceReadBps: [],
      BlkioDeviceWriteBps: [],
      BlkioDeviceReadIOps: [],
      BlkioDeviceWriteIOps: [],
      Devices: [],
      Dns: [],
      DnsOptions: [],
      DnsSearch: [],
      Ulimits: [],
    },
    NetworkingConfig: s.network !== null ? { EndpointsConfig: { [network]: {} } } : {},
  });
  if (!s.run) return `${c.id}\n`;
  await c.start();
  if (s.detach) return `${c.id}\n`;
  // `docker run` without -d: waits, prints the container's output, and fails with its exit status.
  const { StatusCode } = (await c.wait()) as { StatusCode: number };
  const log = (await c.logs({ stdout: true, stderr: false, follow: false })) as unknown as Buffer;
  const out = await stdoutOf(api, log);
  if (StatusCode !== 0) throw new Error(`docker ${s.image}: the container exited with ${StatusCode}`);
  return out;
}

/** The stdout of a non-TTY log stream, split by dockerode's own demultiplexer (as the adapter reads logs). */
function stdoutOf(api: Docker, log: Buffer): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const raw = Readable.from([log]);
  api.modem.demuxStream(raw, out, new PassThrough().resume());
  return new Promise((resolve, reject) => {
    raw.on('error', reject);
    raw.on('end', () => setImmediate(() => resolve(Buffer.concat(chunks).toString('utf8'))));
  });
}

/** `repo[:tag]` as the CLI splits a reference (a `:` after the last `/` starts the tag; default `latest`). */
function splitRef(ref: string): { repo: string; tag: string } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repo: ref, tag: 'latest' };
}

/** `rm [-f] [-v] NAME…` or `volume rm [-f] NAME…` (flags before the names, alone or joined), or null. */
function removalOf(
  argv: readonly string[],
): { what: 'container' | 'volume'; names: string[]; force: boolean; volumes: boolean } | null {
  const what = argv[0] === 'rm' ? 'container' : argv[0] === 'volume' && argv[1] === 'rm' ? 'volume' : null;
  if (!what) return null;
  let i = what === 'container' ? 1 : 2;
  let force = false;
  let volumes = false;
  for (; i < argv.length && (argv[i] as string).startsWith('-'); i++) {
    const flag = argv[i] as string;
    if (!/^-[fv]{1,2}$/.test(flag) || (what === 'volume' && flag !== '-f')) return null;
    force ||= flag.includes('f');
    volumes ||= flag.includes('v');
  }
  const names = argv.slice(i) as string[];
  // A name the CLI would rewrite (trimmed slashes) or read as a flag is left to the CLI.
  if (names.length === 0 || names.some((n) => n === '' || n.startsWith('-') || n.includes('/'))) return null;
  return { what, names, force, volumes };
}

/** The API form of `argv`, or null when it is not one of the forms above. */
function translate(e: TestEngine, argv: readonly string[]): (() => Promise<string>) | null {
  // Proven on the three Docker engines only.
  if (e.kind === 'podman') return null;
  const api = engineApi(e);
  const [a, b] = argv;
  if (a === 'volume' && b === 'create') {
    const labels: Record<string, string> = {};
    let i = 2;
    for (; argv[i] === '--label' && argv[i + 1] !== undefined; i += 2) {
      const [k, v] = labelPair(argv[i + 1] as string);
      labels[k] = v;
    }
    const name = argv[i];
    if (name === undefined || name.startsWith('-') || i !== argv.length - 1) return null;
    // The CLI's request: driver "local", no options (none sent at all).
    return async () => {
      await api.createVolume({ Name: name, Driver: 'local', Labels: labels });
      return `${name}\n`;
    };
  }
  if (a === 'network' && b === 'create') {
    const labels: Record<string, string> = {};
    let subnet: string | null = null;
    let i = 2;
    for (; i < argv.length - 1; i += 2) {
      const flag = argv[i];
      const value = argv[i + 1] as string;
      if (flag === '--label') {
        const [k, v] = labelPair(value);
        labels[k] = v;
      } else if (flag === '--subnet' && subnet === null) subnet = value;
      else return null;
    }
    const name = argv[i];
    if (name === undefined || name.startsWith('-') || i !== argv.length - 1) return null;
    return async () => {
      const n = await api.createNetwork({
        Name: name,
        Driver: 'bridge',
        Options: {},
        Labels: labels,
        IPAM: { Driver: 'default', Options: {}, Config: subnet ? [{ Subnet: subnet }] : [] },
      });
      return `${n.id}\n`;
    };
  }
  if (a === 'create' || a === 'run') {
    const spec = parseRun(argv);
    return spec ? () => createContainer(api, spec) : null;
  }
  if (a === 'pause' && argv.length === 2 && b && !b.startsWith('-')) {
    return async () => {
      await api.getContainer(b).pause();
      return `${b}\n`;
    };
  }
  // Removals, for a test's own cleanup: each name in turn, as the CLI removes them (it goes on past a refusal, prints
  // the names it removed, fails with every refusal at the end, and with -f passes over a name that does not exist).
  const removal = removalOf(argv);
  if (removal) {
    return async () => {
      const done: string[] = [];
      const refused: string[] = [];
      for (const name of removal.names) {
        try {
          if (removal.what === 'volume') await api.getVolume(name).remove({ force: removal.force });
          else await api.getContainer(name).remove({ force: removal.force, v: removal.volumes });
          done.push(name);
        } catch (err) {
          // With -f the CLI passes over a name that does not exist.
          if (removal.force && (err as { statusCode?: number }).statusCode === 404) continue;
          refused.push(err instanceof Error ? err.message : String(err));
        }
      }
      if (refused.length > 0) throw new Error(refused.join('; '));
      return done.map((n) => `${n}\n`).join('');
    };
  }
  if (a === 'tag' && argv.length === 3 && b && !b.startsWith('-')) {
    const target = argv[2] as string;
    return async () => {
      await api.getImage(b).tag(splitRef(target));
      return '';
    };
  }
  return null;
}

/** Whether given() sends `argv` through the API (for the test that proves the translation). */
export function translated(e: TestEngine, argv: readonly string[]): boolean {
  return translate(e, argv) !== null;
}

/**
 * Builds what `docker <argv>` builds: through the API for the forms above, through the real CLI for anything else.
 * Rejects as `docker` does (with the engine's message) when the engine refuses.
 */
export async function given(e: TestEngine, argv: readonly string[], opts: Opts = {}): Promise<string> {
  const direct = opts.input === undefined && opts.env === undefined ? translate(e, argv) : null;
  if (!direct) return docker(e, argv, opts);
  const started = Date.now();
  try {
    return await direct();
  } catch (err) {
    throw new Error(`docker ${argv.join(' ')} (through the API): ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    recordProfile(e, ['api', ...argv.slice(0, 2)], started);
  }
}
