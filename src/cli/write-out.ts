/**
 * Writing a command's long output (200,000 rows of `diff --json`) with the stream's back-pressure: wait for
 * `drain` when its buffer is full. A reader that went away (`| head`) destroyed the stream: nothing more is
 * written, and no drain is waited for (src/cli/bin.ts ignores the EPIPE itself).
 */
export async function writeOut(out: NodeJS.WritableStream, text: string): Promise<void> {
  if ((out as { destroyed?: boolean }).destroyed) return;
  if (!out.write(text)) {
    await new Promise<void>((resolve) => {
      // Whichever comes first; the other listener goes too (one left per wait made Node warn of a leak on stderr
      // after ten waits: `diff --json` of 25,000 paths into a slow reader).
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
    });
  }
}
