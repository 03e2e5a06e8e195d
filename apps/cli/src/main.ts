#!/usr/bin/env node
import { createRequire } from 'node:module';
import { run } from './program.js';

const { version } = createRequire(import.meta.url)('../../../../package.json') as { version: string };
process.exitCode = await run(process.argv, version);
