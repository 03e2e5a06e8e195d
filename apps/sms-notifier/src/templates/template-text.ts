import { SegmentedMessage } from 'sms-segments-calculator';

// The Mustache rules moved to libs/events (the event-store renders event sentences with them too).
export { TemplateError, parseTemplate, missingPlaceholders, renderTemplate } from '@app/events';

export interface SmsEncodingInfo {
  /** GSM-7 when every character is in the GSM 03.38 alphabet; UCS-2 otherwise (Persian, emoji). */
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  /** Characters as the network counts them (GSM-7 extension characters count twice). */
  characters: number;
  /** Characters per segment at this encoding and length: 160/153 (GSM-7) or 70/67 (UCS-2). */
  perSegment: number;
}

/** Encoding and segment count as a handset network bills the text (via Twilio's segment calculator). */
export function smsEncoding(text: string): SmsEncodingInfo {
  const m = new SegmentedMessage(text, 'auto');
  const single = m.encodingName === 'GSM-7' ? 160 : 70;
  const multi = m.encodingName === 'GSM-7' ? 153 : 67;
  return {
    encoding: m.encodingName,
    segments: m.segmentsCount,
    characters: m.numberOfCharacters,
    perSegment: m.segmentsCount > 1 ? multi : single,
  };
}
