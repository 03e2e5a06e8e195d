/** Replies that opt a number out, as carriers and Twilio treat them, plus the Persian «لغو» (cancel). */
const STOP = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'لغو']);
/** Replies that opt it back in. */
const START = new Set(['START', 'UNSTOP', 'YES']);

export type KeywordAction = { action: 'opt-out' | 'opt-in'; keyword: string } | undefined;

/** The whole reply is the keyword, in any case, with surrounding spaces and punctuation ignored. */
export function keywordAction(body: unknown): KeywordAction {
  if (typeof body !== 'string') return undefined;
  // Tatweel and zero-width joiners are typing artefacts in Persian text.
  const word = body.replace(/[\u0640\u200c\u200d]/g, '').replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '').toUpperCase();
  if (STOP.has(word)) return { action: 'opt-out', keyword: word };
  if (START.has(word)) return { action: 'opt-in', keyword: word };
  return undefined;
}
