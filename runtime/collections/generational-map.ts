/**
 * A bounded map for caches: two generations of at most `perGeneration` entries each. When
 * the young one fills, it becomes the old one and the old one is dropped, so an insert is
 * O(1) and at most 2 × perGeneration entries are held; recently set keys survive a turnover.
 */
export class GenerationalMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly perGeneration: number) {}

  get(key: K): V | undefined {
    return this.young.get(key) ?? this.old.get(key);
  }

  set(key: K, value: V): void {
    if (this.young.size >= this.perGeneration) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  delete(key: K): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }

  /** Entries held (a key in both generations counts twice). */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
