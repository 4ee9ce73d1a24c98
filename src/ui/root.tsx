import { App, type AppProps } from './app.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';

/** The explorer at the terminal's live size. */
export function Root(props: Omit<AppProps, 'columns' | 'rows'>) {
  const { columns, rows } = useTerminalSize();
  return <App {...props} columns={columns} rows={rows} />;
}
