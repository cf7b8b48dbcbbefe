// Mutation testing of the safety-critical code (issue 13). Run it through `npm run test:mutation`
// (scripts/mutation.ts), which runs Stryker once per group of files with the unit tests of that
// group as the command, so each mutant costs seconds, not the whole suite.
//
// Why the command runner: @stryker-mutator/mocha-runner 10.1.1 cannot load Mocha 12 (it
// requires mocha/lib/cli/run-helpers, which Mocha 12 ships as .cjs; upstream fix
// stryker-js#6205 is not released). The command runner still uses mutant switching, so the
// code is instrumented once per group.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "command",
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "off",
  concurrency: 2,
  timeoutMS: 60000,
  timeoutFactor: 2,
  reporters: ["clear-text", "progress-append-only", "json"],
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  // mutate, commandRunner and jsonReporter come per group from scripts/mutation.ts
};
