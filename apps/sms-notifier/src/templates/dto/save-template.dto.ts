import { IsNotEmpty, IsObject, IsString, MaxLength } from 'class-validator';

/** Body of `PUT /sms/templates/:key/:locale`. */
export class SaveTemplateDto {
  /** Mustache text, e.g. `Your order #{{orderId}} has been placed`. */
  @IsString() @IsNotEmpty() @MaxLength(1600) body!: string;

  /** Example event data with every placeholder the body uses, e.g. `{ "orderId": 1042 }`. */
  @IsObject({ message: '$property must be an object with a value for every placeholder of body, e.g. {"orderId": 1042}' })
  sampleData!: Record<string, unknown>;
}
