import { compareLocalDates } from '@lading/shared-domain';
import { compareMoney } from '../money/money';
import { EligibleFreightOption, FreightOption, isEligible } from './freight-options';

/** The tenant's carriers in order of preference; breaks ties of cost and date. Unlisted carriers come after listed ones. */
export interface CarrierPreferences {
  carrierOrder: readonly string[];
}

export type ChoiceOutcome = 'MEETS_PROMISE' | 'PROMISE_AT_RISK' | 'NO_CARRIER';

/**
 * The choice and the order to try bookings in. `ranking` holds every eligible option: first
 * those that meet the promise, cheapest first (then earlier delivery, then carrier preference);
 * then those that do not, earliest delivery first (then cheaper, then preference). The option id
 * settles any remaining tie, so the ranking never depends on the order options were given in.
 */
export type FreightChoice =
  | { outcome: 'MEETS_PROMISE' | 'PROMISE_AT_RISK'; chosen: EligibleFreightOption; ranking: EligibleFreightOption[] }
  | { outcome: 'NO_CARRIER'; chosen?: undefined; ranking: [] };

function preferenceRank(preferences: CarrierPreferences, carrierId: string): number {
  const index = preferences.carrierOrder.indexOf(carrierId);
  return index < 0 ? preferences.carrierOrder.length : index;
}

function byId(a: FreightOption, b: FreightOption): number {
  return a.optionId < b.optionId ? -1 : a.optionId > b.optionId ? 1 : 0;
}

/**
 * Cheapest option that meets the promise (ties: earlier delivery, then the tenant's carrier
 * preference). None meets it: the earliest-delivering eligible option, outcome PROMISE_AT_RISK.
 * None eligible: NO_CARRIER, nothing chosen. All eligible options must be in one currency (they
 * are, when they come from one request: other currencies are ineligible).
 */
export function chooseOption(options: readonly FreightOption[], preferences: CarrierPreferences): FreightChoice {
  const eligible = options.filter(isEligible);
  const preference = (a: EligibleFreightOption, b: EligibleFreightOption) => preferenceRank(preferences, a.carrierId) - preferenceRank(preferences, b.carrierId);
  const cost = (a: EligibleFreightOption, b: EligibleFreightOption) => compareMoney(a.price.total, b.price.total);
  const delivery = (a: EligibleFreightOption, b: EligibleFreightOption) => compareLocalDates(a.estimatedDeliveryDate, b.estimatedDeliveryDate);

  const meeting = eligible.filter((option) => option.meetsPromise).sort((a, b) => cost(a, b) || delivery(a, b) || preference(a, b) || byId(a, b));
  const late = eligible.filter((option) => !option.meetsPromise).sort((a, b) => delivery(a, b) || cost(a, b) || preference(a, b) || byId(a, b));
  const ranking = [...meeting, ...late];
  if (ranking.length === 0) return { outcome: 'NO_CARRIER', ranking: [] };
  return { outcome: meeting.length > 0 ? 'MEETS_PROMISE' : 'PROMISE_AT_RISK', chosen: ranking[0], ranking };
}
