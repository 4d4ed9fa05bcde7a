import { newClusterId } from './kafka';

describe('a new KRaft cluster id', () => {
  it('given many new ids, then none starts with "-" (the storage tool would read it as an option) and each is 16 bytes of URL-safe base64', () => {
    const ids = Array.from({ length: 5_000 }, () => newClusterId());
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id) && Buffer.from(id, 'base64url').length === 16)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
