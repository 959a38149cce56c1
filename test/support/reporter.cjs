// Spec output, then one closing line in the plain "N passed, N failed" form
// that CI reads, whatever runner printed before it.
const Mocha = require('mocha')

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options)
    runner.once('end', () => {
      const { passes, failures, pending } = runner.stats
      console.log(`mocha: ${passes} passed, ${failures} failed, ${pending} skipped`)
    })
  }
}

module.exports = SpecWithSummary
