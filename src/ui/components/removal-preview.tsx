import { Box } from 'ink';
import { cell, wrapText } from '../../core/format.js';
import { scrollWindow } from '../../core/layout.js';
import type { Plan } from '../../core/plan/types.js';
import { previewLines, type Tone } from '../../core/plan-lines.js';
import type { Theme } from '../theme.js';
import { Text } from './text.js';

export interface RemovalPreviewProps {
  readonly argv: readonly string[];
  readonly plan: Plan | null;
  readonly error: string | null;
  readonly scroll: number;
  readonly width: number;
  readonly height: number;
  readonly theme: Theme;
  readonly readOnly: boolean;
}

/** The preview screen: the exact command, then the plan, scrollable. */
export function RemovalPreview({ argv, plan, error, scroll, width, height, theme, readOnly }: RemovalPreviewProps) {
  const w = width - 2;
  const lines = plan ? previewLines(plan) : [];
  // An error is read whole: wrapped, never cut (`docker frobnicate` is not a command lastlook previews: …).
  const wrapped = error ? wrapText(`cannot preview: ${error}`, w - 2) : [];
  // Longer than the box: as many lines as fit, the last saying it goes on.
  const fit = Math.max(1, height - 6);
  const errorLines = wrapped.length <= fit ? wrapped : [...wrapped.slice(0, fit - 1), '…'];
  // Border (2), title, command and the read-only/blank line (3); the rest scrolls, with a line saying how many
  // lines are above or below (without room for it the box overflows and Yoga squeezes out the title).
  const room = Math.max(1, height - 5 - errorLines.length);
  const win = scrollWindow(lines.length, scroll, room);
  const color = (t: Tone) =>
    t === 'destroy' || t === 'blocked'
      ? theme.destroy
      : t === 'orphan' || t === 'warning'
        ? theme.orphan
        : t === 'keep'
          ? theme.keep
          : undefined;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" borderColor={theme.destroy}>
      <Text bold>{cell(' Preview — what this command would destroy', w)}</Text>
      <Text color={theme.accent}>
        {cell(`  $ ${argv.map((a) => (/[\s'"]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`, w)}
      </Text>
      {readOnly ? (
        <Text color={theme.orphan}>{cell('  read-only: lastlook will not carry this out', w)}</Text>
      ) : (
        <Text> </Text>
      )}
      {errorLines.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the wrapped lines of one message, in order
        <Text key={i} color={theme.destroy}>
          {cell(`  ${l}`, w)}
        </Text>
      ))}
      {!plan && !error ? <Text dimColor> reading the engine and computing the plan…</Text> : null}
      {win.above > 0 ? <Text dimColor>{cell(`  ↑ ${win.above} more (k to scroll)`, w)}</Text> : null}
      {lines.slice(win.start, win.start + win.shown).map((l) => (
        <Text
          key={l.n}
          color={color(l.tone)}
          bold={l.tone === 'heading' || l.tone === 'blocked'}
          dimColor={l.tone === 'dim'}
        >
          {cell(` ${l.text}`, w)}
        </Text>
      ))}
      {win.below > 0 ? <Text dimColor>{cell(`  ↓ ${win.below} more (j to scroll)`, w)}</Text> : null}
    </Box>
  );
}
