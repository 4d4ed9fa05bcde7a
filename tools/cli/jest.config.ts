/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'cli', preset: '../../jest.preset.js' };
