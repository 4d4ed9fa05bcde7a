/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'visibility-domain', preset: '../../../jest.preset.js' };
