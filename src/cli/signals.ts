/** Keeps a long-running command alive until SIGINT/SIGTERM, then stops it gracefully. */
export function untilSignal(stop: () => Promise<void>): number {
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      stop().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(`shutdown failed: ${(err as Error).message}`);
          process.exit(1);
        },
      );
    });
  }
  // -1 tells main() not to exit: the servers keep the process alive.
  return -1;
}
