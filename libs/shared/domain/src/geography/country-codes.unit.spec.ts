import { isCountryCode, requiresRegion, usesPostalCodes } from './country-codes';

describe('country codes', () => {
  describe('given ISO 3166-1 alpha-2 codes', () => {
    it('when a code is assigned then it is a country code, in upper case only', () => {
      for (const code of ['US', 'GB', 'DE', 'JP', 'AU', 'AX', 'ZW']) expect(isCountryCode(code)).toBe(true);
      expect(isCountryCode('gb')).toBe(false);
    });

    it('when a code is not assigned (UK, EU, XX) or not two letters then it is not', () => {
      for (const code of ['UK', 'EU', 'XX', 'USA', '', 'U']) expect(isCountryCode(code)).toBe(false);
    });
  });

  describe('given a country, when asking what its addresses need', () => {
    it('then Hong Kong, the UAE and Qatar use no postal codes and the US, GB and DE do', () => {
      expect([usesPostalCodes('HK'), usesPostalCodes('AE'), usesPostalCodes('QA')]).toEqual([false, false, false]);
      expect([usesPostalCodes('US'), usesPostalCodes('GB'), usesPostalCodes('DE')]).toEqual([true, true, true]);
    });

    it('then the US, Canada, Australia, Brazil and Mexico require a region and GB and DE do not', () => {
      expect(['US', 'CA', 'AU', 'BR', 'MX'].map(requiresRegion)).toEqual([true, true, true, true, true]);
      expect(['GB', 'DE', 'JP'].map(requiresRegion)).toEqual([false, false, false]);
    });
  });
});
