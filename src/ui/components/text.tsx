// The one place in src/ui that may import Ink's Text (biome.json forbids it everywhere else in src/ui).
import { Text as InkText } from 'ink';
import { Children, type ComponentProps, isValidElement, type ReactNode } from 'react';
import { escapeText } from '../../core/escape.js';

/** Props of Ink's Text; the children are escaped. */
export type TextProps = ComponentProps<typeof InkText>;

function inert(node: ReactNode): ReactNode {
  if (typeof node === 'string') return escapeText(node);
  if (Array.isArray(node)) return Children.map(node, inert);
  return node;
}

/**
 * Ink's Text, with every string child passed through {@link escapeText}: whatever reaches a cell of the explorer
 * (a name, a label, an engine error, a line of a plan) cannot set the title (OSC 0), the clipboard (OSC 52), move
 * the cursor (CSI), switch the charset (C1) or reorder the line (bidi controls). Ink itself passes ANSI in text
 * through, so this is the boundary. Names are still escaped unambiguously by `safe()` where they are laid out
 * (so widths are right); this catches anything that was not, and leaves `safe()`'s output unchanged.
 * Nested Text elements are this component too and escape their own children.
 */
export function Text({ children, ...props }: TextProps) {
  return <InkText {...props}>{isValidElement(children) ? children : inert(children)}</InkText>;
}
