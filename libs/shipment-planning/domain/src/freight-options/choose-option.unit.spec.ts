import { calendars, cards, NOW, request, usd } from './freight-options.fixtures';
import { chooseOption } from './choose-option';
import { FreightOption, freightOptionsFor } from './freight-options';

const noPreference = { carrierOrder: [] };

/** A synthetic eligible option: only what the choice reads. */
function option(optionId: string, total: string, estimatedDeliveryDate: string, meetsPromise: boolean): FreightOption {
  const [carrierId, serviceLevel] = optionId.split('/');
  return {
    optionId,
    rateCardId: carrierId.toLowerCase(),
    rateCardVersion: 1,
    carrierId,
    serviceLevel,
    eligible: true,
    ineligibility: [],
    price: { total: usd(total) } as FreightOption['price'],
    pickupDate: '2026-01-15',
    transitBusinessDays: 1,
    estimatedDeliveryDate,
    meetsPromise,
  };
}

const ineligible = (optionId: string): FreightOption => ({ ...option(optionId, '1.00', '2026-01-16', true), eligible: false, ineligibility: [{ code: 'HAZMAT_NOT_ACCEPTED', message: 'no hazmat' }] });
const ids = (options: readonly FreightOption[]) => options.map((o) => o.optionId);

describe('chooseOption', () => {
  it('chooses the cheapest option that meets the promise, then ranks the rest for re-booking', () => {
    const choice = chooseOption(freightOptionsFor(request, cards, calendars, NOW), noPreference);
    expect(choice.outcome).toBe('MEETS_PROMISE');
    expect(choice.chosen?.optionId).toBe('parcelco-2026/2DAY');
    // Meeting the promise, cheapest first; then the late ones, earliest first (GROUND and LTL both on the 21st: cheaper first).
    expect(ids(choice.ranking)).toEqual(['parcelco-2026/2DAY', 'parcelco-2026/OVERNIGHT', 'parcelco-2026/GROUND', 'freightline-2026/LTL']);
  });

  it('never chooses an ineligible option, however cheap', () => {
    const choice = chooseOption([ineligible('CHEAP/X'), option('A/GROUND', '10.00', '2026-01-19', true)], noPreference);
    expect(ids(choice.ranking)).toEqual(['A/GROUND']);
  });

  it('breaks a tie of cost by the earlier delivery', () => {
    const choice = chooseOption([option('A/GROUND', '10.00', '2026-01-19', true), option('B/EXPRESS', '10.00', '2026-01-16', true)], noPreference);
    expect(choice.chosen?.optionId).toBe('B/EXPRESS');
  });

  it('breaks a tie of cost and date by the tenant carrier preference, unlisted carriers last', () => {
    const tied = [option('A/GROUND', '10.00', '2026-01-19', true), option('B/GROUND', '10.0', '2026-01-19', true), option('C/GROUND', '10.00', '2026-01-19', true)];
    expect(ids(chooseOption(tied, { carrierOrder: ['C', 'B'] }).ranking)).toEqual(['C/GROUND', 'B/GROUND', 'A/GROUND']);
    expect(ids(chooseOption(tied, { carrierOrder: ['B'] }).ranking)).toEqual(['B/GROUND', 'A/GROUND', 'C/GROUND']);
    // No preference: the option id settles it, so the choice never depends on input order.
    expect(ids(chooseOption([...tied].reverse(), noPreference).ranking)).toEqual(['A/GROUND', 'B/GROUND', 'C/GROUND']);
  });

  it('prefers a cheaper option to a preferred carrier', () => {
    const choice = chooseOption([option('PREFERRED/GROUND', '10.01', '2026-01-19', true), option('OTHER/GROUND', '10.00', '2026-01-19', true)], { carrierOrder: ['PREFERRED'] });
    expect(choice.chosen?.optionId).toBe('OTHER/GROUND');
  });

  it('chooses the earliest delivery when nothing meets the promise: promise at risk', () => {
    const late = [option('A/GROUND', '10.00', '2026-01-23', false), option('B/EXPRESS', '40.00', '2026-01-21', false), option('C/EXPRESS', '35.00', '2026-01-21', false)];
    const choice = chooseOption(late, noPreference);
    expect(choice.outcome).toBe('PROMISE_AT_RISK');
    expect(ids(choice.ranking)).toEqual(['C/EXPRESS', 'B/EXPRESS', 'A/GROUND']);
  });

  it('chooses nothing when no option is eligible', () => {
    expect(chooseOption([ineligible('A/GROUND')], noPreference)).toEqual({ outcome: 'NO_CARRIER', ranking: [] });
    expect(chooseOption([], noPreference)).toEqual({ outcome: 'NO_CARRIER', ranking: [] });
  });

  it('refuses to compare options in different currencies', () => {
    const euro = { ...option('EU/GROUND', '9.00', '2026-01-19', true), price: { total: { amount: '9.00', currency: 'EUR' } } as FreightOption['price'] };
    expect(() => chooseOption([option('A/GROUND', '10.00', '2026-01-19', true), euro], noPreference)).toThrow(/currency mismatch/);
  });
});
