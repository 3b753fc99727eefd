import { describe, expect, it } from 'vitest';
import { DEFAULT_SURVEY_CONFIG, SurveyConfigSchema } from '@bangtin/shared';
import { draftToConfig, newSurveyId, optionKeys, slugKey, toDraft } from './survey-draft';

describe('survey draft', () => {
  it('makes option keys from Vietnamese labels, including đ', () => {
    expect(slugKey('Bảo hiểm y tế')).toBe('bao-hiem-y-te');
    expect(slugKey('Đăng ký, điều chỉnh')).toBe('dang-ky-dieu-chinh');
    expect(slugKey('!!!')).toBe('lua-chon');
    expect(slugKey('a'.repeat(80))).toHaveLength(64);
  });

  it('keeps loaded keys and makes new ones unique', () => {
    expect(
      optionKeys([
        { key: 'bhyt', label: 'Bảo hiểm y tế' },
        { key: '', label: 'BHYT' },
        { key: '', label: 'bhyt' },
        { key: '', label: 'Việc khác' },
      ]),
    ).toEqual(['bhyt', 'bhyt-2', 'bhyt-3', 'viec-khac']);
  });

  it('round-trips the default survey and builds a body the controller schema accepts', () => {
    const draft = toDraft(DEFAULT_SURVEY_CONFIG);
    expect(draftToConfig(draft)).toEqual(DEFAULT_SURVEY_CONFIG);
    const edited = {
      ...draft,
      question: ' Ông/bà chờ bao lâu? '.normalize('NFD'),
      options: [...draft.options, { key: '', label: 'Đóng BHXH bắt buộc' }],
    };
    const body = draftToConfig(edited);
    expect(body.question).toBe('Ông/bà chờ bao lâu?'.normalize('NFC'));
    expect(body.choiceQuestion!.options.at(-1)).toEqual({ key: 'dong-bhxh-bat-buoc', label: 'Đóng BHXH bắt buộc' });
    expect(SurveyConfigSchema.safeParse(body).success).toBe(true);
  });

  it('drops the choice question when it is switched off', () => {
    const body = draftToConfig({ ...toDraft(DEFAULT_SURVEY_CONFIG), hasChoice: false });
    expect(body.choiceQuestion).toBeNull();
    expect(SurveyConfigSchema.safeParse(body).success).toBe(true);
  });

  it('names a new round by the date in Viet Nam', () => {
    expect(newSurveyId(new Date('2026-03-04T18:30:00Z'))).toBe('khao-sat-2026-03-05');
  });
});
