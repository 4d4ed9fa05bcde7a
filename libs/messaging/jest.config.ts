/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'messaging', preset: '../../jest.preset.js' };
