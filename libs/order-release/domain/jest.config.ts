/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'order-release-domain', preset: '../../../jest.preset.js' };
