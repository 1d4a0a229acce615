// make types, first step: every block description (`*_desc.json` under rtl/ and tb/) into its
// SystemVerilog package and register block, its TypeScript and its README tables.
import { generateAll } from './files.js';

try {
  const done = await generateAll();
  console.log(`make types: ${done.length} block description(s) generated`);
} catch (e) {
  console.error(`make types: ${(e as Error).message}`);
  process.exitCode = 1;
}
