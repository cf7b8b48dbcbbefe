/** Event types; names are API for subscribers: never change one. */
export const CounterEvents = {
  Changed: "counter.changed",
  Snapshot: "counter.snapshot",
  ParamsUpdated: "counter.params_updated",
} as const;
