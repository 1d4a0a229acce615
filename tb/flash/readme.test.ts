// The README's example of a composed environment ("Block environments"), run as a test.
import { FlashOp } from '../../models/flash/spi_flash_pkg.js';
import { flashTest } from './env.js';

// #region compose
const test = flashTest({ simTimeout: [10, 'ms'] });

test('one environment on the bench: RDID through the CSRs against the reference', async ({ flash }) => {
  const env = await flash({ div: 1 });   // composed on this run's bench, which owns clock and reset
  await env.check('csr', { op: FlashOp.ReadId, addr: 0, len: 0 });
  await env.finish();                    // the SPI checker, the wire against the reference, the arrays
});
// #endregion compose
