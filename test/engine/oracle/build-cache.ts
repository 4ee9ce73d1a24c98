/**
 * Build cache for engine tests, made without a registry: buildx 0.29 (Debian sid's, the 28.5.2 engine's plugin)
 * linked into a docker CLI config of the engine's own, and builds `FROM scratch` with `COPY`.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildCacheRecord } from '../../../src/core/model.js';
import { repoRoot, type TestEngine } from '../harness.js';
import { sharedPort } from './oracle.js';

const BUILDX = join(repoRoot, '.cache/engines/current/usr/libexec/docker/cli-plugins/docker-buildx');

/** A docker CLI config of this engine with the buildx plugin (the harness's own config has Compose only). */
export function buildxConfig(e: TestEngine): string {
  const dir = join(e.dir, 'bx-config');
  mkdirSync(join(dir, 'cli-plugins'), { recursive: true });
  try {
    symlinkSync(BUILDX, join(dir, 'cli-plugins/docker-buildx'));
    writeFileSync(join(dir, 'config.json'), '{}\n');
  } catch {
    // Already there (an earlier scenario on this engine).
  }
  return dir;
}

/** The engine's build cache records, as lastlook's adapter reads them from `/system/df` (one adapter per engine). */
export async function buildCache(e: TestEngine): Promise<BuildCacheRecord[]> {
  return (await sharedPort(e).listBuildCache?.()) ?? [];
}

export async function cacheIds(e: TestEngine): Promise<string[]> {
  return (await buildCache(e)).map((b) => b.id).sort();
}
