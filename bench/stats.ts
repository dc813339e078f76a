/** Latency summary of a sample, in milliseconds. */
export type Stats = { n: number; p50: number; p95: number; p99: number; max: number };

/** Percentiles (nearest rank) of a sample. */
export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? 0;
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s.at(-1) ?? 0 };
}

/** A number of milliseconds, rounded for a table. */
export function ms(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}
