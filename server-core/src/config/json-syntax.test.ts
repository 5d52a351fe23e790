import { findJsonSyntaxProblem } from './json-syntax';

describe('finding where a config file stops being JSON', () => {
  it.each([
    ['a misspelt literal', '{"a": tru}', { line: 1, column: 10, problem: 'expected "true", found "}"' }],
    ['a string left open', '{"a": "x\n}', { line: 1, column: 9, problem: 'a string is not closed before the end of the line' }],
    ['single-quoted keys', "{\n 'a': 1}", { line: 2, column: 2, problem: `expected a double-quoted key, found "'"` }],
    ['a trailing comma in an array', '{"a": [1,]}', { line: 1, column: 9, problem: 'trailing comma before "]" (JSON does not allow it)' }],
    ['text after the object', '{"a": 1} x', { line: 1, column: 10, problem: 'expected end of file after the top-level value, found "x"' }],
    ['an empty file', '', { line: 1, column: 1, problem: 'expected a value, found end of file' }],
    ['a bad escape', '{"a": "\\q"}', { line: 1, column: 9, problem: 'unknown escape \\q' }],
  ])('%s', (_name, text, expected) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(findJsonSyntaxProblem(text)).toEqual(expected);
  });

  it('valid JSON has no problem', () => {
    expect(findJsonSyntaxProblem('{ "a": [1, -2.5e3, true, null, "\\u00e9"], "b": {} }\n')).toBeUndefined();
  });
});
