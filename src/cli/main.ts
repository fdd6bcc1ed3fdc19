#!/usr/bin/env node
import { guardCliProcess } from './process-guard.js';
import { runCli } from './run.js';

guardCliProcess();
process.exitCode = await runCli(process.argv.slice(2));
