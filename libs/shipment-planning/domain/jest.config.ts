/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'shipment-planning-domain', preset: '../../../jest.preset.js' };
