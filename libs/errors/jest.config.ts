/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'errors', preset: '../../jest.preset.js' };
