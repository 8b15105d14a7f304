import { describe, expect, it } from '@jest/globals';
import { parseGoDuration, parseGrace, parseTokenDuration } from '../../src/settings/duration.js';

describe('parseGoDuration', () => {
  it.each([
    ['300ms', 300],
    ['2h45m', 2 * 3_600_000 + 45 * 60_000],
    ['8760h', 8760 * 3_600_000],
    ['1.5h', 5_400_000],
    ['1h0m30s', 3_630_000],
    ['0s', 0],
    ['0', 0],
    ['1500us', 1.5],
    ['1000000ns', 1]
  ])('%s is %d ms', (text, ms) => expect(parseGoDuration(text)).toBeCloseTo(ms));

  it.each(['', 'h', '1d', '1 h', '-1h', '+1h', '1h ', 'forever', '1h2'])('rejects %p', (text) =>
    expect(parseGoDuration(text)).toBeUndefined()
  );
});

describe('token durations and grace periods', () => {
  it('keeps the text as written for Cloudflare', () => {
    expect(parseTokenDuration('duration', '720h30m')).toEqual({
      forever: false,
      ms: 720.5 * 3_600_000,
      text: '720h30m'
    });
    expect(parseTokenDuration('duration', 'forever')).toEqual({ forever: true, text: 'forever' });
  });

  it('accepts a zero grace but not a zero validity', () => {
    expect(parseGrace('previous-secret-grace', '0s')).toBe(0);
    expect(() => parseTokenDuration('duration', '0s')).toThrow(/positive/);
  });
});
