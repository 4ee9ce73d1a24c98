import { Box } from 'ink';
import { memo } from 'react';
import { truncate } from '../../core/format.js';
import type { EngineInfo } from '../../core/model.js';
import { engineRules } from '../../core/plan/engine-rules.js';
import type { Theme } from '../theme.js';
import { Text } from './text.js';

export interface HeaderProps {
  readonly engine: EngineInfo;
  readonly readOnly: boolean;
  readonly columns: number;
  readonly theme: Theme;
  readonly view: 'containers' | 'volumes';
}

/**
 * One line: context, host, engine version, API and platform (which engine this is), and the read-only badge.
 * Podman is named as the plan names it (`Podman 4.3.1 (compat API 1.41)`): its rules apply, not an old Docker's.
 */
export const Header = memo(function Header({ engine, readOnly, columns, theme, view }: HeaderProps) {
  const where = engine.context ? `${engine.context} · ${engine.host}` : engine.host;
  const identity =
    engine.kind === 'podman'
      ? `${engineRules(engine).name} (compat API ${engine.apiVersion})`
      : `Engine ${engine.version} (API ${engine.apiVersion})`;
  const left = ` lastlook · ${where} · ${identity} ${engine.os}/${engine.arch}`;
  const right = `${view === 'volumes' ? 'volumes' : 'containers'}${readOnly ? ' · READ-ONLY' : ''} `;
  const room = Math.max(0, columns - right.length - 1);
  return (
    <Box width={columns}>
      <Text bold>{truncate(left, room).padEnd(room)}</Text>
      <Text> </Text>
      <Text color={readOnly ? theme.orphan : theme.accent} bold={readOnly}>
        {right}
      </Text>
    </Box>
  );
});
