/**
 * `lastlook diff CONTAINER PATH [--json] [--max-bytes SIZE]`: what exactly changed at one path. A changed file as
 * a unified diff of the image's version against the container's, an added file's content, a deleted file's content
 * in the image, a directory's changes; binaries by size and sha256; symlink targets; mode and owner. The model is
 * core/content-diff.ts; the reads (just that path) are docker/file-read.ts.
 */
import {
  type ContentDiff,
  contentDiffJson,
  DEFAULT_MAX_BYTES,
  type RenderStyle,
  renderContentDiff,
} from '../../core/content-diff.js';
import { escapeName } from '../../core/escape.js';
import { PathNotDiffable, readContentDiff } from '../../docker/file-read.js';
import { CliError, type CommandContext, UsageError } from '../context.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeOut } from '../write-out.js';
import { type DiffArgs, mountsOf } from './diff.js';

const SGR = { add: '32', del: '31', meta: '36', dim: '2' } as const;

export function colourStyle(color: boolean): RenderStyle {
  return { paint: (s, t) => (color ? `\u001b[${SGR[s]}m${t}\u001b[0m` : t) };
}

function problem(e: PathNotDiffable, container: string): never {
  const c = escapeName(container);
  if (e.reason === 'bad-path') throw new UsageError(e.message);
  if (e.reason === 'mount') {
    throw new CliError(
      e.message,
      ExitCode.notFound,
      `lastlook mounts ${c} lists its mounts; lastlook backup reads a volume's contents`,
    );
  }
  throw new CliError(e.message, ExitCode.notFound, `lastlook diff ${c} lists the paths it changed`);
}

export async function runFileDiff(ctx: CommandContext, args: DiffArgs, path: string): Promise<ExitCodeValue> {
  const port = ctx.port();
  const signal = ctx.signal;
  const info = await port.inspectContainer(args.container, { signal });
  const changes = await port.containerChanges(info.id, { signal });
  let diff: ContentDiff;
  let reads: Awaited<ReturnType<typeof readContentDiff>>['reads'];
  try {
    ({ diff, reads } = await readContentDiff(port, {
      container: info,
      changes,
      mounts: mountsOf(info),
      path,
      maxBytes: args.maxBytes ?? DEFAULT_MAX_BYTES,
      signal,
    }));
  } catch (e) {
    if (e instanceof PathNotDiffable) problem(e, info.name);
    throw e;
  }
  if (args.json) {
    const json = { ...contentDiffJson(diff, info), reads };
    await writeOut(ctx.stdout, `${JSON.stringify(json, null, 2)}\n`);
    return ExitCode.ok;
  }
  const color = !ctx.global.noColor && ctx.stdout.isTTY === true;
  const lines = renderContentDiff(diff, colourStyle(color));
  for (let i = 0; i < lines.length; i += 2000) await writeOut(ctx.stdout, `${lines.slice(i, i + 2000).join('\n')}\n`);
  return ExitCode.ok;
}
