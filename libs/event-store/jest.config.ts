/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'event-store', preset: '../../jest.preset.js' };
