/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'service-kit', preset: '../../jest.preset.js' };
