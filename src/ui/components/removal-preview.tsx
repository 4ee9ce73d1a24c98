import { Box } from 'ink';
import { cell } from '../../core/format.js';
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
  // Border (2), title, command and the read-only/blank line (3); when the plan is longer than that, one more line
  // for the "more" marker (without it the box overflows and Yoga squeezes out the title).
  const room = height - 5 - (error ? 1 : 0);
  const inner = Math.max(1, lines.length > room ? room - 1 : room);
  const start = Math.min(scroll, Math.max(0, lines.length - inner));
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
      {error ? <Text color={theme.destroy}>{cell(`  cannot preview: ${error}`, w)}</Text> : null}
      {!plan && !error ? <Text dimColor> reading the engine and computing the plan…</Text> : null}
      {lines.slice(start, start + inner).map((l) => (
        <Text
          key={l.n}
          color={color(l.tone)}
          bold={l.tone === 'heading' || l.tone === 'blocked'}
          dimColor={l.tone === 'dim'}
        >
          {cell(` ${l.text}`, w)}
        </Text>
      ))}
      {lines.length > inner ? (
        <Text dimColor>{cell(`  ↓ ${start + inner < lines.length ? 'more (j/k to scroll)' : 'end'}`, w)}</Text>
      ) : null}
    </Box>
  );
}
