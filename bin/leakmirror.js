#!/usr/bin/env node
// Thin launcher: everything lives in the bundled CLI entry (dist/cli/, built by `npm run build`).
import { main } from '../dist/cli/cli.js';

process.exitCode = await main(process.argv.slice(2));
