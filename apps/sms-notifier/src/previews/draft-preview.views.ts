/** `POST /sms/templates/preview`'s answer, decorator-free: the console's browser code imports it with `import type`. */

/** A text not saved yet, rendered as each channel would send it. */
export interface DraftPreview {
  /** The text after Mustache, as an SMS would carry it. */
  text: string;
  sms: {
    encoding: 'GSM-7' | 'UCS-2';
    segments: number;
    /** Characters as the network counts them (GSM-7 extension characters count twice). */
    characters: number;
    /** 160/153 (GSM-7) or 70/67 (UCS-2). */
    perSegment: number;
  };
  email: {
    subject: string;
    /** The whole HTML part, `dir="rtl"` for Persian; its unsubscribe link is a placeholder. */
    html: string;
    dir: 'rtl' | 'ltr';
  };
}
