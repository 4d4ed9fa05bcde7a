export * from './calendar/site-calendar';
export * from './calendar/holidays';
export * from './calendar/business-calendar';
export * from './calendar/business-time';
export * from './geography/country-codes';
export * from './units/units';
export * from './address/postal-address';
