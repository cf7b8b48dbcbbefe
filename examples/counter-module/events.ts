export const CounterEvents = {
  Changed: "counter.changed",
  Snapshot: "counter.snapshot",
} as const;
