import { TenancyConfigError } from './api-keys';

/** One warehouse site in the directory: who runs it and which tenants it serves. */
export interface SiteEntry {
  siteId: string;
  /** The operator (the 3PL or the partner) that runs the site; its WMS reports the site's status. */
  operator: string;
  /** Tenants the site serves; '*' = every tenant (a company's own warehouse, a single-tenant install). */
  serves: readonly string[] | '*';
}

/**
 * Who may use and who may change a warehouse site (DESIGN §9). A site is a physical resource
 * shared by tenants: it belongs to its operator, not to any tenant. Its status, release window
 * and capacity (one pool per site-day, shared by every tenant it serves) are the operator's:
 * a status report is accepted from the operator or from a tenant the site serves (a 3PL's WMS
 * speaks for each of its clients), and from nobody else. A tenant's order may only be released
 * to a site that serves it.
 *
 * From `LADING_SITES`, JSON: `[{"siteId":"US-NJ1","operator":"acme-3pl","serves":["tenant-01","tenant-02"]}]`.
 * Unset: the open directory — every site serves every tenant and anyone may report (a single
 * company's installation); a multi-tenant installation must set it.
 */
export class SiteDirectory {
  private readonly sites: ReadonlyMap<string, SiteEntry> | undefined;

  private constructor(entries: readonly SiteEntry[] | undefined) {
    this.sites = entries && new Map(entries.map((entry) => [entry.siteId, entry]));
  }

  /** Every site serves every tenant; anyone may report. */
  static open(): SiteDirectory {
    return new SiteDirectory(undefined);
  }

  static of(entries: readonly SiteEntry[]): SiteDirectory {
    const seen = new Set<string>();
    for (const entry of entries) {
      if (seen.has(entry.siteId)) throw new TenancyConfigError(`site ${entry.siteId} is listed twice`);
      seen.add(entry.siteId);
    }
    return new SiteDirectory(entries);
  }

  static parse(value: string | undefined, variable = 'LADING_SITES'): SiteDirectory {
    if (value === undefined || value.trim() === '') return SiteDirectory.open();
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch (error) {
      throw new TenancyConfigError(`${variable} is not JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(json)) throw new TenancyConfigError(`${variable} must be a JSON array of { siteId, operator, serves }`);
    const text = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
    return SiteDirectory.of(
      json.map((entry: Record<string, unknown>, index) => {
        const at = `${variable}[${index}]`;
        if (typeof entry !== 'object' || entry === null) throw new TenancyConfigError(`${at} must be an object`);
        if (!text(entry.siteId)) throw new TenancyConfigError(`${at}.siteId must be a non-empty string`);
        if (!text(entry.operator)) throw new TenancyConfigError(`${at}.operator must be a non-empty string`);
        const serves = entry.serves;
        if (serves !== '*' && !(Array.isArray(serves) && serves.every(text))) throw new TenancyConfigError(`${at}.serves must be "*" or an array of tenant ids`);
        return { siteId: entry.siteId as string, operator: entry.operator as string, serves: serves as SiteEntry['serves'] };
      }),
    );
  }

  /** True when no directory is configured (every site serves every tenant). */
  get isOpen(): boolean {
    return this.sites === undefined;
  }

  /** Whether `siteId` serves `tenantId`: its orders may be released there. */
  serves(siteId: string, tenantId: string): boolean {
    if (!this.sites) return true;
    const site = this.sites.get(siteId);
    return !!site && (site.serves === '*' || site.serves.includes(tenantId));
  }

  /** Whether a status of `siteId` reported by `principal` (the message's tenant) may change the site. */
  mayReport(siteId: string, principal: string): boolean {
    if (!this.sites) return true;
    const site = this.sites.get(siteId);
    return !!site && (site.operator === principal || this.serves(siteId, principal));
  }

  /** Why `principal` may not report `siteId` (for the dead-letter reason). */
  refusalOf(siteId: string, principal: string): string {
    const site = this.sites?.get(siteId);
    if (!site) return `site ${siteId} is not in the site directory (LADING_SITES)`;
    return `tenant ${principal} is neither the operator (${site.operator}) of site ${siteId} nor served by it`;
  }

  entries(): SiteEntry[] {
    return this.sites ? [...this.sites.values()] : [];
  }
}
