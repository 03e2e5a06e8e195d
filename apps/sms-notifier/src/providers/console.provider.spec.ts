import { ConsoleLogger, Logger } from '@nestjs/common';
import { ConsoleSmsProvider } from './console.provider.js';

describe(ConsoleSmsProvider.name, () => {
  it('prints the masked number and the text, never the whole number', async () => {
    const lines: string[] = [];
    Logger.overrideLogger(
      new (class extends ConsoleLogger {
        override log(message: unknown) {
          lines.push(String(message));
        }
      })(),
    );
    try {
      const sent = await new ConsoleSmsProvider().send({ to: '+989121234567', text: 'سفارش #7 شما ثبت شد', idempotencyKey: 'k' });
      expect(sent.providerMessageId).toMatch(/^console-/);
      expect(lines).toEqual([`SMS to +98912*****67 (${sent.providerMessageId}): سفارش #7 شما ثبت شد`]);
    } finally {
      Logger.overrideLogger(new ConsoleLogger());
    }
  });
});
