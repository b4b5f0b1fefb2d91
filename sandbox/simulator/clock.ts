/**
 * The simulator's clock: virtual time that runs `speed` times faster than real time, or jumps
 * straight to the next event when `speed` is Infinity (tests). Event times sent to the emulator
 * are virtual, so results do not depend on how fast the machine is.
 */
export interface SimClock {
  /** Wait until virtual time `t` (returns at once in instant mode); false when aborted. */
  until(t: number, signal?: AbortSignal): Promise<boolean>;
}

export function createClock(
  startAt: number,
  speed: number,
  realNow: () => number = () => performance.now(),
): SimClock {
  if (!(speed > 0)) throw new Error('speed must be > 0 (Infinity for instant)');
  const realStart = realNow();
  return {
    async until(t, signal) {
      if (signal?.aborted) return false;
      if (speed === Infinity) return true;
      const waitMs = (t - startAt) / speed - (realNow() - realStart);
      if (waitMs <= 0) return true;
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve(true);
        }, waitMs);
        const onAbort = () => {
          clearTimeout(timer);
          resolve(false);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
