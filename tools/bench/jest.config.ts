/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'bench', preset: '../../jest.preset.js' };
