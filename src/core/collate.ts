/**
 * The order of names everywhere lastlook sorts them: `a.localeCompare(b)`'s order (the default collator).
 *
 * Making a collator loads ICU's collation data, ~8-12 ms of a process here (BENCHMARKS.md, "plan"), and a plan sorts
 * hundreds of names, nearly always ASCII (Docker's container and volume names are `[a-zA-Z0-9][a-zA-Z0-9_.-]*`). So
 * where the default locale collates ASCII as CLDR's root collation does (English, or no locale: `und`), ASCII names
 * are sorted by keys built from the root order of ASCII below, which order them as the collator does
 * (test/core/collate.test.ts compares both over every pair of ASCII characters and random names); anything else, or
 * any other locale, goes through one `Intl.Collator`, made at its first comparison (`localeCompare` makes one per call).
 */
interface Made {
  collator?: Intl.Collator;
  /** Whether the default locale collates ASCII as the root collation: decided once, without loading collation data. */
  rootAscii?: boolean;
}
const made: Made = {};

function collator(): Intl.Collator {
  made.collator ??= new Intl.Collator();
  return made.collator;
}

/**
 * The primary order of ASCII in CLDR's root collation (ICU's `Intl.Collator('und')`), one class per character but
 * for letters (a and A share their primary weight; lowercase comes first at the third level). The other controls
 * (U+0000-U+0008, U+000E-U+001F, U+007F) are ignorable at every level.
 */
export const ROOT_ASCII_ORDER = '\t\n\v\f\r _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * Each ASCII character's part of a sort key: its primary class as one code unit whose order is the class's order
 * (digits and lowercase letters stand for themselves, uppercase letters for their lowercase, the 38 classes before
 * the digits for U+0002-U+0027 in their order), or '' for an ignorable control.
 */
const PRIMARY_KEY = ((): readonly string[] => {
  const keys = Array.from({ length: 128 }, () => '');
  const digits = ROOT_ASCII_ORDER.indexOf('0');
  for (let i = 0; i < ROOT_ASCII_ORDER.length; i++) {
    const code = ROOT_ASCII_ORDER.charCodeAt(i);
    keys[code] = i < digits ? String.fromCharCode(0x02 + i) : String.fromCharCode(code);
    if (code >= 0x61 && code <= 0x7a) keys[code - 0x20] = String.fromCharCode(code);
  }
  return keys;
})();

/** Locales whose collation of ASCII is the root's (their CLDR collation has no tailoring that reaches ASCII). */
const ROOT_ASCII_LOCALE = /^(?:und|en(?:-[A-Z]{2}|-\d{3})?)$/;

/**
 * Whether `locale` (a default locale as Intl resolves it) collates ASCII as the root collation does. Exported for
 * the tests.
 */
export function collatesAsciiAsRoot(locale: string): boolean {
  return ROOT_ASCII_LOCALE.test(locale);
}

function rootAscii(): boolean {
  // The default locale as Intl resolves it, from a PluralRules: ~0.3 ms, where a Collator loads collation data.
  made.rootAscii ??= collatesAsciiAsRoot(new Intl.PluralRules().resolvedOptions().locale);
  return made.rootAscii;
}

const NON_ASCII = /[^\0-\x7f]/;
const NOT_PLAIN = /[^0-9a-z]/g;
const UPPER = /[A-Z]/;

/**
 * The sort key of an ASCII string in the root collation at its default strength (tertiary), null for any other
 * string: keys compare with `<` as the collator compares the strings. The primary weights of the characters that
 * are not ignorable, then, only when the string has an uppercase letter, U+0001 and one case mark per such
 * character (`0` lowercase or caseless, `1` uppercase): all-lowercase is the least case sequence, so it needs none,
 * and U+0001 is below every primary key, so a shorter primary sequence still comes first.
 */
export function rootAsciiKey(s: string): string | null {
  if (NON_ASCII.test(s)) return null;
  const primary = s.replace(NOT_PLAIN, (ch) => PRIMARY_KEY[ch.charCodeAt(0)] as string);
  if (!UPPER.test(s)) return primary;
  let cases = '\u0001';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (PRIMARY_KEY[code] !== '') cases += code >= 0x41 && code <= 0x5a ? '1' : '0';
  }
  return primary + cases;
}

/**
 * `items` in the order of their names (a new array; equal names keep their order, as with `sort`): by sort keys
 * where every name has one and the default locale collates ASCII as the root does, else through the collator.
 */
export function sortByName<T>(items: Iterable<T>, name: (item: T) => string): T[] {
  const list = [...items];
  if (rootAscii()) {
    const keys: string[] = [];
    for (const item of list) {
      const key = rootAsciiKey(name(item));
      if (key === null) break;
      keys.push(key);
    }
    if (keys.length === list.length) {
      const order = list.map((_, i) => i);
      order.sort((i, j) => {
        const a = keys[i] as string;
        const b = keys[j] as string;
        return a < b ? -1 : a > b ? 1 : 0;
      });
      return order.map((i) => list[i] as T);
    }
  }
  const c = collator();
  return list.sort((a, b) => c.compare(name(a), name(b)));
}
