/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'logging', preset: '../../jest.preset.js' };
