import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config-error';
import { applyEnvOverrides } from './env-overrides';
import { formatIssues, type ValueOrigins } from './format-issues';
import { findJsonSyntaxProblem } from './json-syntax';
import { resolvePaths, type ServerConfig } from './resolve-paths';
import { configFileSchema } from './schema';

export interface ConfigSource {
  /** The file the values came from; relative paths are resolved against its folder. */
  file?: string;
  /** Folder for relative paths when there is no file (default: the working folder). */
  baseDir?: string;
  /** Key paths whose values came from somewhere else than the file, such as an env variable. */
  origins?: ValueOrigins;
}

export interface LoadConfigOptions {
  /** Config file; defaults to `$AIM_CONFIG`; none means embedded defaults. */
  file?: string;
  /** Values merged over the file and the environment (objects merge, everything else replaces). */
  overrides?: Record<string, unknown>;
  /** Environment for `AIM_*` overrides (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** Validates a config object and fills in defaults. Throws ConfigError kind 'invalid'. */
export function parseConfig(raw: unknown, source: ConfigSource = {}): ServerConfig {
  const result = configFileSchema.safeParse(raw);
  if (!result.success) {
    const problems = formatIssues(result.error.issues, configFileSchema, raw, source.origins ?? new Map());
    throw new ConfigError('invalid', source.file ? problems.map((problem) => `${problem} (in ${source.file})`) : problems, source.file);
  }
  const baseDir = source.file ? path.dirname(path.resolve(source.file)) : path.resolve(source.baseDir ?? process.cwd());
  return resolvePaths(result.data, baseDir);
}

/** Reads, merges and validates the config. Throws ConfigError. */
export function loadConfig(options: LoadConfigOptions = {}): ServerConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? (env.AIM_CONFIG || undefined);
  const raw = file === undefined ? {} : readConfigFile(file);
  const origins = applyEnvOverrides(raw, env);
  const merged = options.overrides ? mergeDeep(raw, options.overrides) : raw;
  return parseConfig(merged, { file: file && path.resolve(file), origins });
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message;
    throw new ConfigError('unreadable', [`cannot read config file ${file}: ${reason}`], file);
  }
  const json = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    const found = findJsonSyntaxProblem(json);
    const where = found ? ` at line ${found.line}, column ${found.column}: ${found.problem}` : `: ${(error as Error).message}`;
    throw new ConfigError('syntax', [`config syntax error in ${file}${where}`], file);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('invalid', [`config error at the top level: expected a JSON object { ... } (in ${file})`], file);
  }
  return value as Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    merged[key] = isPlainObject(value) && isPlainObject(merged[key]) ? mergeDeep(merged[key] as Record<string, unknown>, value) : value;
  }
  return merged;
}
