import { createHash, timingSafeEqual } from 'node:crypto';

/** A configuration value that cannot be used; the message names the variable. */
export class TenancyConfigError extends Error {}

/**
 * The API keys that identify tenants on the HTTP APIs. Parsed from `LADING_API_KEYS`:
 * `tenant-a=key-a,tenant-b=key-b` (several keys per tenant allowed, so keys can be rotated).
 * Keys are compared by SHA-256 digest in constant time; the raw key is never logged.
 */
export class TenantApiKeys {
  private readonly byDigest = new Map<string, string>();

  constructor(entries: Iterable<{ tenantId: string; apiKey: string }>) {
    for (const { tenantId, apiKey } of entries) {
      const digest = sha256(apiKey);
      const existing = this.byDigest.get(digest);
      if (existing && existing !== tenantId) {
        throw new TenancyConfigError(`LADING_API_KEYS gives one API key to two tenants (${existing}, ${tenantId})`);
      }
      this.byDigest.set(digest, tenantId);
    }
  }

  static parse(value: string | undefined, variable = 'LADING_API_KEYS'): TenantApiKeys {
    const entries = (value ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        const tenantId = pair.slice(0, at).trim();
        const apiKey = pair.slice(at + 1).trim();
        if (at <= 0 || !tenantId || apiKey.length < 8) {
          throw new TenancyConfigError(`${variable}: '${pair.replace(/=.*/, '=…')}' must be tenant=key with a key of at least 8 characters`);
        }
        return { tenantId, apiKey };
      });
    return new TenantApiKeys(entries);
  }

  /** The tenant an API key belongs to, or undefined. */
  tenantFor(apiKey: string | undefined): string | undefined {
    if (!apiKey) return undefined;
    const digest = sha256(apiKey);
    for (const [known, tenantId] of this.byDigest) {
      if (timingSafeEqual(Buffer.from(known, 'hex'), Buffer.from(digest, 'hex'))) return tenantId;
    }
    return undefined;
  }

  get size(): number {
    return this.byDigest.size;
  }
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
