import { INestApplication, ValidationPipe } from '@nestjs/common';

/** What main.ts and the tests both apply: validated input, unknown fields refused by name. */
export function configureApp<T extends INestApplication>(app: T): T {
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  return app;
}
