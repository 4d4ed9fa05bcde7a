/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'infra', preset: '../jest.preset.js' };
