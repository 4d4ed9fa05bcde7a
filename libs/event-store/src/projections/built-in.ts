import { ProjectionRegistry } from './projection';
import { streamSummaryProjection } from './stream-summary.projection';

/**
 * Projections the event store itself ships, for the operator CLI. Apps register their own
 * read models in a registry of their own (or this one) at startup.
 */
export function builtInProjections(): ProjectionRegistry {
  return new ProjectionRegistry().register(streamSummaryProjection());
}
