import { describe, expect, it } from '@jest/globals';
import { Clock } from '../../emulator/clock.ts';
import { parseDuration } from '../../emulator/cloudflare/duration.ts';
import { loadFixture } from '../../emulator/fixture.ts';

describe('Go durations', () => {
  it.each([
    ['300ms', 300],
    ['2h45m', 2.75 * 3_600_000],
    ['8760h', 8760 * 3_600_000],
    ['1.5s', 1500],
    ['90s', 90_000],
    ['1000000us', 1000],
    ['forever', 'forever']
  ])('%s', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each(['', '1', 'h', '1 h', '1y', '-5m', '0s', '5m!'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('clock', () => {
  it('runs from where it was set unless frozen', () => {
    const frozen = new Clock({ start: '2026-01-01T00:00:00.000Z', frozen: true });
    expect(frozen.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    frozen.advance(1500);
    expect(frozen.now().toISOString()).toBe('2026-01-01T00:00:01.500Z');
    frozen.set('2030-05-05T00:00:00Z');
    expect(frozen.nowMs()).toBe(Date.parse('2030-05-05T00:00:00Z'));

    const running = new Clock({ start: '2026-01-01T00:00:00.000Z' });
    expect(Math.abs(running.nowMs() - Date.parse('2026-01-01T00:00:00.000Z'))).toBeLessThan(1000);
    expect(() => running.set('not a date')).toThrow(RangeError);
  });
});

describe('fixtures', () => {
  it('loads the demo fixture', () => {
    const fixture = loadFixture('emulator/fixtures/demo.json');
    expect(fixture.cloudflare?.apiTokens?.[0]?.value).toBe('cf-demo-token');
  });

  it('lists every problem in an invalid fixture', () => {
    expect(() =>
      loadFixture({ cloudflare: { apiTokens: [{ permissions: ['admin'] }] }, github: { repos: [] } } as never)
    ).toThrow(
      /invalid emulator fixture:[\s\S]*apiTokens\/0 must have required property 'value'[\s\S]*must NOT have additional properties/
    );
  });
});
