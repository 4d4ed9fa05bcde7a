export * from './field-problem';
// Money: decimal strings with a currency; the decimal.js constructor itself stays internal.
export { addMoney, compareMoney, CurrencyMismatchError, isCurrencyCode, isDecimalString, minorUnits, money, subtractMoney, sumMoney, type Money } from './money/money';
export * from './rate-card/rate-card-document';
export * from './rate-card/validate-rate-card';
export * from './rate-card/rate-card';
export * from './rate-card/rate-card.decide';
export * from './freight-options/freight-request';
export * from './freight-options/pricing';
export * from './freight-options/delivery-dates';
export * from './freight-options/freight-options';
export * from './freight-options/choose-option';
export * from './shipment/shipment-messages';
export * from './shipment/shipment-exceptions';
export * from './shipment/shipment-commands';
export * from './shipment/shipment';
export * from './shipment/shipment.decide';
