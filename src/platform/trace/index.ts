/** One trace per interaction: the correlation context, the timeline query and its route. */
export { CORRELATION_HEADER, correlationHeaders, currentCorrelationId, withCorrelation } from './context.ts';
export { readTimeline, type Timeline, type TimelineEntry, type TimelineJob } from './timeline.ts';
export { registerInteractionRoutes } from './routes.ts';
