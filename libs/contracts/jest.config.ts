/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'contracts', preset: '../../jest.preset.js' };
