import { TenancyConfigError, TenantApiKeys } from './api-keys';

describe('TenantApiKeys', () => {
  it('given keys for two tenants, when a key is presented, then only its own tenant is returned', () => {
    const keys = TenantApiKeys.parse('acme=acme-secret-1, globex=globex-secret-1, acme=acme-secret-2');
    expect(keys.tenantFor('acme-secret-1')).toBe('acme');
    expect(keys.tenantFor('acme-secret-2')).toBe('acme');
    expect(keys.tenantFor('globex-secret-1')).toBe('globex');
    expect(keys.tenantFor('globex-secret-2')).toBeUndefined();
    expect(keys.tenantFor(undefined)).toBeUndefined();
    expect(keys.size).toBe(3);
  });

  it('refuses a malformed entry, naming the variable and hiding the key', () => {
    expect(() => TenantApiKeys.parse('acme:short', 'X_KEYS')).toThrow(/X_KEYS: 'acme:short' must be tenant=key/);
    expect(() => TenantApiKeys.parse('acme=short')).toThrow(/'acme=…' must be tenant=key with a key of at least 8/);
  });

  it('refuses one key given to two tenants', () => {
    expect(() => TenantApiKeys.parse('acme=same-key-123,globex=same-key-123')).toThrow(TenancyConfigError);
  });
});
