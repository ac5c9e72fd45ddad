// The mtime metadata as rclone writes and reads it (its lib swift TimeToFloatString / FloatStringToTime): examples,
// then properties over every millisecond time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mtimeText, parseMtimeText } from '../../src/core/mtime.js';

describe('mtimeText: epoch milliseconds in rclone\'s form', () => {
  it.each<[string, number, string]>([
    ['whole seconds have no fraction', 1_700_000_000_000, '1700000000'],
    ['milliseconds keep their leading zeros', 1_700_000_000_005, '1700000000.005'],
    ['trailing zeros of the fraction are dropped, like rclone', 1_700_000_000_120, '1700000000.12'],
    ['the epoch itself', 0, '0'],
    ['before the epoch', -1_500, '-1.5'],
    ['far in the future, exactly (no float rounding)', 253_402_300_799_999, '253402300799.999'],
  ])('%s', (_title, ms, text) => {
    expect(mtimeText(ms)).toBe(text);
  });

  it('refuses a time that is not a whole number of milliseconds', () => {
    expect(() => mtimeText(1.5)).toThrow(RangeError);
    expect(() => mtimeText(Number.NaN)).toThrow(RangeError);
  });
});

describe('parseMtimeText: what rclone wrote', () => {
  it.each<[string, string, number | undefined]>([
    ['nanoseconds are cut to milliseconds', '1354040105.123456789', 1_354_040_105_123],
    ['no fraction', '1354040105', 1_354_040_105_000],
    ['a short fraction', '1354040105.5', 1_354_040_105_500],
    ['not a number', 'yesterday', undefined],
    ['an exponent (rclone never writes one)', '1.3e9', undefined],
    ['empty', '', undefined],
  ])('%s', (_title, text, ms) => {
    expect(parseMtimeText(text)).toBe(ms);
  });
});

describe('mtime: properties', () => {
  const times = fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }); // years 1 to 9999

  it('round-trips every millisecond', () => {
    fc.assert(fc.property(times, (ms) => parseMtimeText(mtimeText(ms)) === ms));
  });

  it('is fixed-point decimal with no trailing zero in the fraction, as rclone\'s parser expects', () => {
    fc.assert(fc.property(times, (ms) => /^-?\d+(\.\d{0,2}[1-9])?$/.test(mtimeText(ms))));
  });

  it('its whole seconds are the time\'s, rounded towards minus infinity for times after the epoch', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => mtimeText(ms).split('.')[0] === String(Math.floor(ms / 1000))));
  });
});
