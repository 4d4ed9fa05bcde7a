/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'shared-domain', preset: '../../../jest.preset.js' };
