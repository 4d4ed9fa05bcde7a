import type { RateCard } from './rate-card-document';

/**
 * One stream per rate card: `rate-card:<rateCardId>` (the kit prefixes the tenant). Every
 * published version is an event, so the stream is the card's audit trail; versions are never
 * edited, only superseded.
 */
export const RATE_CARD_STREAM_TYPE = 'rate-card';

export function rateCardStreamId(rateCardId: string): string {
  return `${RATE_CARD_STREAM_TYPE}:${rateCardId}`;
}

/** A published version of a card: what `freightOptionsFor` prices with. */
export interface RateCardVersion {
  rateCardId: string;
  /** 1, 2, 3 … in publication order (not in effective order). */
  version: number;
  /** The card's `effectiveFrom`, normalised to `toISOString()` form. */
  effectiveFrom: string;
  card: RateCard;
  publishedAt: string;
}

export type RateCardVersionPublished = { type: 'RateCardVersionPublished'; data: RateCardVersion };

/** The card is withdrawn from `retiredAt` on: no version of it applies to a later instant. */
export type RateCardRetired = { type: 'RateCardRetired'; data: { rateCardId: string; reason: string; retiredAt: string } };

export type RateCardEvent = RateCardVersionPublished | RateCardRetired;

export type RateCardState =
  | { status: 'Unpublished' }
  /** `versions` ordered by effectiveFrom, then version: a later-published correction of the same instant wins. */
  | { status: 'Active'; rateCardId: string; versions: RateCardVersion[] }
  | { status: 'Retired'; rateCardId: string; versions: RateCardVersion[]; retiredAt: string };

export function initialRateCardState(): RateCardState {
  return { status: 'Unpublished' };
}

function byEffectiveOrder(a: RateCardVersion, b: RateCardVersion): number {
  return Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom) || a.version - b.version;
}

export function evolveRateCard(state: RateCardState, event: RateCardEvent): RateCardState {
  switch (event.type) {
    case 'RateCardVersionPublished': {
      const versions = state.status === 'Unpublished' ? [] : state.versions;
      return { status: 'Active', rateCardId: event.data.rateCardId, versions: [...versions, event.data].sort(byEffectiveOrder) };
    }
    case 'RateCardRetired':
      if (state.status !== 'Active') return state;
      return { status: 'Retired', rateCardId: state.rateCardId, versions: state.versions, retiredAt: event.data.retiredAt };
  }
}

/**
 * The version in force at `instant`: the one with the latest `effectiveFrom` at or before it
 * (the most recently published of those, if a correction re-used the instant). Undefined before
 * the first version takes effect, and from the card's retirement on; earlier instants still
 * answer, so "which card priced this shipment" can be asked of history.
 */
export function effectiveVersionAt(state: RateCardState, instant: Date): RateCardVersion | undefined {
  if (state.status === 'Unpublished') return undefined;
  const at = instant.getTime();
  if (state.status === 'Retired' && Date.parse(state.retiredAt) <= at) return undefined;
  let effective: RateCardVersion | undefined;
  for (const version of state.versions) {
    if (Date.parse(version.effectiveFrom) <= at) effective = version;
    else break;
  }
  return effective;
}

/** The versions of the tenant's cards in force at `now` (one per card at most): the rate cards a plan sees. */
export function effectiveRateCards(states: readonly RateCardState[], now: Date): RateCardVersion[] {
  return states.flatMap((state) => {
    const version = effectiveVersionAt(state, now);
    return version ? [version] : [];
  });
}
