import { Injectable } from '@nestjs/common';

/** In-process wake-up of the workers when deliveries were just committed (other instances hear NOTIFY). */
@Injectable()
export class DeliverySignal {
  private readonly listeners: ((subscriptionIds: Iterable<string>) => void)[] = [];

  on(listener: (subscriptionIds: Iterable<string>) => void): void {
    this.listeners.push(listener);
  }

  notify(subscriptionIds: Iterable<string>): void {
    for (const l of this.listeners) l(subscriptionIds);
  }
}
