import { createRandom } from './random';

const draws = (seed: number, n = 5) => {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.next());
};

describe('seeded random source', () => {
  it('replays the same sequence for the same seed, and another for another seed', () => {
    expect(draws(42)).toEqual(draws(42));
    expect(draws(42)).not.toEqual(draws(43));
    expect(draws(42).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('refuses a seed that is not an integer', () => {
    expect(() => createRandom(1.5)).toThrow(RangeError);
  });

  it('draws integers over the whole inclusive range, about evenly', () => {
    const random = createRandom(7);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 60_000; i++) counts[random.int(1, 6) - 1]++;
    for (const count of counts) expect(Math.abs(count / 60_000 - 1 / 6)).toBeLessThan(0.01);
  });

  it('keeps chance() and weighted() within tolerance of their proportions', () => {
    const random = createRandom(11);
    let hits = 0;
    const picked = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 50_000; i++) {
      if (random.chance(0.07)) hits++;
      picked[random.weighted([['a', 1], ['b', 3], ['c', 6]] as const)]++;
    }
    expect(Math.abs(hits / 50_000 - 0.07)).toBeLessThan(0.005);
    expect(Math.abs(picked.a / 50_000 - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(picked.b / 50_000 - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(picked.c / 50_000 - 0.6)).toBeLessThan(0.01);
  });

  it('draws exponential gaps with the requested mean', () => {
    const random = createRandom(3);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += random.exponential(6);
    expect(Math.abs(sum / 50_000 - 6)).toBeLessThan(0.15);
  });

  it('forks a named sub-stream that does not depend on what the parent drew before', () => {
    const fresh = createRandom(5);
    const used = createRandom(5);
    used.next();
    used.next();
    expect(fresh.fork('order:1').next()).toBe(used.fork('order:1').next());
    expect(fresh.fork('order:1').next()).not.toBe(fresh.fork('order:2').next());
  });

  it('makes UUID v4-shaped ids, the same for the same seed', () => {
    const a = createRandom(9).uuid();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(createRandom(9).uuid()).toBe(a);
    const random = createRandom(9);
    const ids = new Set(Array.from({ length: 10_000 }, () => random.uuid()));
    expect(ids.size).toBe(10_000);
  });
});
