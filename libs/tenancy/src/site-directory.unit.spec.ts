import { TenancyConfigError } from './api-keys';
import { SiteDirectory } from './site-directory';

describe('SiteDirectory', () => {
  const directory = SiteDirectory.parse(
    JSON.stringify([
      { siteId: 'US-NJ1', operator: 'north-3pl', serves: ['tenant-01', 'tenant-02'] },
      { siteId: 'DE-HAM', operator: 'tenant-03', serves: '*' },
    ]),
  );

  it('given a shared 3PL site, then it serves only its tenants, and only they and its operator may report it', () => {
    expect(directory.serves('US-NJ1', 'tenant-01')).toBe(true);
    expect(directory.serves('US-NJ1', 'tenant-02')).toBe(true);
    expect(directory.serves('US-NJ1', 'tenant-03')).toBe(false);
    expect(directory.mayReport('US-NJ1', 'north-3pl')).toBe(true);
    expect(directory.mayReport('US-NJ1', 'tenant-02')).toBe(true);
    expect(directory.mayReport('US-NJ1', 'tenant-03')).toBe(false);
    expect(directory.refusalOf('US-NJ1', 'tenant-03')).toBe('tenant tenant-03 is neither the operator (north-3pl) of site US-NJ1 nor served by it');
  });

  it('given a site serving everyone and a site not listed, then everyone may use the first and nobody the second', () => {
    expect(directory.serves('DE-HAM', 'anyone')).toBe(true);
    expect(directory.serves('JP-OSA', 'tenant-01')).toBe(false);
    expect(directory.mayReport('JP-OSA', 'tenant-01')).toBe(false);
    expect(directory.refusalOf('JP-OSA', 'tenant-01')).toMatch(/not in the site directory/);
  });

  it('given no LADING_SITES, then the directory is open', () => {
    const open = SiteDirectory.parse(undefined);
    expect(open.isOpen).toBe(true);
    expect(open.serves('ANY', 'tenant-09')).toBe(true);
    expect(open.mayReport('ANY', 'tenant-09')).toBe(true);
  });

  it('refuses a malformed directory, naming the variable and the entry', () => {
    expect(() => SiteDirectory.parse('[{')).toThrow(/LADING_SITES is not JSON/);
    expect(() => SiteDirectory.parse('[{"siteId":"A","operator":"o","serves":"all"}]')).toThrow(/LADING_SITES\[0\]\.serves must be "\*" or an array/);
    expect(() => SiteDirectory.parse('[{"siteId":"A","operator":"o","serves":[]},{"siteId":"A","operator":"o","serves":[]}]')).toThrow(TenancyConfigError);
    expect(() => SiteDirectory.parse('[{"siteId":"","operator":"o","serves":[]}]', 'X')).toThrow(/X\[0\]\.siteId/);
  });
});
