/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'simulator', preset: '../../jest.preset.js' };
