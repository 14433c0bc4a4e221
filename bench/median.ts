/** Median wall time in ms of `repetitions` calls of `run`, after `warmUps` calls that let the JIT settle. */
export function medianMs(run: () => unknown, repetitions: number, warmUps: number): number {
  for (let i = 0; i < warmUps; i++) run();
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}
