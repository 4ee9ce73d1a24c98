/**
 * The explorer's core, in ./explorer/: state and actions (state.ts), selectors without module globals
 * (selectors.ts), the docker command lines it previews (preview-commands.ts) and the reducer (reducer.ts).
 * This module gathers them for the UI.
 */
export { previewArgv, previewDisabledReason, splitWords, typedCommand } from './explorer/preview-commands.js';
export { explorerReducer } from './explorer/reducer.js';
export {
  listRows,
  mountRows,
  previewSelection,
  selectedContainer,
  selectedMount,
  selectedRow,
  selectedVolume,
  visibleChanges,
  volumeRows,
} from './explorer/selectors.js';
export * from './explorer/state.js';
