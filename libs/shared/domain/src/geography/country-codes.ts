/** ISO 3166-1 alpha-2 codes assigned to countries and territories (249). */
const ISO_3166_ALPHA_2 = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** Countries whose addresses carry no postal code, so a missing one is not an error there. */
const WITHOUT_POSTAL_CODES = new Set(['AE', 'AG', 'AO', 'BS', 'BZ', 'CW', 'FJ', 'GD', 'HK', 'KI', 'KN', 'MO', 'QA', 'SB', 'SR', 'TO', 'TV', 'UG', 'VU', 'ZW']);

/** Countries where carriers reject a domestic address without a state/province/territory. */
const REGION_REQUIRED = new Set(['US', 'CA', 'AU', 'BR', 'MX']);

/** True for an assigned ISO 3166-1 alpha-2 code, upper case (`GB`, not `UK` or `gb`). */
export function isCountryCode(code: string): boolean {
  return ISO_3166_ALPHA_2.has(code);
}

/** False for the countries whose addresses carry no postal code (Hong Kong, UAE, Qatar, …). */
export function usesPostalCodes(countryCode: string): boolean {
  return !WITHOUT_POSTAL_CODES.has(countryCode);
}

/** True where carriers reject a domestic address without a state/province/territory (US, CA, AU, BR, MX). */
export function requiresRegion(countryCode: string): boolean {
  return REGION_REQUIRED.has(countryCode);
}
