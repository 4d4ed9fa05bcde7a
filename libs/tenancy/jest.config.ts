/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'tenancy', preset: '../../jest.preset.js' };
