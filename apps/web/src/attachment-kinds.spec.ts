import { describe, expect, it } from '@jest/globals';
import { fileSizeText, supplyKindOf } from './attachment-kinds';

describe('attachment helpers of the web app', () => {
  it('says a file size in bytes below 1 KiB, then KiB and MiB (trial 65: a 45-byte file read 0.0 KiB)', () => {
    expect([45, 1023, 1024, 1536, 10 * 1024 * 1024].map(fileSizeText)).toEqual(['45 B', '1023 B', '1.0 KiB', '1.5 KiB', '10.0 MiB']);
  });

  it('files a 容缺 document as the kind its id names, else as other', () => {
    expect([supplyKindOf('Invitation_Translation'), supplyKindOf('budget-sheet')]).toEqual(['invitation-translation', 'other']);
  });
});
