/**
 * Salesforce record IDs: a 3-character key prefix naming the object, 12 base-62 characters, and
 * (for the 18-character form) a 3-character suffix that encodes the case of the first 15 so the
 * ID survives case-insensitive systems. The API always answers with 18 characters and accepts both.
 */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character checksum suffix of a 15-character ID. */
export function idSuffix(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let flags = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) flags |= 1 << i;
    }
    out += SUFFIX[flags];
  }
  return out;
}

export function to18(id15: string): string {
  return id15 + idSuffix(id15);
}

const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[A-Za-z0-5]{3})?$/;

/** The canonical 18-character form of a 15- or 18-character ID, or undefined when malformed. */
export function normalizeId(id: string): string | undefined {
  if (!ID_SHAPE.test(id)) return undefined;
  const id15 = id.slice(0, 15);
  if (id.length === 15) return to18(id15);
  if (to18(id15) === id) return id;
  // The suffix encodes the case of the first 15 characters, so a case-mangled ID is recovered from it.
  const restored = restoreCase(id);
  return restored.slice(15) === id.slice(15).toUpperCase() ? restored : undefined;
}

function restoreCase(id18: string): string {
  const suffix = id18.slice(15).toUpperCase();
  let id15 = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const flags = SUFFIX.indexOf(suffix[chunk] ?? 'A');
    for (let i = 0; i < 5; i++) {
      const ch = id18[chunk * 5 + i] ?? '0';
      id15 += flags & (1 << i) ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  return to18(id15);
}

/** Mints IDs per key prefix from a counter, so a seeded org gets the same IDs on every run. */
export class IdMinter {
  private readonly counters = new Map<string, number>();
  /** Two characters standing for the pod/instance, as in real IDs (e.g. `003Hs...`). */
  private readonly pod: string;
  constructor(pod = '5P') {
    this.pod = pod;
  }
  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    let body = '';
    for (let v = n; v > 0; v = Math.floor(v / 62)) body = BASE62[v % 62] + body;
    return to18(prefix + this.pod + body.padStart(10, '0'));
  }
  reset(): void {
    this.counters.clear();
  }
}
