import { mapCarrierCodes, type CodeMapping, type CodeSetTable } from './code-set';
import { PARCEL_JSON_CODE_SET } from './parcel-json';
import { X12_214_CODE_SET } from './x12-214';

/** The code sets visibility understands, by name, each at its current version. */
export const CODE_SETS: Readonly<Record<string, CodeSetTable>> = Object.freeze({
  [X12_214_CODE_SET.codeSet]: X12_214_CODE_SET,
  [PARCEL_JSON_CODE_SET.codeSet]: PARCEL_JSON_CODE_SET,
});

/** Maps a scan's codes with the current tables ({@link mapCarrierCodes} for the rules). */
export function mapScanCodes(codeSet: string, statusCode: string, reasonCode?: string | null): CodeMapping {
  return mapCarrierCodes(CODE_SETS, codeSet, statusCode, reasonCode);
}
