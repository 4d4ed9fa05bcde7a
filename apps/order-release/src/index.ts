export { startOrderRelease, ORDER_RELEASE_TOPICS, type RunningOrderRelease } from './main';
export { loadConfig, ConfigError, type OrderReleaseConfig } from './config';
export { publishedEventId } from './order-release.mapper';
