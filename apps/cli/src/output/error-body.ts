/** Nest's error body: `message` is a string or, for validation, a list; other text is shown as it is. */
export function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: string | string[] };
    if (Array.isArray(parsed.message)) return parsed.message.join('; ');
    if (parsed.message) return parsed.message;
  } catch {
    // Not JSON: show the text.
  }
  return body.slice(0, 300) || '(empty body)';
}
