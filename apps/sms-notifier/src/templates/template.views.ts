/** A template as `/sms/templates` answers it, decorator-free: the console's browser code imports it with `import type`. */
export interface TemplateView {
  key: string;
  locale: string;
  body: string;
  sampleData: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

