import type { RateCard } from '../rate-card/rate-card-document';
import { box, calendars, cards, ltlCard, NOW, parcelCard, request, usd, versionOf } from './freight-options.fixtures';
import { FreightOption, freightOptionsFor, IneligibilityCode } from './freight-options';
import { InvalidFreightRequestError, type FreightRequest } from './freight-request';

const optionsFor = (changes: Partial<FreightRequest> = {}, versions = cards, now = NOW) => freightOptionsFor({ ...request, ...changes }, versions, calendars, now);
const byId = (options: FreightOption[]) => Object.fromEntries(options.map((option) => [option.optionId, option]));
const codes = (option: FreightOption): IneligibilityCode[] => option.ineligibility.map((reason) => reason.code);

describe('freightOptionsFor', () => {
  it('evaluates every service of every card in force: priced, dated and compared with the promise', () => {
    const options = optionsFor();
    expect(options.map((o) => [o.optionId, o.eligible, o.price?.total.amount, o.pickupDate, o.estimatedDeliveryDate, o.meetsPromise])).toEqual([
      // Thursday 10:00 in New York, before both cut-offs: collected today. PARCELCO keeps Martin Luther King Jr. Day (Monday 19th), FREIGHTLINE does not.
      ['freightline-2026/LTL', true, '147.00', '2026-01-15', '2026-01-21', false],
      ['parcelco-2026/GROUND', true, '8.80', '2026-01-15', '2026-01-21', false],
      ['parcelco-2026/2DAY', true, '17.60', '2026-01-15', '2026-01-20', true],
      ['parcelco-2026/OVERNIGHT', true, '39.60', '2026-01-15', '2026-01-16', true],
    ]);
    expect(options[1]).toEqual({
      optionId: 'parcelco-2026/GROUND',
      rateCardId: 'parcelco-2026',
      rateCardVersion: 1,
      carrierId: 'PARCELCO',
      serviceLevel: 'GROUND',
      eligible: true,
      ineligibility: [],
      zoneId: 'US',
      price: {
        packages: [{ packageId: 'P1', actualKg: 4, dimensionalKg: 1.2, billableKg: 4 }],
        billableWeightKg: 4,
        weightBreakUpToKg: 10,
        ratePerKg: '2.00',
        weightCharge: '8.00',
        minimumCharge: '8.00',
        minimumApplied: false,
        freightCharge: '8.00',
        fuelSurchargePercent: '10',
        fuelSurcharge: '0.80',
        accessorials: [],
        total: usd('8.80'),
      },
      pickupDate: '2026-01-15',
      transitBusinessDays: 3,
      estimatedDeliveryDate: '2026-01-21',
      meetsPromise: false,
    });
  });

  it('takes the transit time of the most specific zone', () => {
    const newark = optionsFor({ shipTo: { ...request.shipTo, city: 'Newark', region: 'NJ', postalCode: '07102' } });
    expect(byId(newark)['parcelco-2026/GROUND']).toMatchObject({ zoneId: 'US-NY-METRO', transitBusinessDays: 1, estimatedDeliveryDate: '2026-01-16' });
  });

  it('lists every reason a service is ineligible, and still prices and dates what it can', () => {
    const heavyHazmat = optionsFor({ hazmat: true, packages: [box('P1', 4), box('P2', 35)] });
    expect(byId(heavyHazmat)['parcelco-2026/2DAY']).toMatchObject({
      eligible: false,
      ineligibility: [
        { code: 'PACKAGE_OVER_MAX_WEIGHT', message: 'PARCELCO 2DAY takes packages up to 30 kg: P2 weigh more' },
        { code: 'HAZMAT_NOT_ACCEPTED', message: 'PARCELCO 2DAY does not accept hazardous materials' },
      ],
      // 39 kg in the 10–50 kg break at 3.50 = 136.50; fuel 13.65
      price: { total: usd('150.15') },
      estimatedDeliveryDate: '2026-01-20',
    });
    expect(codes(byId(heavyHazmat)['parcelco-2026/GROUND'])).toEqual(['PACKAGE_OVER_MAX_WEIGHT']);
    expect(byId(heavyHazmat)['freightline-2026/LTL'].eligible).toBe(true);
  });

  it('refuses origins and destinations the card does not serve', () => {
    const fromCalifornia = optionsFor({ siteId: 'US-CA9' });
    expect(fromCalifornia.map(codes)).toEqual([['ORIGIN_NOT_SERVED'], ['ORIGIN_NOT_SERVED'], ['ORIGIN_NOT_SERVED'], ['ORIGIN_NOT_SERVED']]);
    expect(fromCalifornia[0].pickupDate).toBeUndefined();

    const toToronto = optionsFor({ shipTo: { ...request.shipTo, city: 'Toronto', region: 'ON', postalCode: 'M5V 2T6', countryCode: 'CA' } });
    expect(toToronto.map(codes)).toEqual([['DESTINATION_NOT_COVERED'], ['DESTINATION_NOT_COVERED'], ['DESTINATION_NOT_COVERED'], ['DESTINATION_NOT_COVERED']]);
    expect([toToronto[0].pickupDate, toToronto[0].price, toToronto[0].estimatedDeliveryDate]).toEqual(['2026-01-15', undefined, undefined]);
    expect(toToronto[0].ineligibility[0].message).toBe('FREIGHTLINE LTL does not deliver to CA M5V 2T6');
  });

  it('refuses a service that is not offered from the site, though the card serves it', () => {
    const onlyFromTheDc: RateCard = { ...ltlCard, sites: [...ltlCard.sites, { siteId: 'US-DC1', pickupCutOff: '16:00' }], services: [{ ...ltlCard.services[0], originSiteIds: ['US-DC1'] }] };
    expect(codes(freightOptionsFor(request, [versionOf(onlyFromTheDc)], calendars, NOW)[0])).toEqual(['ORIGIN_NOT_SERVED']);
  });

  it('refuses a card in another currency than the shipment is paid in', () => {
    const euroCard: RateCard = JSON.parse(JSON.stringify(ltlCard).replace(/"USD"/g, '"EUR"').replace('freightline-2026', 'freightline-eu'));
    const [option] = freightOptionsFor(request, [versionOf(euroCard)], calendars, NOW);
    expect(option).toMatchObject({ eligible: false, ineligibility: [{ code: 'CURRENCY_MISMATCH', message: 'FREIGHTLINE LTL is rated in EUR, the shipment is paid in USD' }] });
    expect(option.price?.total).toEqual({ amount: '147.00', currency: 'EUR' });
  });

  it('refuses a shipment beyond the last weight break, and a liftgate the card does not offer', () => {
    const tooHeavy = optionsFor({ packages: Array.from({ length: 17 }, (_, i) => box(`P${i}`, 30)) });
    expect(codes(byId(tooHeavy)['parcelco-2026/GROUND'])).toEqual(['SHIPMENT_OVER_MAX_WEIGHT']);
    expect(byId(tooHeavy)['parcelco-2026/GROUND'].ineligibility[0].message).toBe('PARCELCO GROUND rates shipments up to 500 kg billable');
    const liftgate = optionsFor({ liftgateRequired: true });
    expect(liftgate.map((o) => [o.optionId, codes(o)])).toEqual([
      ['freightline-2026/LTL', []],
      ['parcelco-2026/GROUND', ['LIFTGATE_NOT_OFFERED']],
      ['parcelco-2026/2DAY', ['LIFTGATE_NOT_OFFERED']],
      ['parcelco-2026/OVERNIGHT', ['LIFTGATE_NOT_OFFERED']],
    ]);
    expect(liftgate[0].price?.total).toEqual(usd('222.00'));
  });

  it('uses, per card, the version in force at now', () => {
    const pricier: RateCard = { ...parcelCard, fuelSurchargePercent: '20', effectiveFrom: '2026-01-10T00:00:00Z' };
    const future: RateCard = { ...parcelCard, fuelSurchargePercent: '30', effectiveFrom: '2026-02-01T00:00:00Z' };
    const versions = [versionOf(future, 3), versionOf(parcelCard, 1), versionOf(pricier, 2)];
    expect(freightOptionsFor(request, versions, calendars, NOW).map((o) => [o.rateCardVersion, o.price?.fuelSurchargePercent])).toEqual([
      [2, '20'],
      [2, '20'],
      [2, '20'],
    ]);
    expect(freightOptionsFor(request, [versionOf(future, 3)], calendars, NOW)).toEqual([]);
  });

  it('gives the same options whatever order the cards come in', () => {
    expect(freightOptionsFor(request, [...cards].reverse(), calendars, NOW)).toEqual(optionsFor());
  });

  it('refuses a request it cannot plan, naming each field', () => {
    const bad = { ...request, packages: [{ ...box(), weight: 0, lengthUnit: 'CUBIT' as 'CM' }], currency: 'usd', promisedDeliveryAt: 'tomorrow' };
    expect(() => freightOptionsFor(bad, cards, { ...calendars, consigneeTimeZone: 'Mars/Olympus' }, NOW)).toThrow(InvalidFreightRequestError);
    try {
      freightOptionsFor(bad, cards, { ...calendars, consigneeTimeZone: 'Mars/Olympus' }, NOW);
    } catch (error) {
      expect((error as InvalidFreightRequestError).problems.map((p) => p.field)).toEqual([
        'packages[0].weight',
        'packages[0].lengthUnit',
        'promisedDeliveryAt',
        'currency',
        'calendars.consigneeTimeZone',
      ]);
    }
  });
});
