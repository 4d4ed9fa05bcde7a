export * from './config';
export * from './clock';
export * from './simulator';
export * from './simulator.mapper';
export * from './world';
export { siteDirectoryOf, type SiteDirectoryEntry } from '@lading/simulator-core';
export type { SimulatedWms, StockLevel, WmsProgress } from './wms';
export type { SimulatedErp, ErpProgress } from './erp';
