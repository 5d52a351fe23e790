import { z } from 'zod';

/** One input of a plugin's config form; `name` is the dotted path inside the config. */
export interface FormField {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'enum' | 'json';
  optional: boolean;
  /** Rendered as a password input that is never filled with the current value. */
  secret: boolean;
  description: string | null;
  options?: string[];
}

const SECRET_KEY = /secret|password|passwd|token|api[-_]?key|private[-_]?key/i;
const MAX_DEPTH = 4;

/**
 * Turns a plugin's zod schema into form fields: nested objects become dotted names, scalars
 * become inputs, and anything richer (arrays, records, unions) a JSON text field. The server
 * still validates the whole config with the schema itself; this only shapes the form.
 */
export function describeSchema(schema: z.ZodTypeAny | undefined): FormField[] {
  if (!schema) return [jsonField('', true)];
  const root = unwrap(schema);
  if (!(root.type instanceof z.ZodObject)) return [jsonField('', root.optional)];
  return objectFields(root.type, '', 0);
}

function objectFields(object: z.AnyZodObject, prefix: string, depth: number): FormField[] {
  const fields: FormField[] = [];
  for (const [key, child] of Object.entries(object.shape as Record<string, z.ZodTypeAny>)) {
    const name = prefix ? `${prefix}.${key}` : key;
    const { type, optional } = unwrap(child);
    const description = child.description ?? type.description ?? null;
    const base = { name, optional, secret: SECRET_KEY.test(key), description };
    if (type instanceof z.ZodObject && depth < MAX_DEPTH) fields.push(...objectFields(type, name, depth + 1));
    else if (type instanceof z.ZodString) fields.push({ ...base, type: 'string' });
    else if (type instanceof z.ZodNumber) fields.push({ ...base, type: 'number' });
    else if (type instanceof z.ZodBoolean) fields.push({ ...base, type: 'boolean' });
    else if (type instanceof z.ZodEnum) fields.push({ ...base, type: 'enum', options: [...(type.options as string[])] });
    else if (type instanceof z.ZodNativeEnum) fields.push({ ...base, type: 'enum', options: Object.values(type.enum as Record<string, string>).map(String) });
    else fields.push({ ...base, type: 'json' });
  }
  return fields;
}

function jsonField(name: string, optional: boolean): FormField {
  return { name, type: 'json', optional, secret: false, description: null };
}

/** Strips optional/nullable/default/effects wrappers, remembering whether the value may be left out. */
function unwrap(schema: z.ZodTypeAny): { type: z.ZodTypeAny; optional: boolean } {
  let type = schema;
  let optional = false;
  for (let i = 0; i < 10; i++) {
    if (type instanceof z.ZodOptional || type instanceof z.ZodNullable) {
      optional = true;
      type = type.unwrap();
    } else if (type instanceof z.ZodDefault) {
      optional = true;
      type = type.removeDefault();
    } else if (type instanceof z.ZodEffects) {
      type = type.innerType();
    } else if (type instanceof z.ZodBranded) {
      type = type.unwrap();
    } else if (type instanceof z.ZodReadonly || type instanceof z.ZodCatch) {
      type = (type._def as { innerType: z.ZodTypeAny }).innerType;
    } else if (type instanceof z.ZodPipeline) {
      type = type._def.in;
    } else break;
  }
  return { type, optional };
}
