import { INestApplication, ValidationPipe } from '@nestjs/common';

/**
 * What main.ts and the tests both apply to the app: validated input, where an unknown field is a
 * 400 naming it (`property foo should not exist`).
 */
export function configureApp<T extends INestApplication>(app: T): T {
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  return app;
}
