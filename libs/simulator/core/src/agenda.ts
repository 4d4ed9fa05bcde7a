/** Items due at a time, taken in time order; ties keep insertion order so a seed replays exactly. */
export class Agenda<T> {
  private readonly items: { at: number; seq: number; item: T }[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  add(at: number, item: T): void {
    const entry = { at, seq: this.seq++, item };
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.items[middle].at <= at) low = middle + 1;
      else high = middle;
    }
    this.items.splice(low, 0, entry);
  }

  /** The earliest item due at or before `until` (exclusive when `exclusive`), removed. */
  takeDue(until: number, exclusive = false): { at: number; item: T } | undefined {
    const first = this.items[0];
    if (!first || first.at > until || (exclusive && first.at === until)) return undefined;
    this.items.shift();
    return { at: first.at, item: first.item };
  }
}
