import { describe, expect, it } from '@jest/globals';
import { joinNames, joinStops } from './lists';

describe('lists in the user language', () => {
  it('Chinese punctuation in Chinese, English in English', () => {
    expect(joinNames(['张三', '李四'], 'zh')).toBe('张三、李四');
    expect(joinNames(['Zhang San', 'Li Si'], 'en')).toBe('Zhang San, Li Si');
    expect(joinStops(['美国 (US) Houston', '加拿大 (CA) Toronto'], 'zh')).toBe('美国 (US) Houston；加拿大 (CA) Toronto');
    expect(joinStops(['United States (US) Houston', 'Canada (CA) Toronto'], 'en')).toBe('United States (US) Houston; Canada (CA) Toronto');
    expect(joinNames([], 'en')).toBe('');
  });
});
