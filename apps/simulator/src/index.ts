export * from './config';
export * from './clock';
export * from './simulator';
export * from './simulator.mapper';
export type { SimulatedWms, StockLevel, WmsProgress } from './wms';
export type { SimulatedErp, ErpProgress } from './erp';
