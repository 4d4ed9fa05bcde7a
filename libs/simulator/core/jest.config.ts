/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'simulator-core', preset: '../../../jest.preset.js' };
