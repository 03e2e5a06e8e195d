import { Matches } from 'class-validator';

export const KEY = /^[a-z0-9][a-z0-9_.-]{0,99}$/;
export const LOCALE = /^[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}$/;
export const KEY_MESSAGE = '$property must be 1-100 lowercase letters, digits, _ . or -, e.g. order_confirmation';
export const LOCALE_MESSAGE = '$property must be a lowercase language tag, e.g. fa, en, en-gb';

export class TemplateKeyParams {
  @Matches(KEY, { message: KEY_MESSAGE }) key!: string;
}

export class TemplateParams extends TemplateKeyParams {
  @Matches(LOCALE, { message: LOCALE_MESSAGE }) locale!: string;
}
