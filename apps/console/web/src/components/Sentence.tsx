import type { EventItem } from '../types.js';

/** An event's sentence in the language asked for, laid out right-to-left for Persian; the type when it has none. */
export function Sentence({ event, className = 'sentence' }: { event: EventItem; className?: string }) {
  const text = event.sentence ?? event.messageEn ?? event.message;
  if (!text) return <span className={className}>{event.type}</span>;
  const lang = event.lang ?? (event.sentence === undefined && event.messageEn !== undefined ? 'en' : 'fa');
  return (
    <span className={className} dir={event.dir ?? (lang === 'fa' ? 'rtl' : 'ltr')} lang={lang}>
      {text}
    </span>
  );
}
