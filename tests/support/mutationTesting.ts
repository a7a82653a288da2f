/**
 * Loaded only by Stryker (stryker.config.json, mochaOptions.require); a no-op outside it. What
 * Stryker's bookkeeping would otherwise get wrong in this suite:
 *
 * 1. Coverage of `before` hooks and of test files' top-level code. With `coverageAnalysis:
 *    "perTest"` Stryker's mocha runner notes the running test in a root `beforeEach`, so what a
 *    suite's `before` hook covers (e.g. `runProgram` in a `before`) is credited to the test that ran
 *    last, or to none, and what a test file runs while it is loaded (e.g. a table built by parsing
 *    config) to none: "static". A mutant reached only from a hook would be tried against the wrong
 *    test and reported as surviving; one also reached while loading ("hybrid") costs a fresh test
 *    process per mutant. Both are credited to the tests of that suite or file instead. The
 *    components are loaded first, here, so that what runs when a module is initialized (its
 *    constants) stays static: Stryker leaves those mutants out ("ignoreStatic").
 */
import Mocha from "mocha";

interface StrykerNamespace {
    activeMutant?: string;
    currentTestId?: string;
    mutantCoverage?: Coverage;
}
interface Coverage {
    static: Record<string, number>;
    perTest: Record<string, Record<string, number>>;
}

const namespace = (): StrykerNamespace | undefined => (globalThis as { __stryker__?: StrykerNamespace }).__stryker__;

function addHits(into: Record<string, number>, from: Record<string, number>): void {
    for (const [mutant, hits] of Object.entries(from)) into[mutant] = (into[mutant] ?? 0) + hits;
}

if (namespace()) {
    // ------------------------------------------------- 1. coverage of before hooks and file loading
    // Every component module initialized now, while no test runs: its constants are static.
    /* eslint-disable @typescript-eslint/no-require-imports -- Stryker's and mocha's internals, loaded only under Stryker */
    const components = require("path").join(__dirname, "..", "..", "components");
    for (const file of require("fs").readdirSync(components, { recursive: true }) as string[]) {
        if (file.endsWith(".ts") && !file.endsWith(".d.ts")) require(require("path").join(components, file));
    }
    /* eslint-enable @typescript-eslint/no-require-imports */
    type HookFn = (this: Mocha.Context, done?: Mocha.Done) => unknown;
    const testsOf = (suite: Mocha.Suite): string[] => [...suite.tests.map((t) => t.fullTitle()), ...suite.suites.flatMap(testsOf)];
    let hooks = 0;

    /** Credits what runs until the returned function is called to the tests it then names. */
    const creditTo = (tests: () => string[]): (() => void) | undefined => {
        const ns = namespace();
        // Only while Stryker measures coverage (its dry run, before any mutant is active).
        if (!ns || ns.activeMutant !== undefined) return undefined;
        const coverage = (ns.mutantCoverage ??= { static: {}, perTest: {} });
        const previous = ns.currentTestId;
        const key = `mutation-testing-window-${++hooks}`;
        ns.currentTestId = key;
        return () => {
            ns.currentTestId = previous;
            const covered = coverage.perTest[key] ?? {};
            delete coverage.perTest[key];
            for (const test of tests()) addHits((coverage.perTest[test] ??= {}), covered);
        };
    };
    const begin = (ctx: Mocha.Context) => creditTo(() => (ctx.test?.parent ? testsOf(ctx.test.parent) : []));
    const credited = (fn: HookFn): HookFn => {
        if (fn.length > 0) {
            return function (this: Mocha.Context, done?: Mocha.Done) {
                const end = begin(this);
                return fn.call(this, (error?: unknown) => {
                    end?.();
                    done!(error);
                });
            };
        }
        return function (this: Mocha.Context) {
            const end = begin(this);
            let result: unknown;
            try {
                result = fn.call(this);
            } catch (error) {
                end?.();
                throw error;
            }
            if (end && result instanceof Promise) return result.finally(end);
            end?.();
            return result;
        };
    };
    const suite = Mocha.Suite.prototype as unknown as { beforeAll(title: string | HookFn, fn?: HookFn): unknown };
    const beforeAll = suite.beforeAll;
    suite.beforeAll = function (title: string | HookFn, fn?: HookFn) {
        if (typeof title === "function") return beforeAll.call(this, title.name, credited(title));
        return beforeAll.call(this, title, fn && credited(fn));
    };

    type Loader = { suite: Mocha.Suite; loadFilesAsync(...args: unknown[]): Promise<void> };
    const mochaProto = Mocha.prototype as unknown as Loader;
    const loadFilesAsync = mochaProto.loadFilesAsync;
    mochaProto.loadFilesAsync = function (this: Loader, ...args: unknown[]) {
        const root = this.suite;
        const testsOfFile =
            (file: string) =>
            (suite: Mocha.Suite): string[] => [
                ...suite.tests.filter((t) => t.file === file).map((t) => t.fullTitle()),
                ...suite.suites.flatMap(testsOfFile(file)),
            ];
        let end: (() => void) | undefined;
        const pre = (_context: unknown, file: string) => (end = creditTo(() => testsOfFile(file)(root)));
        const post = () => {
            end?.();
            end = undefined;
        };
        root.on("pre-require", pre);
        root.on("post-require", post);
        return loadFilesAsync.apply(this, args).finally(() => {
            root.off("pre-require", pre);
            root.off("post-require", post);
        });
    };
}
