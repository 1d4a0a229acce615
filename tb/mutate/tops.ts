import { defineTop } from '../../bridge/src/index.js';
import type { MutFixtureDut } from './gen/mut_fixture.js';

/** The mutation runner's self-test block: a comparator (tb/mutate/hdl/mut_fixture.sv). */
export const mutFixture = defineTop<MutFixtureDut>({ name: 'mut_fixture', sources: ['tb/mutate/hdl/mut_fixture.sv'] });
