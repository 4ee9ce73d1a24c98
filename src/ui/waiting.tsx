import { Box, useInput } from 'ink';
import { Text } from './components/text.js';

export interface WaitingProps {
  /** The engine's address, as the user gave it. */
  readonly host: string;
  /** q, Esc or Ctrl+C: stop waiting and leave. */
  readonly onQuit: () => void;
}

/**
 * The explorer's first frame, before the engine has answered: a frozen or overloaded engine must not leave a blank
 * screen that ignores the keyboard. The request itself ends with the adapter's timeout (exit 3) or on quit.
 */
export function Waiting({ host, onQuit }: WaitingProps) {
  useInput((input, key) => {
    if (input === 'q' || key.escape || (key.ctrl && input === 'c')) onQuit();
  });
  return (
    <Box flexDirection="column">
      <Text>waiting for the engine at {host}…</Text>
      <Text dimColor>q quit</Text>
    </Box>
  );
}
