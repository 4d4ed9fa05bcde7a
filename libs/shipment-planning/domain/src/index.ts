export * from './field-problem';
export * from './money/money';
export * from './rate-card/rate-card-document';
export * from './rate-card/validate-rate-card';
export * from './rate-card/rate-card';
export * from './rate-card/rate-card.decide';
