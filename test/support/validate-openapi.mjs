// Runs the maintained OpenAPI validator (@seriousme/openapi-schema-validator, ESM only) on a document file
// and prints its verdict as JSON; the jest test calls this in a child process.
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';

const document = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const validator = new Validator();
const result = await validator.validate(document);
process.stdout.write(
  JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? [] }),
);
