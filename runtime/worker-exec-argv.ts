/**
 * execArgv for a worker thread running one of our TypeScript files (verify workers, the state
 * applier). A worker inherits the parent's execArgv, which carries tsx's loader when the
 * process was started with it (`node --import tsx`). A process started through tsx's
 * register() API (bin/nexus.js) does not, and Node's own type stripping cannot load our
 * sources. The loader is named by absolute URL so it resolves from any working directory.
 */
export function workerExecArgv(): string[] {
  // Only module-loading flags are passed on: many per-process flags (--expose-gc, …) are
  // refused in a worker.
  const argv = process.execArgv;
  const keep: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--import" || a === "--loader" || a === "--experimental-loader" || a === "--require" || a === "-r") {
      keep.push(a, argv[++i] ?? "");
    } else if (/^--(import|loader|experimental-loader|require)=/.test(a)) {
      keep.push(a);
    }
  }
  const hasTsx = keep.some((a) => /tsx/.test(a));
  return hasTsx ? keep : [...keep, "--import", import.meta.resolve("tsx")];
}
