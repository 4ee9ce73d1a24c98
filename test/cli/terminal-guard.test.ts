import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { guardTerminal, inertOutput } from '../../src/cli/terminal-guard.js';

const EVIL = 'a\u001b]0;t\u0007b\u001b]52;c;eA==\u001b\\c\u001b[2Ad\u009b7me\u202ef';
const INERT = 'a\\u001b]0;t\\u0007b\\u001b]52;c;eA==\\u001b\\c\\u001b[2Ad\\u009b7me\\u202ef';

describe('inertOutput', () => {
  test.each([
    [
      'plain output: nothing passes, not even colours',
      false,
      `\u001b[31m${EVIL}\u001b[0m\n`,
      `\\u001b[31m${INERT}\\u001b[0m\n`,
    ],
    [
      'a terminal: lastlook`s own SGR and erase-line pass',
      true,
      `\r\u001b[K\u001b[31m${EVIL}\u001b[0m\n`,
      `\r\u001b[K\u001b[31m${INERT}\u001b[0m\n`,
    ],
    ['a lone carriage return never passes', true, 'x\ry', 'x\\u000dy'],
    ['newlines and tabs pass', false, 'a\tb\nc\n', 'a\tb\nc\n'],
  ])('%s', (_what, styled, input, expected) => {
    expect(inertOutput(input, styled)).toBe(expected);
  });
});

test('guardTerminal filters write and keeps the rest of the stream', () => {
  const sink = new PassThrough();
  const chunks: string[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c.toString()));
  const out = guardTerminal(sink);
  out.write(EVIL);
  out.write(Buffer.from(EVIL));
  expect(chunks.join('')).toBe(INERT + INERT);
  expect(out.writable).toBe(true);
});
