/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'e2e', preset: '../../jest.preset.js' };
