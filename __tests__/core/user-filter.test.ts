// The users / exclude_users options of a site export: comma-separated username globs, case-insensitive.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUserGlobs, userFilter } from '../../src/core/user-filter.js';

describe('parseUserGlobs', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['alice', ['alice']],
    ['alice, bob ,team-*', ['alice', 'bob', 'team-*']],
    ['*', ['*']],
    ['user-00??', ['user-00??']],
    ['first.last@example.com', ['first.last@example.com']],
    ['a+b_c', ['a+b_c']],
  ])('%j → %j', (text, globs) => {
    expect(parseUserGlobs(text)).toEqual(globs);
  });

  it.each([
    ['alice,,bob', /empty entry/],
    ['alice,', /empty entry/],
    ['has space', /not a username glob/],
    ['team/*', /not a username glob/],
    ['[ab]*', /not a username glob/],
    ['a'.repeat(257), /not a username glob/],
  ])('%j is refused (%s)', (text, problem) => {
    const parsed = parseUserGlobs(text);
    expect(typeof parsed).toBe('string');
    expect(parsed).toMatch(problem);
  });
});

describe('userFilter', () => {
  const users = ['alice', 'Bob', 'carol', 'dave', 'user-0001', 'user-0010', 'user-0100', 'first.last@example.com', '.recycle-bin'];
  it.each([
    [[], [], users],
    [['*'], [], users],
    [['alice'], [], ['alice']],
    [['ALICE', 'bob'], [], ['alice', 'Bob']], // case-insensitive, as WorkDocs usernames are
    [['user-*'], [], ['user-0001', 'user-0010', 'user-0100']],
    [['user-00??'], [], ['user-0001', 'user-0010']],
    [['user-000?'], [], ['user-0001']],
    [[], ['user-*'], ['alice', 'Bob', 'carol', 'dave', 'first.last@example.com', '.recycle-bin']],
    [['user-*'], ['user-0100'], ['user-0001', 'user-0010']],
    [['alice'], ['a*'], []], // exclude wins
    [['first.last@*'], [], ['first.last@example.com']],
    [['first?last*'], [], ['first.last@example.com']],
    [['.recycle-bin'], [], ['.recycle-bin']],
    [['a.ice'], [], []], // a dot is a dot, not any character
    [['ali'], [], []], // a glob matches the whole name
  ])('users %j, exclude %j → %j', (include, exclude, expected) => {
    expect(users.filter(userFilter(include, exclude))).toEqual(expected);
  });

  it('a username matches itself, in any case, and `*` matches every username', () => {
    const username = fc.stringMatching(/^[\w+.@-]{1,40}$/);
    fc.assert(fc.property(username, (name) => {
      expect(userFilter([name], [])(name.toUpperCase())).toBe(true);
      expect(userFilter([name.toLowerCase()], [])(name)).toBe(true);
      expect(userFilter(['*'], [])(name)).toBe(true);
      expect(userFilter([], [name])(name)).toBe(false);
    }));
  });
});
