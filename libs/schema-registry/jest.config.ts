/** @jest-config-loader-options {"transpileOnly": true} */
export default { displayName: 'schema-registry', preset: '../../jest.preset.js' };
