import { useEffect, useState } from 'react';
import type { VolumeInfo } from '../../core/model.js';
import type { PruneFates } from '../components/volumes-view.js';
import type { ExplorerServices } from '../services.js';

/** Each volume's fate under `volume prune` and `volume prune -a`, planned when the volumes view is shown. */
export function usePruneFates(
  services: ExplorerServices,
  active: boolean,
  volumes: readonly VolumeInfo[] | null,
): ReadonlyMap<string, PruneFates> | null {
  const [fates, setFates] = useState<ReadonlyMap<string, PruneFates> | null>(null);
  useEffect(() => {
    if (!active || volumes === null) return;
    const ac = new AbortController();
    services
      .planAll(
        [
          ['docker', 'volume', 'prune'],
          ['docker', 'volume', 'prune', '-a'],
        ],
        ac.signal,
        { measure: false },
      )
      .then(
        ([prune, all]) => {
          if (ac.signal.aborted) return;
          const gone = new Set(prune?.destroy.volumes.map((v) => v.name));
          const goneAll = new Set(all?.destroy.volumes.map((v) => v.name));
          const m = new Map<string, PruneFates>();
          for (const v of volumes) {
            m.set(v.name, {
              prune: gone.has(v.name) ? 'LOST' : 'keep',
              pruneAll: goneAll.has(v.name) ? 'LOST' : 'keep',
            });
          }
          setFates(m);
        },
        () => {
          // Leaves the fates unknown (shown as …); the preview keys still report the planner's error.
        },
      );
    return () => ac.abort();
  }, [services, active, volumes]);
  return fates;
}
