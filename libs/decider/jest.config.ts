/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'decider', preset: '../../jest.preset.js' };
