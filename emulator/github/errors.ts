// GitHub's error body ({message, documentation_url, status}) and the errors the emulator raises.

import type { ApiResponse } from '../http-types.ts';

const DOCS = 'https://docs.github.com/rest';

export function errorBody(status: number, message: string, documentationUrl = DOCS): Record<string, string> {
  return { message, documentation_url: documentationUrl, status: String(status) };
}

/** Thrown by handlers and stores; the API layer turns it into a response. */
export class GitHubError extends Error {
  readonly status: number;
  readonly documentationUrl: string;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    options: { documentationUrl?: string; headers?: Record<string, string> } = {}
  ) {
    super(message);
    this.status = status;
    this.documentationUrl = options.documentationUrl ?? DOCS;
    this.headers = options.headers ?? {};
  }

  toResponse(): ApiResponse {
    return {
      status: this.status,
      headers: this.headers,
      body: errorBody(this.status, this.message, this.documentationUrl)
    };
  }
}

export const notFound = (): GitHubError => new GitHubError(404, 'Not Found');

export const unprocessable = (detail: string): GitHubError =>
  new GitHubError(422, `Invalid request.\n\n${detail}`);

export const conflict = (message: string): GitHubError => new GitHubError(409, message);
