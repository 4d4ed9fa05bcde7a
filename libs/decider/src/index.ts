export * from './decider';
export * from './decider-specification';
