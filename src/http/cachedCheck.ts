/**
 * A health check run at most once per period: callers within the period after a check started, or while it runs,
 * share its answer, so probes arriving together or every second cost one check. A check that does not settle within
 * timeoutMs counts as failed (its late answer is ignored).
 */
export interface CachedCheckOptions {
  readonly ttlMs: number;
  readonly timeoutMs: number;
  /** Milliseconds on any monotonic scale; injected by tests. */
  readonly nowMs?: () => number;
}

export function cachedCheck(
  check: () => Promise<unknown>,
  options: CachedCheckOptions,
): () => Promise<boolean> {
  const nowMs = options.nowMs ?? (() => performance.now());
  let last: { startedMs: number; answer: Promise<boolean> } | undefined;
  const run = (): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), options.timeoutMs);
      timer.unref();
      check().then(
        () => resolve(true),
        () => resolve(false),
      );
    });
  return () => {
    const now = nowMs();
    if (last === undefined || now - last.startedMs >= options.ttlMs) last = { startedMs: now, answer: run() };
    return last.answer;
  };
}
