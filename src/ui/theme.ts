/** Semantic colours. With NO_COLOR / --no-color every colour is dropped; meaning is also carried by text. */
export interface Theme {
  readonly destroy: string | undefined;
  readonly orphan: string | undefined;
  readonly keep: string | undefined;
  readonly accent: string | undefined;
  readonly dim: boolean;
  readonly added: string | undefined;
  readonly changed: string | undefined;
  readonly deleted: string | undefined;
  readonly running: string | undefined;
  readonly noColor: boolean;
}

export function makeTheme(noColor: boolean): Theme {
  if (noColor) {
    return {
      destroy: undefined,
      orphan: undefined,
      keep: undefined,
      accent: undefined,
      dim: false,
      added: undefined,
      changed: undefined,
      deleted: undefined,
      running: undefined,
      noColor,
    };
  }
  return {
    destroy: 'red',
    orphan: 'yellow',
    keep: 'green',
    accent: 'cyan',
    dim: true,
    added: 'green',
    changed: 'yellow',
    deleted: 'red',
    running: 'green',
    noColor,
  };
}
