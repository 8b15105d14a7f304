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

  it('reads organization and Dependabot targets with their access options', () => {
    const targets = parseTargets(
      [
        'org:octo',
        'org:acme visibility=selected repos=web,api # comment',
        'dependabot:octo/web',
        'dependabot:org:octo visibility=all'
      ].join('\n'),
      undefined
    );
    expect(targets).toEqual([
      { kind: 'organization', org: 'octo', access: { visibility: undefined, repositories: undefined } },
      { kind: 'organization', org: 'acme', access: { visibility: 'selected', repositories: ['web', 'api'] } },
      { kind: 'dependabot-repository', owner: 'octo', repo: 'web' },
      { kind: 'dependabot-organization', org: 'octo', access: { visibility: 'all', repositories: undefined } }
    ]);
    expect(targets.map(targetLabel)).toEqual([
      'org:octo',
      'org:acme',
      'dependabot:octo/web',
      'dependabot:org:octo'
    ]);
  });

  it.each([
    ['org:', /not an organization name/],
    ['org:octo visibility=public', /unknown or empty option 'visibility=public'/],
    ['org:octo visibility=selected', /without repos=/],
    ['org:octo repos=a,b', /repos= without visibility=selected/],
    ['org:octo visibility=selected repos=a,b c', /has a space inside repos= \(before 'c'\).*repos=a,b,c/],
    ['octo/web,octo/api', /lists several targets on one line/],
    ['org:octo colour=red', /unknown or empty option/],
    ['dependabot:octo', /not a repository/],
    ['dependabot:octo/web extra', /options after/],
    ['secrets:octo/web', /unknown target kind 'secrets:'/]
  ])('rejects %p', (line, message) => expect(() => parseTargets(line, undefined)).toThrow(message));

  it('treats the same organization in another case as a duplicate, but not the same one in two kinds', () => {
    expect(() => parseTargets('org:Octo\norg:octo visibility=all', undefined)).toThrow(/line 2 repeats/);
    expect(parseTargets('org:octo\ndependabot:org:octo', undefined)).toHaveLength(2);
  });
});
