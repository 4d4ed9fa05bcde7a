import { PostalAddress, postalCodePrefixMatches, validatePostalAddress } from './postal-address';

const NEW_YORK: PostalAddress = { name: 'Acme Receiving', line1: '1 Main St', city: 'Albany', region: 'NY', postalCode: '12207', countryCode: 'US' };

describe('postal address', () => {
  describe('given a complete address', () => {
    it('when validated then there is no problem', () => {
      expect(validatePostalAddress(NEW_YORK)).toEqual([]);
      expect(validatePostalAddress({ name: 'Depot', line1: '10 Downing St', city: 'London', postalCode: 'SW1A 2AA', countryCode: 'GB' })).toEqual([]);
    });

    it('when the country uses no postal codes (Hong Kong) then none is needed', () => {
      expect(validatePostalAddress({ name: 'Depot', line1: '1 Queen’s Rd', city: 'Hong Kong', countryCode: 'HK' })).toEqual([]);
    });
  });

  describe('given an incomplete address', () => {
    it('when name, line and city are blank then each is MISSING, in field order', () => {
      expect(validatePostalAddress({ ...NEW_YORK, name: ' ', line1: '', city: undefined as unknown as string })).toEqual([
        { field: 'name', problem: 'MISSING' },
        { field: 'line1', problem: 'MISSING' },
        { field: 'city', problem: 'MISSING' },
      ]);
    });

    it('when a US address lacks its postal code and state then both are MISSING', () => {
      expect(validatePostalAddress({ ...NEW_YORK, postalCode: undefined, region: ' ' })).toEqual([
        { field: 'postalCode', problem: 'MISSING' },
        { field: 'region', problem: 'MISSING' },
      ]);
    });

    it('when a German address has no region then that is fine, but no postal code is not', () => {
      expect(validatePostalAddress({ name: 'Lager', line1: 'Hauptstr. 1', city: 'München', countryCode: 'DE' })).toEqual([{ field: 'postalCode', problem: 'MISSING' }]);
    });

    it('when the country is UK (not ISO) or lower case then it is INVALID and the country-dependent checks are skipped', () => {
      expect(validatePostalAddress({ ...NEW_YORK, countryCode: 'UK', postalCode: undefined })).toEqual([{ field: 'countryCode', problem: 'INVALID' }]);
      expect(validatePostalAddress({ ...NEW_YORK, countryCode: 'us' })).toEqual([{ field: 'countryCode', problem: 'INVALID' }]);
    });

    it('when the country is missing then it is MISSING', () => {
      expect(validatePostalAddress({ ...NEW_YORK, countryCode: '' })).toEqual([{ field: 'countryCode', problem: 'MISSING' }]);
    });

    it('when there is no address at all then line1 is MISSING', () => {
      expect(validatePostalAddress(undefined)).toEqual([{ field: 'line1', problem: 'MISSING' }]);
    });
  });

  describe('given destination zones by postal prefix', () => {
    it('when case and spaces differ then the prefix still matches', () => {
      expect(postalCodePrefixMatches('sw1a 1aa', 'SW1A')).toBe(true);
      expect(postalCodePrefixMatches('K1A 0B1', 'k1a0')).toBe(true);
      expect(postalCodePrefixMatches('12207-1234', '122')).toBe(true);
    });

    it('when the code starts otherwise then it does not match', () => {
      expect(postalCodePrefixMatches('SW1A 1AA', 'SW2')).toBe(false);
      expect(postalCodePrefixMatches('1220', '12207')).toBe(false);
    });

    it('when the prefix is blank or the code absent then nothing matches', () => {
      expect(postalCodePrefixMatches('SW1A 1AA', '')).toBe(false);
      expect(postalCodePrefixMatches('SW1A 1AA', '  ')).toBe(false);
      expect(postalCodePrefixMatches(undefined, 'SW1A')).toBe(false);
    });
  });
});
