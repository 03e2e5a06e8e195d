/** A template as `/sms/templates` answers it, decorator-free: the console's browser code imports it with `import type`. */
export interface TemplateView {
  key: string;
  locale: string;
  body: string;
  sampleData: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** `POST /sms/templates/:key/preview`'s items. */
export interface TemplatePreviewView {
  key: string;
  locale: string;
  text: string;
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  characters: number;
  perSegment: number;
}
