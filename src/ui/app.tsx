import { Box, Text, useApp, useInput } from 'ink';
import { useEffect, useState } from 'react';
import type { ContainerInfo, EngineInfo } from '../core/model.js';
import type { DockerPort } from '../docker/port.js';

export interface AppProps {
  readonly port: DockerPort;
  readonly engine: EngineInfo;
  /** Hide and refuse every destructive action. @default false */
  readonly readOnly: boolean;
  /** Called once with the exit code before the app unmounts. */
  readonly onExit: (code: 0 | 1 | 2 | 3 | 4 | 5) => void;
}

/** The explorer (first screen: the container list). */
export function App({ port, engine, readOnly, onExit }: AppProps) {
  const { exit } = useApp();
  const [containers, setContainers] = useState<readonly ContainerInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    port.listContainers({ signal: ac.signal }).then(setContainers, (e: Error) => setError(e.message));
    return () => ac.abort();
  }, [port]);
  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) {
      onExit(0);
      exit();
    }
  });
  return (
    <Box flexDirection="column">
      <Text>
        lastlook · {engine.host} · Engine {engine.version} (API {engine.apiVersion}){readOnly ? ' · read-only' : ''}
      </Text>
      {error ? <Text color="red">{error}</Text> : null}
      {containers === null ? <Text>loading…</Text> : null}
      {containers?.map((c) => (
        <Text key={c.id}>
          {c.name} {c.state}
        </Text>
      ))}
    </Box>
  );
}
