/**
 * Destination country data. A plain table so an office can override any field (see OfficeSettings.countries)
 * without code changes. Figures are the brief's where it gives them; the rest are reasonable defaults for
 * official (公务普通) passports, documented in docs/domain.md, and meant to be tuned per office.
 */
export const REGIONS = ['asia', 'europe', 'north-america', 'latin-america', 'africa', 'oceania', 'middle-east'] as const;
export type Region = (typeof REGIONS)[number];

/** How a holder of a Chinese official passport enters, absent a member-specific override. */
export type OfficialPassportRoute = 'visa' | 'visa-free' | 'e-visa';

export interface CountryInfo {
  nameZh: string;
  nameEn: string;
  region: Region;
  schengen?: boolean;
  officialPassportRoute: OfficialPassportRoute;
  /** Embassy interview for a visa (e.g. the US). */
  interviewRequired: boolean;
  /** Embassy processing in working days (D12); 0 where no visa is issued. */
  processingWd: number;
  /** Member of the Hague Apostille Convention (China joined 2023-11-07). */
  apostille: boolean;
  /** ABTC usable in lieu of a visa (full APEC card economies; the US and Canada are transitional members). */
  apec: boolean;
  /** Visa files need certified (legalized/apostilled) Chinese documents: drives D05. */
  certifiedDocuments: boolean;
}

export type CountryTable = Record<string, CountryInfo>;

type Row = [
  code: string,
  nameZh: string,
  nameEn: string,
  region: Region,
  route: OfficialPassportRoute,
  interview: boolean,
  processingWd: number,
  apostille: boolean,
  apec: boolean,
  certifiedDocuments?: boolean,
  schengen?: boolean,
];

// prettier-ignore
const ROWS: Row[] = [
  // Brief figures: US 5 (canonical example, with interview), Japan 5, Korea 5, Thailand 3, Schengen core 5,
  // Spain/Greece/Austria 10, UK 12.
  ['US', '美国', 'United States', 'north-america', 'visa', true, 5, true, false],
  ['CA', '加拿大', 'Canada', 'north-america', 'visa', false, 15, true, false],
  ['JP', '日本', 'Japan', 'asia', 'visa', false, 5, true, true],
  ['KR', '韩国', 'South Korea', 'asia', 'visa', false, 5, true, true],
  ['TH', '泰国', 'Thailand', 'asia', 'visa', false, 3, false, true], // brief: 3 WD (an office may set visa-free: 2024 mutual exemption)
  ['SG', '新加坡', 'Singapore', 'asia', 'visa-free', false, 0, true, true],
  ['MY', '马来西亚', 'Malaysia', 'asia', 'visa-free', false, 0, false, true],
  ['ID', '印度尼西亚', 'Indonesia', 'asia', 'visa', false, 5, true, true],
  ['PH', '菲律宾', 'Philippines', 'asia', 'visa', false, 5, true, true],
  ['VN', '越南', 'Vietnam', 'asia', 'visa', false, 4, false, true],
  ['BN', '文莱', 'Brunei', 'asia', 'visa-free', false, 0, true, true],
  ['KH', '柬埔寨', 'Cambodia', 'asia', 'visa', false, 3, false, false],
  ['LA', '老挝', 'Laos', 'asia', 'visa', false, 3, false, false],
  ['MM', '缅甸', 'Myanmar', 'asia', 'visa', false, 5, false, false],
  ['IN', '印度', 'India', 'asia', 'visa', false, 10, true, false],
  ['PK', '巴基斯坦', 'Pakistan', 'asia', 'visa-free', false, 0, true, false],
  ['BD', '孟加拉国', 'Bangladesh', 'asia', 'visa', false, 5, false, false],
  ['LK', '斯里兰卡', 'Sri Lanka', 'asia', 'e-visa', false, 3, false, false],
  ['NP', '尼泊尔', 'Nepal', 'asia', 'visa', false, 3, false, false],
  ['MN', '蒙古', 'Mongolia', 'asia', 'visa-free', false, 0, true, false],
  ['KZ', '哈萨克斯坦', 'Kazakhstan', 'asia', 'visa-free', false, 0, true, false],
  ['UZ', '乌兹别克斯坦', 'Uzbekistan', 'asia', 'visa-free', false, 0, true, false],
  ['KG', '吉尔吉斯斯坦', 'Kyrgyzstan', 'asia', 'visa', false, 5, true, false],
  ['TJ', '塔吉克斯坦', 'Tajikistan', 'asia', 'visa', false, 5, true, false],
  ['MV', '马尔代夫', 'Maldives', 'asia', 'visa-free', false, 0, false, false],
  ['GB', '英国', 'United Kingdom', 'europe', 'visa', false, 12, true, false],
  ['IE', '爱尔兰', 'Ireland', 'europe', 'visa', false, 10, true, false],
  ['DE', '德国', 'Germany', 'europe', 'visa', false, 5, true, false, false, true],
  ['FR', '法国', 'France', 'europe', 'visa', false, 5, true, false, false, true],
  ['IT', '意大利', 'Italy', 'europe', 'visa', false, 5, true, false, false, true],
  ['NL', '荷兰', 'Netherlands', 'europe', 'visa', false, 5, true, false, false, true],
  ['BE', '比利时', 'Belgium', 'europe', 'visa', false, 5, true, false, false, true],
  ['LU', '卢森堡', 'Luxembourg', 'europe', 'visa', false, 5, true, false, false, true],
  ['CH', '瑞士', 'Switzerland', 'europe', 'visa', false, 5, true, false, false, true],
  ['ES', '西班牙', 'Spain', 'europe', 'visa', false, 10, true, false, false, true],
  ['GR', '希腊', 'Greece', 'europe', 'visa', false, 10, true, false, false, true],
  ['AT', '奥地利', 'Austria', 'europe', 'visa', false, 10, true, false, false, true],
  ['PT', '葡萄牙', 'Portugal', 'europe', 'visa', false, 10, true, false, false, true],
  ['PL', '波兰', 'Poland', 'europe', 'visa', false, 5, true, false, false, true],
  ['CZ', '捷克', 'Czechia', 'europe', 'visa', false, 5, true, false, false, true],
  ['HU', '匈牙利', 'Hungary', 'europe', 'visa', false, 5, true, false, false, true],
  ['SE', '瑞典', 'Sweden', 'europe', 'visa', false, 5, true, false, false, true],
  ['DK', '丹麦', 'Denmark', 'europe', 'visa', false, 5, true, false, false, true],
  ['FI', '芬兰', 'Finland', 'europe', 'visa', false, 5, true, false, false, true],
  ['NO', '挪威', 'Norway', 'europe', 'visa', false, 5, true, false, false, true],
  ['RU', '俄罗斯', 'Russia', 'europe', 'visa', false, 5, true, true],
  ['BY', '白俄罗斯', 'Belarus', 'europe', 'visa-free', false, 0, true, false],
  ['RS', '塞尔维亚', 'Serbia', 'europe', 'visa-free', false, 0, true, false],
  ['HR', '克罗地亚', 'Croatia', 'europe', 'visa', false, 5, true, false, false, true],
  ['RO', '罗马尼亚', 'Romania', 'europe', 'visa', false, 5, true, false, false, true],
  ['BG', '保加利亚', 'Bulgaria', 'europe', 'visa', false, 5, true, false, false, true],
  ['GE', '格鲁吉亚', 'Georgia', 'europe', 'visa-free', false, 0, true, false],
  ['TR', '土耳其', 'Türkiye', 'middle-east', 'visa', false, 5, true, false],
  ['AE', '阿联酋', 'United Arab Emirates', 'middle-east', 'visa-free', false, 0, false, false],
  ['QA', '卡塔尔', 'Qatar', 'middle-east', 'visa-free', false, 0, false, false],
  ['SA', '沙特阿拉伯', 'Saudi Arabia', 'middle-east', 'visa', false, 5, true, false, true],
  ['KW', '科威特', 'Kuwait', 'middle-east', 'visa', false, 10, false, false, true],
  ['IR', '伊朗', 'Iran', 'middle-east', 'visa', false, 5, false, false],
  ['IL', '以色列', 'Israel', 'middle-east', 'visa', false, 10, true, false],
  ['AU', '澳大利亚', 'Australia', 'oceania', 'visa', false, 10, true, true],
  ['NZ', '新西兰', 'New Zealand', 'oceania', 'visa', false, 10, true, true],
  ['PG', '巴布亚新几内亚', 'Papua New Guinea', 'oceania', 'visa', false, 5, false, true],
  ['FJ', '斐济', 'Fiji', 'oceania', 'visa-free', false, 0, true, false],
  ['BR', '巴西', 'Brazil', 'latin-america', 'visa', false, 10, true, false],
  ['AR', '阿根廷', 'Argentina', 'latin-america', 'visa', false, 10, true, false],
  ['MX', '墨西哥', 'Mexico', 'latin-america', 'visa', false, 10, true, true],
  ['CL', '智利', 'Chile', 'latin-america', 'visa', false, 10, true, true],
  ['PE', '秘鲁', 'Peru', 'latin-america', 'visa', false, 10, true, true],
  ['EC', '厄瓜多尔', 'Ecuador', 'latin-america', 'visa-free', false, 0, true, false],
  ['CU', '古巴', 'Cuba', 'latin-america', 'visa', false, 5, false, false],
  ['ZA', '南非', 'South Africa', 'africa', 'visa', false, 10, true, false],
  ['EG', '埃及', 'Egypt', 'africa', 'visa', false, 5, false, false, true],
  ['KE', '肯尼亚', 'Kenya', 'africa', 'e-visa', false, 3, false, false],
  ['ET', '埃塞俄比亚', 'Ethiopia', 'africa', 'visa', false, 5, false, false, true],
  ['NG', '尼日利亚', 'Nigeria', 'africa', 'visa', false, 10, false, false, true],
  ['TZ', '坦桑尼亚', 'Tanzania', 'africa', 'visa', false, 5, false, false],
  ['MA', '摩洛哥', 'Morocco', 'africa', 'visa-free', false, 0, true, false],
  ['MU', '毛里求斯', 'Mauritius', 'africa', 'visa-free', false, 0, true, false],
  ['DZ', '阿尔及利亚', 'Algeria', 'africa', 'visa', false, 10, false, false, true],
];

export const COUNTRIES: CountryTable = Object.fromEntries(
  ROWS.map(([code, nameZh, nameEn, region, route, interview, processingWd, apostille, apec, certified, schengen]) => [
    code,
    {
      nameZh,
      nameEn,
      region,
      ...(schengen ? { schengen: true } : {}),
      officialPassportRoute: route,
      interviewRequired: interview,
      processingWd,
      apostille,
      apec,
      certifiedDocuments: certified ?? false,
    },
  ]),
);

/**
 * A country as messages name it: its Chinese and English names from COUNTRIES; a code not in the table as
 * it is (an unknown code has no name to show).
 */
export function countryLabel(code: string): { zh: string; en: string } {
  const c = Object.prototype.hasOwnProperty.call(COUNTRIES, code) ? COUNTRIES[code] : undefined;
  return c ? { zh: c.nameZh, en: c.nameEn } : { zh: code, en: code };
}

/** Per-office changes to the table: any field of a known country, or a full entry for a new one. */
export type CountryOverrides = Record<string, Partial<CountryInfo>>;

/** The table with an office's overrides applied (new object; the default table is never mutated). */
export function resolveCountryTable(overrides?: CountryOverrides, base: CountryTable = COUNTRIES): CountryTable {
  if (!overrides) return base;
  const out: CountryTable = { ...base };
  for (const [code, patch] of Object.entries(overrides)) {
    const current = out[code];
    if (current) out[code] = { ...current, ...patch };
    else if (isCompleteCountry(patch)) out[code] = patch;
  }
  return out;
}

function isCompleteCountry(p: Partial<CountryInfo>): p is CountryInfo {
  return (
    typeof p.nameZh === 'string' &&
    typeof p.nameEn === 'string' &&
    typeof p.region === 'string' &&
    typeof p.officialPassportRoute === 'string' &&
    typeof p.interviewRequired === 'boolean' &&
    typeof p.processingWd === 'number' &&
    typeof p.apostille === 'boolean' &&
    typeof p.apec === 'boolean' &&
    typeof p.certifiedDocuments === 'boolean'
  );
}
