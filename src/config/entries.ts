import { readSettings, type Settings } from '../credentials/settings.js';
import { ConfigError, InputError } from '../errors.js';
import {
  INPUTS,
  readingFrom,
  STEP_INPUTS,
  type InputName,
  type InputSource,
  type InputSpec
} from '../settings/inputs.js';
import type { ConfigFile, ConfigSection } from './parse.js';

/** One credential of the file, parsed by exactly the rules of the step's inputs. */
export interface ConfigEntry {
  /** `credentials[2]`. */
  readonly where: string;
  readonly line: number;
  readonly settings: Settings;
}

/** An entry's inputs: its own value, else `defaults:`, else the step's input. */
function entrySource(file: ConfigFile, section: ConfigSection): InputSource {
  const credential = (): string =>
    section.values.get('credential')?.value ??
    file.defaults.values.get('credential')?.value ??
    (STEP_INPUTS.get('credential') || INPUTS.credential.default);
  return {
    get(name: InputName): string {
      const own = section.values.get(name);
      if (own) return own.value.trim();
      // A default for the other kind of credential (previous-secret-grace for an API token) does not apply.
      const spec: InputSpec = INPUTS[name];
      if (spec.only && spec.only !== credential()) return '';
      return (file.defaults.values.get(name)?.value ?? STEP_INPUTS.get(name)).trim();
    }
  };
}

/** Where the value of `input` for this entry came from, as the message names it. */
function origin(file: ConfigFile, section: ConfigSection, input: string): { line: number; label: string } {
  const own = section.values.get(input);
  if (own) return { line: own.line, label: `${section.where}.${input}` };
  const fallback = file.defaults.values.get(input);
  if (fallback) return { line: fallback.line, label: `${section.where}.${input} (from defaults)` };
  return { line: section.line, label: `${section.where}.${input}` };
}

function entryError(file: ConfigFile, section: ConfigSection, error: InputError): ConfigError {
  const { line, label } = origin(file, section, error.input);
  const name = section.values.get('token-name')?.value;
  const entry = name ? ` (token-name ${name.slice(0, 100)})` : '';
  return new ConfigError(
    `Config file ${file.path}, line ${line}: ${label}${entry}: ${error.problem}.`,
    error.hint
  );
}

/** Every entry's settings; the first bad value fails the whole file, before any request. */
export function readEntries(file: ConfigFile, env: NodeJS.ProcessEnv): ConfigEntry[] {
  return file.entries.map((section) => {
    try {
      const settings = readingFrom(entrySource(file, section), () => readSettings(env));
      return { where: section.where, line: section.line, settings };
    } catch (error) {
      throw error instanceof InputError ? entryError(file, section, error) : error;
    }
  });
}
