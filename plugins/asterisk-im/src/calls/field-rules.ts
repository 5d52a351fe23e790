/**
 * Checks for the fields of AMI events. The senior runs them on every call event, thousands
 * per second, so they are plain functions rather than schema objects; each failure names the
 * field and what was wrong, for the `invalid` report.
 */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface TextRule {
  min?: number;
  max: number;
  pattern?: RegExp;
  /** What the pattern stands for, in the error: `not a channel name`. */
  what?: string;
}

/** The field's value, checked; throws FieldError when absent or not allowed. */
export function requiredText(value: string | undefined, field: string, rule: TextRule): string {
  if (value === undefined) throw new FieldError(field, 'Required');
  return checkedText(value, field, rule);
}

/** Like requiredText, but an absent field is fine. */
export function optionalText(value: string | undefined, field: string, rule: TextRule): string | undefined {
  return value === undefined ? undefined : checkedText(value, field, rule);
}

function checkedText(value: string, field: string, rule: TextRule): string {
  if (value.length < (rule.min ?? 0)) throw new FieldError(field, `at least ${rule.min} characters`);
  if (value.length > rule.max) throw new FieldError(field, `at most ${rule.max} characters`);
  if (rule.pattern && !rule.pattern.test(value)) throw new FieldError(field, rule.what ?? 'not allowed');
  return value;
}
