export { orderReleaseService, type OrderReleaseSettings } from './main';
export { ORDER_RELEASE_STREAM_TYPE, outgoingRecordsFor } from './order-release.mapper';
