/** Cloudflare's v4 answer around a result, as the nock fakes send it. */
export const envelope = (result: unknown, extra: Record<string, unknown> = {}) => ({
  success: true,
  errors: [],
  messages: [],
  result,
  ...extra
});

/** Cloudflare's v4 answer to a failed request. */
export const cfError = (code: number, message: string) => ({
  success: false,
  errors: [{ code, message }],
  messages: [],
  result: null
});
