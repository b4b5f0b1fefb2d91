/** The rate-limit invariant, checked over every window of a list of grant times. */

/** Pairs (i, j) of grant times whose window holds more grants than the bucket allows. */
export function windowViolations(
  grants: number[],
  l: { capacity: number; refillPerSecond: number },
): Array<[number, number]> {
  const sorted = [...grants].sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i; j < sorted.length; j++) {
      const allowed = l.capacity + (l.refillPerSecond * (sorted[j]! - sorted[i]!)) / 1000 + 1e-9;
      if (j - i + 1 > allowed) out.push([sorted[i]!, sorted[j]!]);
    }
  }
  return out;
}
