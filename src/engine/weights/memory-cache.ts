// Per-session memory cache keyed by model id (the Figma iframe has no persistent storage):
// one in-flight or finished promise per key, so concurrent callers share a download or a
// compilation; a failed or aborted attempt is forgotten so the next call retries.

export class MemoryCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  getOrCreate(key: string, create: () => Promise<T>): Promise<T> {
    let p = this.entries.get(key);
    if (!p) {
      p = create();
      this.entries.set(key, p);
      p.catch(() => {
        if (this.entries.get(key) === p) this.entries.delete(key);
      });
    }
    return p;
  }

  /** Puts a value obtained elsewhere (e.g. weights loaded from a file the user picked). */
  set(key: string, value: T): void {
    this.entries.set(key, Promise.resolve(value));
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }
}
