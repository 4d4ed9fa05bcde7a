import { DeciderSpecification } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import { effectiveRateCards, effectiveVersionAt, RateCardEvent, RateCardState, RateCardVersion } from './rate-card';
import { InvalidRateCardError, rateCard, RateCardCommand } from './rate-card.decide';
import type { RateCard } from './rate-card-document';
import { cardCopy, parcelCard } from './rate-card.fixtures';

const NOW = new Date('2026-02-10T12:00:00.000Z');
const spec = DeciderSpecification.for(rateCard, { now: NOW });
const publishedAt = NOW.toISOString();

const publish = (card: RateCard): RateCardCommand => ({ type: 'PublishRateCard', data: { card } });
const retire: RateCardCommand = { type: 'RetireRateCard', data: { rateCardId: parcelCard.rateCardId, reason: 'contract ended' } };

function published(card: RateCard, version: number, at = publishedAt): RateCardEvent {
  return { type: 'RateCardVersionPublished', data: { rateCardId: card.rateCardId, version, effectiveFrom: new Date(card.effectiveFrom).toISOString(), card, publishedAt: at } };
}

function withFuel(fuelSurchargePercent: string, effectiveFrom: string): RateCard {
  return { ...cardCopy(), fuelSurchargePercent, effectiveFrom };
}

const march = withFuel('12', '2026-03-01T00:00:00-05:00');
const december = withFuel('8', '2025-12-01T00:00:00Z');

describe('rate card decider', () => {
  it('publishes a valid card as version 1, effectiveFrom normalised to UTC', () => {
    spec.given([]).when(publish(parcelCard)).then([published(parcelCard, 1)]);
    expect((spec.given([]).when(publish(march)).events()[0] as { data: RateCardVersion }).data.effectiveFrom).toBe('2026-03-01T05:00:00.000Z');
  });

  it('refuses an invalid card, naming every bad field', () => {
    const bad = { ...parcelCard, currency: 'dollars', sites: [] };
    spec.given([]).when(publish(bad)).thenThrows(InvalidRateCardError);
    try {
      rateCard.decide(publish(bad), rateCard.initialState(), { now: NOW });
    } catch (error) {
      expect((error as InvalidRateCardError).problems.map((p) => p.field)).toEqual(['currency', 'sites']);
      expect((error as InvalidRateCardError).retriable).toBe(false);
    }
  });

  it('publishes each change as the next version: the stream is the audit trail', () => {
    spec.given([published(parcelCard, 1)]).when(publish(march)).then([published(march, 2)]);
  });

  it('ignores the same content again, in any key order and whichever version it was', () => {
    const reordered = Object.fromEntries(Object.entries(cardCopy()).reverse()) as unknown as RateCard;
    spec.given([published(parcelCard, 1)]).when(publish(parcelCard)).thenNothingHappens();
    spec.given([published(parcelCard, 1), published(march, 2)]).when(publish(cardCopy())).thenNothingHappens();
    expect(Object.keys(reordered)[0]).toBe('services');
    spec.given([published(parcelCard, 1)]).when(publish(reordered)).thenNothingHappens();
  });

  it('accepts a back-dated version and keeps versions in effective order', () => {
    spec.given([published(parcelCard, 1), published(march, 2)]).when(publish(december)).then([published(december, 3)]);
    const state = spec.given([published(parcelCard, 1), published(march, 2), published(december, 3)]).state();
    expect(state.status === 'Active' && state.versions.map((v) => v.version)).toEqual([3, 1, 2]);
  });

  it('refuses a command for another card on this stream', () => {
    spec
      .given([published(parcelCard, 1)])
      .when(publish({ ...parcelCard, rateCardId: 'other' }))
      .thenThrows(/rate card other reached the stream of parcelco-2026/);
  });

  it('retires a card once; a retired card takes no new version', () => {
    const retired: RateCardEvent = { type: 'RateCardRetired', data: { rateCardId: parcelCard.rateCardId, reason: 'contract ended', retiredAt: publishedAt } };
    spec.given([published(parcelCard, 1)]).when(retire).then([retired]);
    spec.given([published(parcelCard, 1), retired]).when(retire).thenNothingHappens();
    spec.given([published(parcelCard, 1), retired]).when(publish(march)).thenThrows(NonRetriableError);
    spec.given([]).when(retire).thenThrows(/never published/);
  });
});

describe('effectiveVersionAt', () => {
  const history = [published(parcelCard, 1), published(march, 2), published(december, 3)];
  const state: RateCardState = spec.given(history).state();
  const versionAt = (instant: string) => effectiveVersionAt(state, new Date(instant))?.version;

  it('answers the version with the latest effectiveFrom at or before the instant', () => {
    expect(versionAt('2025-11-30T23:59:59Z')).toBeUndefined();
    expect(versionAt('2025-12-01T00:00:00Z')).toBe(3);
    expect(versionAt('2026-01-01T00:00:00Z')).toBe(1);
    expect(versionAt('2026-03-01T04:59:59Z')).toBe(1);
    expect(versionAt('2026-03-01T05:00:00Z')).toBe(2);
  });

  it('lets a later correction of the same instant win', () => {
    const corrected = withFuel('11', march.effectiveFrom);
    const state2 = spec.given([...history, published(corrected, 4)]).state();
    expect(effectiveVersionAt(state2, new Date('2026-04-01T00:00:00Z'))?.card.fuelSurchargePercent).toBe('11');
  });

  it('answers nothing from retirement on, and history before it', () => {
    const retired = spec.given([...history, { type: 'RateCardRetired', data: { rateCardId: parcelCard.rateCardId, reason: 'ended', retiredAt: '2026-06-01T00:00:00.000Z' } }]).state();
    expect(effectiveVersionAt(retired, new Date('2026-05-31T23:59:59Z'))?.version).toBe(2);
    expect(effectiveVersionAt(retired, new Date('2026-06-01T00:00:00Z'))).toBeUndefined();
    expect(effectiveRateCards([retired, state, rateCard.initialState()], new Date('2026-07-01T00:00:00Z')).map((v) => v.version)).toEqual([2]);
  });
});
