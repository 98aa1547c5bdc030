import type { Label } from './roles';

/** A string at `field` that breaks the text rule (`rule`), with a bilingual message. */
export interface TextRuleError {
  field: string;
  rule: string;
  message: Label;
}
type FieldError = TextRuleError;

/**
 * The one text rule (issue 12.1), here so the API's edge and the workflow's update validators (any client:
 * the Temporal CLI too) apply the same one: every string the API reads from a request — body values and
 * object keys at any depth (including free-form `data`), query parameters, the headers it interprets — must
 * be text PostgreSQL can store and a person can read. Refused: U+0000 and the other C0 controls except tab,
 * LF and CR, and unpaired UTF-16 surrogates (PostgreSQL rejects NUL in text/jsonb; lone surrogates are not
 * Unicode). A refused string never reaches a workflow, whose activities could then never store it. Also refused:
 * the bidirectional embedding, override and isolate controls U+202A–U+202E and U+2066–U+2069 (`text-bidi`: they
 * reorder what a reader sees, 邀请函 U+202E fdp.exe.pdf shows as …fdp.exe reversed — filename spoofing). The
 * marks U+200E/U+200F stay allowed: they only set the direction of neutral characters, never reorder a run,
 * and mixed Chinese/Arabic/Hebrew text needs them.
 *
 * Blank (isBlank): a string of only whitespace and invisible characters (zero-width U+200B–U+200D, word
 * joiner U+2060, BOM U+FEFF, the marks U+200E/U+200F) shows as nothing: every required text is refused
 * when blank in this sense, not only when String.prototype.trim() leaves nothing.
 *
 * Request bodies are also limited to MAX_JSON_DEPTH levels of nesting (deeper input is refused before any
 * recursive code — zod, fingerprints, the payload converter — sees it).
 */
export const MAX_JSON_DEPTH = 32;

// C0 controls except \t (09), \n (0A), \r (0D).
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

// A high surrogate not followed by a low one, or a low one not preceded by a high one (UTF-16 code units: no `u` flag).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Bidirectional embedding/override (U+202A–U+202E) and isolate (U+2066–U+2069) controls.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

/**
 * Characters that show as nothing, as the body of a regular-expression class (the same in ECMAScript and Python
 * `re`, so the OpenAPI document's pattern for required text states it: apps/api/src/common/zod-text.ts): whitespace,
 * the default-ignorable code points of the Basic Multilingual Plane (the soft hyphen U+00AD, the combining grapheme
 * joiner U+034F, the Arabic letter mark, the Hangul fillers U+115F/U+1160/U+3164/U+FFA0, Khmer and Mongolian
 * invisibles, zero-width space and joiners, LRM/RLM, the bidirectional controls, the word joiner and invisible
 * operators U+2060–U+206F, variation selectors U+FE00–U+FE0F, the BOM) and the Braille blank U+2800. Second trial: a
 * return reason of U+2800, a withdrawal reason of U+3164 and file names of U+00AD, U+034F or U+FE0F were text.
 */
export const INVISIBLE_CLASS =
  '\\s\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8';
/** Every invisible character (INVISIBLE_CLASS), to strip them. */
export const INVISIBLE = new RegExp(`[${INVISIBLE_CLASS}]`, 'g');
const INVISIBLE_ONLY = new RegExp(`^[${INVISIBLE_CLASS}]*$`);

/** Whether a string shows as nothing: empty, or only whitespace and invisible characters ("\u200B\u200B" is blank). */
export function isBlank(value: string): boolean {
  return INVISIBLE_ONLY.test(value);
}

/**
 * What a blank text's refusal says (rule `blank`): the API's, the OpenAPI document's words for required text's pattern,
 * and the web's at the box (textRules).
 */
export const BLANK_MESSAGE = { zh: '不得为空白（仅含不可见字符）', en: 'Must not be blank (only invisible characters)' } as const;

/** The words a written reason holds at least: two Chinese characters (会议, 缺件) or one English word of three letters (budget); one alone of either is not enough (无, a lone "no"). */
export const REASON_MIN_WORDS = 2;

/**
 * What a reason gives grounds for and is not: a decision's stance (同意, 不同意, 拒绝, 退回, 驳回, 批准, 已阅, 无意见, 同上, …)
 * or the action it is asked for, restated (撤回, 取消, 延期, 遗失, 挂失, 作废, 暂停, 异议), and their English (approved,
 * rejected, returned, cancelled, lost, OK, yes, no, N/A, noted). Matched against a reason's letters and digits alone,
 * lower-cased, whole, any of them repeated: "同意。" and "Approved!" are a stance, "同意，因邀请方变更日程" is a reason
 * (trial 70: 撤回, 拒绝, 不予同意, 好的, 同上 and 遗失 passed; trial 71: 不通过, 终止, 延长, 丢失, 不合格 and 已退回). The rule
 * of patched('reason-words'); hasSubstance asks more since.
 */
const STANCE_WORDS = [
  // Chinese: a decision's stance, longest first where one holds another.
  '原则同意',
  '拟同意',
  '不予同意',
  '不同意',
  '同意',
  '不予批准',
  '不批准',
  '不予通过',
  '不通过',
  '已通过',
  '通过',
  '不合格',
  '合格',
  '批准',
  '准予',
  '不予受理',
  '不予',
  '不批',
  '拒绝',
  '退回修改',
  '已退回',
  '退回',
  '驳回',
  '已阅',
  '已核',
  '已知悉',
  '知悉',
  '收到',
  '无意见',
  '无误',
  '同上',
  '同前',
  '请审批',
  '请批示',
  '请审核',
  '可以',
  '可',
  '否',
  '无',
  '好的',
  '好',
  // …the action asked for, restated.
  '撤回',
  '撤销',
  '取消',
  '终止',
  '延期',
  '延长',
  '遗失',
  '丢失',
  '挂失',
  '报失',
  '作废',
  '注销',
  '暂停',
  '有异议',
  '异议',
  // English.
  'approved?',
  'agreed?',
  'reject(?:ed)?',
  'return(?:ed)?',
  'den(?:y|ied)',
  'withdrawn?',
  'cancell?ed',
  'cancel',
  'lost',
  'void',
  'suspended',
  'extended',
  'objection',
  'okay',
  'ok',
  'yes',
  'no',
  'na',
  'none',
  'noted',
  'fine',
  'lgtm',
];
const STANCE_ONLY = new RegExp(`^(?:${STANCE_WORDS.join('|')})+$`, 'u');

/**
 * The words of a reason that say nothing of its grounds, taken out wherever they stand before the rest is counted
 * (hasSubstance): every Chinese stance and restated action of STANCE_WORDS of two characters or more, their
 * inflections left to the particles below (已撤回, 丢失了, 未通过, 已同意), their traditional forms, what the action is done
 * to (护照, 出访, 期限: 护照已挂失 restates the 挂失), and the frame of a reason (原因, 理由, 说明, 申请, 审核, 因故, 其他,
 * 按规定办理, 见附件…: 原因：无 is no reason). Longest first.
 */
const HAN_STANCES = [
  ...STANCE_WORDS.filter((w) => /^\p{Script=Han}{2,}$/u.test(w)),
  // Their traditional forms (trial 73: 撤銷 passed).
  '撤銷',
  '註銷',
  '遺失',
  '掛失',
  '報失',
  '作廢',
  '暫停',
  '終止',
  '延長',
  '異議',
  '駁回',
  '拒絕',
  '不予批準',
  '批準',
  '準予',
  '已閱',
  '無意見',
  '無誤',
  '否決',
  '審核',
  '審批',
  '審查',
  '說明',
  '申請',
  '情況',
  '謝謝',
  '沒問題',
  '不通過',
  '通過',
  '不合格',
  // …what the action is done to, restated with it (trial 73: 护照已挂失, 注销护照, 取消出访, 延长期限, 暂停申报, 提出异议,
  // 申请撤回此案, 不同意出访 passed)…
  '护照',
  '護照',
  '证件',
  '出访',
  '出訪',
  '出国',
  '出國',
  '此案',
  '本案',
  '该案',
  '案件',
  '期限',
  '申报',
  '提出',
  // …the action said otherwise (trial 74: 弄丢了, 不见了, 找不到了, 不去了, 放弃出访, 不办了, 停办, 作罢 passed)…
  '弄丢',
  '不见',
  '找不到',
  '不去',
  '放弃',
  '不办',
  '停办',
  '作罢',
  // …and what gives no grounds (trial 73: 不符合规定, 按规定办理, 因故, 其他原因, 见附件, 不清楚 passed; trial 74: 按照规定办理,
  // 根据规定, 依规办理, 特殊原因, 有关原因, 原因不明, 不详, 暂无理由, 如题, 同上所述, 另行通知, 情况有变, 没有).
  '按照',
  '根据',
  '依照',
  '依规',
  '特殊',
  '有关',
  '相关',
  '不明',
  '不详',
  '暂无',
  '如题',
  '所述',
  '另行通知',
  '有变',
  '没有',
  '符合规定',
  '符合要求',
  '规定',
  '办理',
  '因故',
  '其他',
  '其它',
  '详见',
  '见附件',
  '附件',
  '不清楚',
  '不知道',
  '不可以',
  '不行',
  '没问题',
  '没有问题',
  '否决',
  '核准',
  '准许',
  '如上',
  '见上',
  '原因',
  '理由',
  '说明',
  '申请',
  '审核',
  '审批',
  '审查',
  '情况',
  '特此',
  '予以',
  '已经',
  '谢谢',
].sort((a, b) => b.length - a.length);
const HAN_STANCE = new RegExp(HAN_STANCES.join('|'), 'gu');

/**
 * Formulas that give no grounds either, taken out too under the rule of patched('reason-boilerplate') (trial 78:
 * 同意：材料齐全，符合规定 passed as B05's written reason for a trip outside the annual plan; 待定, 暂不出访 and pending
 * passed): a file's completeness or conformity asserted (材料齐全, 手续完备, 符合要求, 情况属实), a placeholder (待定, 暂定),
 * the action deferred (暂不, 暂缓办理) and a matter passed up (上报, 报批, 请领导批示, 妥否). What is left of a reason with
 * grounds still counts: 材料齐全，邀请方为友好城市 keeps 邀请方为友好城市. 测试 is not one: a test case's withdrawal says why.
 */
const HAN_FORMULAS = [
  '材料齐全',
  '资料齐全',
  '手续齐全',
  '手续完备',
  '齐全',
  '齐备',
  '完整',
  '完备',
  '材料',
  '资料',
  '手续',
  '符合',
  '合规',
  '规范',
  '要求',
  '情况属实',
  '属实',
  '无异常',
  '正常',
  '待定',
  '暂定',
  '待议',
  '再议',
  '暂不',
  '暂缓办理',
  '同意上报',
  '上报',
  '报批',
  '呈报',
  '领导',
  '批示',
  '阅示',
  '妥否',
  // Trial 80: 同意。请按程序办理。 passed as B05's reason outside the plan.
  '按程序办理',
  '按程序',
  '程序',
  '请按',
  '流程',
  '请示',
  '审定',
  '酌定',
  '酌情',
  '考虑',
];
const HAN_FORMULA = new RegExp([...HAN_STANCES, ...HAN_FORMULAS].sort((a, b) => b.length - a.length).join('|'), 'gu');

/**
 * Requests that name no fault, taken out too under the rule of patched('reason-vague') (trial 83: 请修改 passed as A10's
 * return to A09, which told the organizer nothing of what to fix): revise, supplement, complete, check, redo, and "it is
 * wrong" (有误, 不对, 有问题). What the request is about still counts: 请修改预算表住宿标准 keeps 预算表住宿标准, 护照号码有误
 * keeps 护照号码, and 请补充材料 keeps nothing (材料 is a formula).
 */
const HAN_VAGUE = [
  '请修改',
  '修改',
  '修正',
  '更正',
  '改正',
  '请补充',
  '补充',
  '补正',
  '请完善',
  '完善',
  '请核实',
  '核实',
  '核对',
  '重新',
  '再次',
  '填写',
  '填报',
  '提交',
  '报送',
  '办理',
  // Trial 84: 请修改一下, 麻烦修改一下, 请尽快修改, 请调整 passed.
  '调整',
  '一下',
  '尽快',
  '麻烦',
  '及时',
  '抓紧',
  '有误',
  '错误',
  '不对',
  '有问题',
  '问题',
  '不准确',
  '不正确',
  '不完整',
  '不齐全',
  '不规范',
];
const HAN_VAGUE_FORMULA = new RegExp([...HAN_STANCES, ...HAN_FORMULAS, ...HAN_VAGUE].sort((a, b) => b.length - a.length).join('|'), 'gu');

/**
 * Characters that, left alone once HAN_STANCES are out, say nothing: a stance of one character (可, 否, 无, 好, 行) and the
 * particles that inflect one (已, 了, 的, 被, 予, 未, 不, 均, 经, 请, 拟, 此, 该, 本, 我, 现, 特, 是). Among other characters they
 * count (无票, 本团取消 say something). 丢, 撤 and 停 too: the action in one character (护照丢了, 撤了).
 */
const HAN_PARTICLES = new Set('可否无好行已了的被予未不没均经请拟此该本我现特是之也丢撤停');

/**
 * English words that say nothing of a reason's grounds, in any form: a stance or the action restated (approve…, reject…,
 * return…, withdraw/withdrew…, cancel…, lose/lost, extend…, suspend…, postpone…, object…, OK, yes, no, N/A, done) and the
 * frame of a sentence (articles, auxiliaries, pronouns, courtesy, "reason", "request").
 */
const ENGLISH_EMPTY =
  /^(?:approv\w*|agree\w*|accept\w*|grant\w*|reject\w*|refus\w*|declin\w*|return\w*|den(?:y|ied|ies|ial)|withdr\w*|cancel\w*|revok\w*|los(?:t|e|es|ing|s)|void\w*|suspen\w*|extend\w*|extension\w*|postpon\w*|delay\w*|terminat\w*|object\w*|pass(?:ed|es)?|fail\w*|ok(?:ay)?|yes|no|na|nil|none|notes?|noted|fine|good|done|lgtm|a|an|the|is|are|was|were|be|been|being|has|have|had|do|does|did|it|its|this|that|these|those|i|we|you|he|she|they|me|us|my|our|by|as|per|of|to|for|in|on|at|and|or|not|so|please|pls|thanks?|thx|sir|madam|dear|hereby|already|all|just|now|reasons?|requests?|requested|see|above|same|case|delegation|trip|step|passports?|deadlines?|applications?|documents?|nothing|unknown|other|others|misc|various|personal|attach\w*|tb[ad]|asdf\w*|qwe\w*)$/u;

/** English formulas and frame words, under patched('reason-boilerplate') (HAN_FORMULAS' kind: pending, complete, with). */
const ENGLISH_FORMULA =
  /^(?:pending|tbc|complete\w*|ready|valid|compliant|complian\w*|compl(?:y|ies|ied|ying)|meets?|conform\w*|materials?|paperwork|papers?|forms?|order|normal|regular|standard|requirements?|required|checked|verified|reviewed|with|from|into|about|also|will|would|should|can|could|may|must|any|some|very|fyi|ok'd)$/u;

/** English requests that name no fault, under patched('reason-vague') (HAN_VAGUE's kind: fix, revise, wrong, error). */
const ENGLISH_VAGUE =
  /^(?:nope|nah|yep|yeah|asap|quickly|soon|fix\w*|revis\w*|amend\w*|modif\w*|correct\w*|incorrect|updat\w*|chang\w*|redo|again|resubmit\w*|supplement\w*|add|more|wrong|errors?|erroneous|mistakes?|issues?|problems?|incomplete|invalid|missing|check\w*|verif\w*|recheck\w*|review|inaccurate)$/u;

/**
 * Rows of letters typed without a word: a run of three or more along the alphabet (abcd, xyz) or a keyboard row
 * (qwerty, asdf, zxcv, hjkl), forwards or backwards. Under patched('reason-vague') such a word says nothing (trial 83:
 * ａｂｃｄ ｅｆｇｈ passed as B05's written reason).
 */
const LETTER_ROWS = ['abcdefghijklmnopqrstuvwxyz', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
function isLetterRow(word: string): boolean {
  if (word.length < 3) return false;
  return LETTER_ROWS.some((row) => row.includes(word) || [...row].reverse().join('').includes(word));
}

/** How much a word of letters not Chinese says: nothing when it is one letter repeated (aa, xxx), some at two letters, a word from three. */
function letterWordWeight(word: string): number {
  const letters = [...word];
  if (new Set(letters).size < 2) return 0;
  return letters.length >= 3 ? REASON_MIN_WORDS : 1;
}

/** What a reason's rules take out before counting, by the rule: stances (then inflections), formulas, vague requests. */
type Strictness = 'stances' | 'formulas' | 'vague';

/**
 * Whether a reason has grounds besides its stance, the action restated and their inflections (the rule of
 * patched('reason-substance'); trial 72: extend, withdrew, 已丢失, 已撤回, aa and 11 passed the word list): with
 * HAN_STANCES and ENGLISH_EMPTY words taken out, the Chinese characters left (each one; none when only HAN_PARTICLES)
 * and the other words (letterWordWeight) come to REASON_MIN_WORDS. Digits count nothing (11, 2027).
 */
function hasSubstance(folded: string, strictness: Strictness = 'stances'): boolean {
  const formulas = strictness !== 'stances';
  const vague = strictness === 'vague';
  let weight = 0;
  // The Chinese characters as one run, whatever stands between them (trial 73: 已 撤 回 passed spaced).
  const han = (folded.match(/\p{Script=Han}/gu) ?? [])
    .join('')
    .replace(vague ? HAN_VAGUE_FORMULA : formulas ? HAN_FORMULA : HAN_STANCE, '');
  if ([...han].some((c) => !HAN_PARTICLES.has(c))) weight += [...han].length;
  for (const word of folded.match(/(?:(?!\p{Script=Han})\p{L}\p{M}*)+/gu) ?? [])
    if (
      !ENGLISH_EMPTY.test(word) &&
      !(formulas && ENGLISH_FORMULA.test(word)) &&
      !(vague && (ENGLISH_VAGUE.test(word) || isLetterRow(word)))
    )
      weight += letterWordWeight(word);
  return weight >= REASON_MIN_WORDS;
}

/** What a reason of no words' refusal says (rule `reason-words`): the API's, the engine's and the web's box's. */
export const REASON_WORDS_MESSAGE: Label = {
  zh: '须写明具体理由：除标点、数字、“同意”“退回”等表态用语、“撤回”“遗失”等所办事项本身（含“已撤回”“丢失了”）、“材料齐全”“符合规定”“待定”等套话和“请修改”“有误”等未指明问题的用语外，至少两个汉字或一个英文单词',
  en: 'Must state a reason: at least two Chinese characters or an English word besides punctuation, digits, a stance ("approved", "returned", 同意…), the action itself in any form ("withdrew", "lost", 撤回, 已撤回…), formulas ("documents complete", "pending", 材料齐全, 符合规定…) and requests that name no fault ("please fix", "wrong", 请修改, 有误…)',
};

/**
 * Which rule a required reason breaks (why a case is returned, rejected, withdrawn or cancelled, a deficiency extended,
 * a trip outside the annual plan approved, a passport reported lost, …), or undefined when it says something.
 * `reason-words` (the rule of patched('reason-words')): fewer than 2 letters or digits, or a stance alone (STANCE_ONLY);
 * trials 66 and 67: a bare 同意 passed as the unit's written reason, a return's 。 told the organizer nothing.
 * `reason-substance` (patched('reason-substance')): that passed, but nothing is left once stances, restated actions,
 * their inflections and the frame of a sentence are out (hasSubstance). `reason-boilerplate`
 * (patched('reason-boilerplate')): that passed too, but nothing is left once formulas are out as well (HAN_FORMULAS,
 * ENGLISH_FORMULA: 材料齐全，符合规定, 待定, pending). `reason-vague` (patched('reason-vague')): that passed too, but
 * nothing is left once requests naming no fault (HAN_VAGUE, ENGLISH_VAGUE: 请修改, 有误, fix) and rows of letters typed
 * without a word (abcd, qwerty) are out as well. Blank text is isBlank's (rule `blank`).
 */
export function reasonRuleBroken(value: string): ReasonRule | undefined {
  // Compatibility forms folded first (NFKC): ＯＫ and ＬＯＳＴ are OK and LOST (trial 71: full-width letters passed).
  const folded = value.normalize('NFKC').toLowerCase();
  const words = (folded.match(/[\p{L}\p{N}]/gu) ?? []).join('');
  if ([...words].length < REASON_MIN_WORDS || STANCE_ONLY.test(words)) return 'reason-words';
  if (!hasSubstance(folded)) return 'reason-substance';
  if (!hasSubstance(folded, 'formulas')) return 'reason-boilerplate';
  return hasSubstance(folded, 'vague') ? undefined : 'reason-vague';
}

/** The reason rules, in the order they were added (each its own patch for a decide signal's check). */
export type ReasonRule = 'reason-words' | 'reason-substance' | 'reason-boilerplate' | 'reason-vague';

/**
 * Whether a written text has words: at least REASON_MIN_WORDS letters or digits (compatibility forms folded), not one
 * repeated (。, ｘ, xx and 11 have none). Less than a reason (no stance or formula is taken out): what a written result
 * asks (writtenWordsProblems), where 已处理 and 无异议 are results.
 */
export function hasWords(value: string): boolean {
  const words = [
    ...(value
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]/gu) ?? []),
  ];
  return words.length >= REASON_MIN_WORDS && new Set(words).size >= 2;
}

/** Whether a required reason says something (reasonRuleBroken finds nothing): the one test every reason field asks. */
export function isStatedReason(value: string): boolean {
  return reasonRuleBroken(value) === undefined;
}

export type TextRule = 'text-control' | 'text-surrogate' | 'text-bidi';

/**
 * The rule a string breaks, or undefined when it is acceptable text. `legacy`: the rule as it was before
 * `text-bidi` (for a workflow replaying a history recorded before it: patched('text-bidi')).
 */
export function textRuleBroken(value: string, legacy = false): TextRule | undefined {
  if (FORBIDDEN_CONTROL.test(value)) return 'text-control';
  if (LONE_SURROGATE.test(value)) return 'text-surrogate';
  if (!legacy && BIDI_CONTROL.test(value)) return 'text-bidi';
  return undefined;
}

const MESSAGES: Record<TextRule, Label> = {
  'text-control': {
    zh: '不得包含控制字符（如 U+0000；制表符、换行、回车除外）',
    en: 'Must not contain control characters (e.g. U+0000; tab, line feed and carriage return are allowed)',
  },
  'text-surrogate': { zh: '含有不成对的代理字符，不是有效的 Unicode 文本', en: 'Contains an unpaired surrogate: not valid Unicode text' },
  'text-bidi': {
    zh: '不得包含改变文字方向的控制字符（U+202A–U+202E、U+2066–U+2069）',
    en: 'Must not contain bidirectional override, embedding or isolate controls (U+202A–U+202E, U+2066–U+2069)',
  },
};

export function textError(field: string, rule: TextRule): FieldError {
  return { field, rule, message: MESSAGES[rule] };
}

/** The refusal of nesting past MAX_JSON_DEPTH at `field`. */
export function depthError(field: string): FieldError {
  return {
    field,
    rule: 'max-depth',
    message: { zh: `嵌套层级超过${MAX_JSON_DEPTH}层`, en: `Nested deeper than ${MAX_JSON_DEPTH} levels` },
  };
}

const join = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' || path === '(body)' ? key : `${path}.${key}`;

/**
 * Every string value of a parsed JSON value (or query object) that breaks the text rule, every key holding NUL or a lone surrogate,
 * by path (`members[0].name`, `query.unit`), plus a `max-depth` error where nesting exceeds MAX_JSON_DEPTH.
 * Iterative and bounded: safe on any input JSON.parse accepted.
 */
export function textRuleErrors(value: unknown, prefix = '', legacy = false): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: prefix, depth: 0 }];
  while (stack.length > 0 && errors.length < 100) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const rule = textRuleBroken(v, legacy);
      if (rule) errors.push(textError(path || '(body)', rule));
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) {
      errors.push(depthError(path || '(body)'));
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: join(path, i), depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      // Keys of free-form objects: only what PostgreSQL's jsonb cannot store (NUL) or is not Unicode (lone
      // surrogates); OpenAPI 3.0 cannot state a key pattern, so the contract (and fuzzers) may send other controls.
      const rule = k.includes('\u0000') ? 'text-control' : LONE_SURROGATE.test(k) ? 'text-surrogate' : undefined;
      if (rule) errors.push(textError(join(path, printable(k)), rule));
      else stack.push({ value: (v as Record<string, unknown>)[k], path: join(path, k), depth: depth + 1 });
    }
  }
  return errors;
}

/** A key that breaks the rule, shown with its offending characters escaped (the error must itself be storable text). */
function printable(key: string): string {
  return key.replace(/[\u0000-\u001F]|[\uD800-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * English in sentence case: a refusal's English starts with a capital (new-user trial: `is required`, `must be one of …`,
 * `a rejection … must give its reason`). A leading name is left as written, so nothing the client sent or the API
 * names changes: a field path or camelCase name (`onBehalfOf`, `data.route`, `leader.city`), anything but a lower-case
 * word, and any leading word the Chinese message `zh` also writes — the Chinese writes no English words of its own, so
 * a Latin word in both is a value the message echoes: a unit code, a person id, a username, a passport number, a step
 * key (new-user trial: `zzunit不是已登记的企业` read `Zzunit is not a registered enterprise`).
 */
export function sentenceCase(en: string, zh = ''): string {
  const first = /^[a-z]+(?![\w.[\]])/.exec(en);
  if (!first) return en;
  const lead = /^[^\s,:;()]+/.exec(en)![0]; // the whole leading token (`zz-unit`, `nope`), not only its letters
  if (latinTokens(zh).has(lead) || latinTokens(zh).has(first[0])) return en;
  return en.charAt(0).toUpperCase() + en.slice(1);
}

/** The runs of Latin letters, digits and `._-` a Chinese message writes (the names and values it echoes). */
const latinTokens = (zh: string): Set<string> =>
  new Set((zh.match(/[A-Za-z0-9][A-Za-z0-9._-]*/g) ?? []).flatMap((t) => [t, t.replace(/[._-]+$/, '')]));
