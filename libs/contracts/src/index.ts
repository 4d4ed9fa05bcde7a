export * from './generated/types';
export * from './generated/topics';
export * from './generated/schemas';
export * from './topics/topic-catalog';
export * from './exceptions/x12-214';
