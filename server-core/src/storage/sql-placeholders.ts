/**
 * Rewrites the portable `?` placeholders to PostgreSQL's `$1..$n`. A `?` inside a quoted
 * string ('...') or quoted identifier ("...") is text, not a parameter, so it is left alone;
 * doubled quotes inside those are escapes and keep the scanner inside the quote.
 */
export function toNumberedPlaceholders(sql: string): string {
  let out = '';
  let index = 0;
  let quote: "'" | '"' | null = null;
  for (const ch of sql) {
    if (quote) {
      // A doubled quote closes and reopens immediately, which this toggling handles.
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      index += 1;
      out += `$${index}`;
    } else {
      out += ch;
    }
  }
  return out;
}
