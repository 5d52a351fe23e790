/**
 * Finds where JSON text stops being valid. `JSON.parse` on Node 20 often reports no position at
 * all ("Unexpected token '}' ... is not valid JSON"), and an operator editing a config file needs
 * a line and column. This scanner is only run after `JSON.parse` has failed.
 */
export interface JsonSyntaxProblem {
  line: number;
  column: number;
  problem: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  let at = 0;

  const describe = (offset: number) => (offset >= text.length ? 'end of file' : JSON.stringify(text[offset]));
  const fail = (expected: string): never => {
    throw new Stop(at, `expected ${expected}, found ${describe(at)}`);
  };
  const skipSpace = () => {
    while (at < text.length && ' \t\r\n'.includes(text[at])) at++;
  };
  const expectWord = (word: string) => {
    for (const char of word) {
      if (text[at] !== char) fail(`"${word}"`);
      at++;
    }
  };

  const string = () => {
    at++;
    while (at < text.length) {
      const char = text[at];
      if (char === '"') {
        at++;
        return;
      }
      if (char === '\n') throw new Stop(at, 'a string is not closed before the end of the line');
      if (char === '\\') {
        at++;
        if (text[at] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) throw new Stop(at, 'expected 4 hex digits after \\u');
          at += 5;
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[at] ?? '')) throw new Stop(at, `unknown escape \\${text[at] ?? ''}`);
      }
      at++;
    }
    throw new Stop(at, 'a string is not closed before the end of file');
  };

  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) fail('a number');
    at += match![0].length;
  };

  const members = (close: '}' | ']', member: () => void, what: string) => {
    at++;
    skipSpace();
    if (text[at] === close) {
      at++;
      return;
    }
    for (;;) {
      member();
      skipSpace();
      if (text[at] === close) {
        at++;
        return;
      }
      if (text[at] !== ',') fail(`"," or "${close}" after ${what}`);
      const comma = at++;
      skipSpace();
      if (text[at] === close) throw new Stop(comma, `trailing comma before "${close}" (JSON does not allow it)`);
    }
  };

  const value = (): void => {
    skipSpace();
    const char = text[at];
    if (char === '{') {
      members('}', () => {
        skipSpace();
        if (text[at] !== '"') fail('a double-quoted key');
        string();
        skipSpace();
        if (text[at] !== ':') fail('":" after the key');
        at++;
        value();
      }, 'a value');
    } else if (char === '[') {
      members(']', value, 'an array item');
    } else if (char === '"') {
      string();
    } else if (char === 't') {
      expectWord('true');
    } else if (char === 'f') {
      expectWord('false');
    } else if (char === 'n') {
      expectWord('null');
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      number();
    } else {
      fail('a value');
    }
  };

  try {
    value();
    skipSpace();
    if (at < text.length) fail('end of file after the top-level value');
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return { ...lineAndColumn(text, error.offset), problem: error.problem };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}
