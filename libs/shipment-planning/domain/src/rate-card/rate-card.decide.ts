import { assertNever, Decider, DecisionContext } from '@lading/decider';
import { NonRetriableError } from '@lading/errors';
import { canonicalJson, FieldProblem } from '../field-problem';
import { evolveRateCard, initialRateCardState, RateCardEvent, RateCardState } from './rate-card';
import type { RateCard } from './rate-card-document';
import { validateRateCard } from './validate-rate-card';

/** Publish a (new version of a) card: the full card JSON, as the HTTP API received it. */
export type PublishRateCard = { type: 'PublishRateCard'; data: { card: RateCard } };
/** Withdraw a card from now on (a contract ended). */
export type RetireRateCard = { type: 'RetireRateCard'; data: { rateCardId: string; reason: string } };

export type RateCardCommand = PublishRateCard | RetireRateCard;

/** A card that fails `validateRateCard`; the problems name each field (the API checks first and answers 400). */
export class InvalidRateCardError extends NonRetriableError {
  constructor(readonly problems: FieldProblem[]) {
    super(`invalid rate card: ${problems.map((p) => `${p.field}: ${p.problem}`).join('; ')}`, 'INVALID_RATE_CARD');
  }
}

function requireStream(state: RateCardState, rateCardId: string): void {
  if (state.status !== 'Unpublished' && state.rateCardId !== rateCardId)
    throw new NonRetriableError(`command for rate card ${rateCardId} reached the stream of ${state.rateCardId}`, 'RATE_CARD_STREAM_MISMATCH');
}

/**
 * A valid card becomes the next version. The same content as any version already published
 * (keys in any order) is a redelivery or a retried request: nothing happens. A card may take
 * effect before the current version (back-dated history): versions are numbered in publication
 * order and kept in effective order. A retired card takes no new version: publish a new card id.
 */
export function publishRateCard(command: PublishRateCard, state: RateCardState, { now }: DecisionContext): RateCardEvent[] {
  const { card } = command.data;
  const problems = validateRateCard(card);
  if (problems.length > 0) throw new InvalidRateCardError(problems);
  requireStream(state, card.rateCardId);
  switch (state.status) {
    case 'Unpublished':
    case 'Active': {
      const versions = state.status === 'Active' ? state.versions : [];
      const content = canonicalJson(card);
      if (versions.some((version) => canonicalJson(version.card) === content)) return [];
      const version = versions.reduce((highest, v) => Math.max(highest, v.version), 0) + 1;
      const effectiveFrom = new Date(card.effectiveFrom).toISOString();
      return [{ type: 'RateCardVersionPublished', data: { rateCardId: card.rateCardId, version, effectiveFrom, card, publishedAt: now.toISOString() } }];
    }
    case 'Retired':
      throw new NonRetriableError(`rate card ${card.rateCardId} was retired at ${state.retiredAt}; publish it under a new id`, 'RATE_CARD_RETIRED');
    default:
      return assertNever(state, 'rate card state');
  }
}

/** Retires an active card; retiring a retired card changes nothing; a card never published cannot be retired. */
export function retireRateCard(command: RetireRateCard, state: RateCardState, { now }: DecisionContext): RateCardEvent[] {
  const { rateCardId, reason } = command.data;
  requireStream(state, rateCardId);
  switch (state.status) {
    case 'Unpublished':
      throw new NonRetriableError(`rate card ${rateCardId} was never published`, 'RATE_CARD_NOT_FOUND');
    case 'Active':
      return [{ type: 'RateCardRetired', data: { rateCardId, reason, retiredAt: now.toISOString() } }];
    case 'Retired':
      return [];
    default:
      return assertNever(state, 'rate card state');
  }
}

export function decideRateCard(command: RateCardCommand, state: RateCardState, context: DecisionContext): RateCardEvent[] {
  switch (command.type) {
    case 'PublishRateCard':
      return publishRateCard(command, state, context);
    case 'RetireRateCard':
      return retireRateCard(command, state, context);
    default:
      return assertNever(command, 'rate card command');
  }
}

/** The rate card decider; stream `rate-card:<rateCardId>`. */
export const rateCard: Decider<RateCardCommand, RateCardEvent, RateCardState> = {
  initialState: initialRateCardState,
  decide: decideRateCard,
  evolve: evolveRateCard,
};
