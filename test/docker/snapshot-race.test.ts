import { describe, expect, test } from 'vitest';
import type { ContainerInfo } from '../../src/core/model.js';
import { readSnapshot } from '../../src/docker/snapshot.js';
import { loadFixture, MemoryPort } from '../helpers/memory-port.js';

/** A port whose container list still names a container that is removed before its inspect (another client). */
class RacingPort extends MemoryPort {
  victim = '';
  override async listContainers(): Promise<ContainerInfo[]> {
    const listed = [...this.containers];
    this.containers = this.containers.filter((c) => c.id !== this.victim);
    return listed;
  }
}

describe('readSnapshot', () => {
  test('a container removed between the list and its inspect is left out, not a failure (exit 4)', async () => {
    const port = new RacingPort(loadFixture());
    const [gone, kept] = port.containers;
    if (!gone || !kept) throw new Error('the demo fixture has containers');
    port.victim = gone.id;
    const snapshot = await readSnapshot(port, {
      configDir: '/nonexistent',
      inspect: () => [gone.id, kept.id],
      needs: { networks: false, images: false },
    });
    expect(snapshot.containers.map((c) => c.id)).not.toContain(gone.id);
    expect(snapshot.containers.map((c) => c.id)).toContain(kept.id);
  });
});
