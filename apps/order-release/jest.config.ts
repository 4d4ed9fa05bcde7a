/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'order-release-app', preset: '../../jest.preset.js' };
