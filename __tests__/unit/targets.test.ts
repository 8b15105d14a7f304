import { describe, expect, it } from '@jest/globals';
import { parseTargets, targetLabel } from '../../src/settings/targets.js';

describe('parseTargets', () => {
  it('reads repositories and environments, skipping blank lines and comments', () => {
    const targets = parseTargets(
      [
        '# production first',
        'octo/web@Production EU # the main one',
        '',
        '  octo/api  ',
        'octo/web@env#2',
        'octo/web'
      ].join('\n'),
      undefined
    );
    expect(targets).toEqual([
      { kind: 'environment', owner: 'octo', repo: 'web', environment: 'Production EU' },
      { kind: 'repository', owner: 'octo', repo: 'api' },
      { kind: 'environment', owner: 'octo', repo: 'web', environment: 'env#2' },
      { kind: 'repository', owner: 'octo', repo: 'web' }
    ]);
    expect(targets.map(targetLabel)).toEqual([
      'octo/web@Production EU',
      'octo/api',
      'octo/web@env#2',
      'octo/web'
    ]);
  });

  it('accepts CRLF line ends and dotted repository names', () => {
    expect(parseTargets('a/b.c\r\nd-e/.github\r\n', undefined)).toHaveLength(2);
  });

  it.each(['a/b/c', '/b', 'a/', '-a/b', 'a/..', 'a b/c', 'a/b@', `a/b@${'x'.repeat(256)}`])(
    'rejects %p',
    (line) => expect(() => parseTargets(line, undefined)).toThrow(/line 1/)
  );

  it('treats the same place in another case as a duplicate, but not the same repository in two kinds', () => {
    expect(() => parseTargets('a/b@Prod\nA/B@prod', undefined)).toThrow(/repeats/);
    expect(parseTargets('a/b\na/b@prod', undefined)).toHaveLength(2);
  });
});
