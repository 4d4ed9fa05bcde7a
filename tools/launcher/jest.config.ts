/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'launcher', preset: '../../jest.preset.js' };
