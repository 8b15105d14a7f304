import { InputError } from '../errors.js';
import type { InputName } from './inputs.js';

const CLOUDFLARE_ID = /^[0-9a-f]{32}$/i;

export function cloudflareId(input: InputName, id: string): string {
  if (!CLOUDFLARE_ID.test(id)) {
    throw new InputError(
      input,
      `'${id}' is not a Cloudflare id`,
      'Copy the 32-character hexadecimal id from the dashboard.'
    );
  }
  return id.toLowerCase();
}

export function parseUrl(name: InputName, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(name, `'${value}' is not a URL`, 'Use an absolute http(s) URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(name, `'${value}' is not an http(s) URL`, 'Use an absolute http(s) URL.');
  }
  return url;
}

/** An API's base URL, without a trailing slash. */
export function apiBase(name: InputName, value: string): string {
  return parseUrl(name, value).toString().replace(/\/+$/, '');
}
