/**
 * The order of names everywhere lastlook sorts them: `a.localeCompare(b)`'s order (the default collator), through
 * one collator made at the first comparison. `localeCompare` makes one per call (it dominated sorting 1,000
 * volumes), and making one loads ICU's collation data (~8 ms), which a start that sorts nothing should not pay.
 */
const made: { collator?: Intl.Collator } = {};

function collator(): Intl.Collator {
  made.collator ??= new Intl.Collator();
  return made.collator;
}

export function compareNames(a: string, b: string): number {
  return collator().compare(a, b);
}

/**
 * Makes the collator now: for a caller about to wait on the engine with a sort to come (a plan), so that ICU's
 * collation data loads while the engine answers instead of after.
 */
export function prepareCollator(): void {
  collator();
}
