import { useEffect, useState } from 'react';
import { api, type Item } from './api';

// Items do not change after import, so one fetch per item serves the review queue, the
// submissions browser and the prefetch of the next submission. Bounded so a long review
// session does not hold every item it ever saw.
const MAX = 300;
const cache = new Map<string, Promise<Item>>();

export function loadItem(id: string): Promise<Item> {
  let p = cache.get(id);
  if (!p) {
    p = api.item(id);
    p.catch(() => cache.delete(id)); // a failed fetch is retried next time
    cache.set(id, p);
    if (cache.size > MAX) cache.delete(cache.keys().next().value!);
  }
  return p;
}

/** The item with this id ([item, error]); undefined while loading or when no id. */
export function useItem(id: string | undefined): [Item | undefined, unknown] {
  const [state, setState] = useState<{ id?: string; item?: Item; err?: unknown }>({});
  useEffect(() => {
    if (!id) return;
    let live = true;
    loadItem(id).then((item) => live && setState({ id, item }), (err) => live && setState({ id, err }));
    return () => { live = false; };
  }, [id]);
  return state.id === id ? [state.item, state.err] : [undefined, undefined];
}

export function clearItemCache() { cache.clear(); }
