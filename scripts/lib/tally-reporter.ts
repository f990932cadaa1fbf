/**
 * Mocha's spec output, plus mocha's counts written as JSON to the file named by `--reporter-option output=FILE`,
 * for scripts/lib/tally.sh. Mocha runs one reporter at a time, and mocha-multi-reporters hands its reporters
 * `reporterOptions`, which mocha 11's own json reporter does not read (it reads `reporterOption`).
 */
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';

export = class TallyReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const output: unknown = options?.reporterOptions?.output;
    if (typeof output !== 'string') throw new Error('tally-reporter needs --reporter-option output=FILE');
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = this.stats;
      writeFileSync(output, JSON.stringify({ passes, failures, pending }));
    });
  }
};
