import { Injectable } from '@nestjs/common';

/**
 * In-process signals to the workers: deliveries were just committed (other instances hear NOTIFY),
 * or a subscription was just disabled here (its rows claimed ahead are handed back, not sent).
 */
@Injectable()
export class DeliverySignal {
  private readonly listeners: ((subscriptionIds: Iterable<string>) => void)[] = [];
  private readonly disabledListeners: ((subscriptionId: string) => void)[] = [];

  on(listener: (subscriptionIds: Iterable<string>) => void): void {
    this.listeners.push(listener);
  }

  notify(subscriptionIds: Iterable<string>): void {
    for (const l of this.listeners) l(subscriptionIds);
  }

  onDisabled(listener: (subscriptionId: string) => void): void {
    this.disabledListeners.push(listener);
  }

  disabled(subscriptionId: string): void {
    for (const l of this.disabledListeners) l(subscriptionId);
  }
}
