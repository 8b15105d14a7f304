import { InputError } from '../errors.js';
import type { InputName } from './inputs.js';

const CLOUDFLARE_ID = /^[0-9a-f]{32}$/i;
const URL_HINT = 'Use an absolute https URL (http only to 127.0.0.1, ::1 or localhost).';

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

/** A URL as it may be shown: without `user:password@`, whether or not it parses. */
function withoutCredentials(value: string | URL): string {
  if (value instanceof URL) {
    const shown = new URL(value.href);
    shown.username = '';
    shown.password = '';
    return shown.href;
  }
  return value.replace(/^([^:/?#]*:\/*)[^/?#]*@/, '$1');
}

/** Hosts a plain-http URL may name: the machine itself (the emulator, local tests). */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

export function parseUrl(name: InputName, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(name, `'${withoutCredentials(value)}' is not a URL`, URL_HINT);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(name, `'${withoutCredentials(url)}' is not an http(s) URL`, URL_HINT);
  }
  if (url.username || url.password) {
    throw new InputError(
      name,
      `'${withoutCredentials(url)}' holds credentials (user:password@)`,
      'Remove them from the URL: the action sends its own tokens, and a URL is printed in logs and summaries.'
    );
  }
  if (url.protocol === 'http:' && !isLoopback(url)) {
    throw new InputError(
      name,
      `'${url.href}' uses plain http to a host other than this machine`,
      'Use https; http is allowed only to 127.0.0.1, ::1 or localhost.'
    );
  }
  return url;
}

/** An API's base URL, without a trailing slash. */
export function apiBase(name: InputName, value: string): string {
  return parseUrl(name, value).toString().replace(/\/+$/, '');
}
