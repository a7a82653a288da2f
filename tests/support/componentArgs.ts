/** Component args refused by name: the keys a ConfigError names, one bad arg at a time, and mocks that record what was registered. */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../components/core/problems";

/** The keys named by the ConfigError `f` throws (each once, in order), [] when it throws none. */
export function refusedKeys(f: () => unknown, context: string): string[] {
    try {
        f();
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
        assert.match(error.message, new RegExp(`^Invalid ${context} \\(nothing was created\\)`));
        return [...new Set(error.problems.map((p) => /^"([^"]+)":/.exec(p)![1]))];
    }
    return [];
}

/** [what is wrong, args patch, the one key refused] */
export type Case<A> = [string, Partial<Record<keyof A, unknown>> | Record<string, unknown>, string];

export function eachArg<A>(component: string, context: string, good: A, check: (args: A) => unknown, cases: Case<A>[]): void {
    describe(`${component}: one bad arg at a time`, () => {
        it("accepts the args with every optional field set", () =>
            assert.deepEqual(
                refusedKeys(() => check(good), context),
                [],
            ));
        for (const [title, patch, key] of cases) {
            it(`refuses ${title} under "${key}" alone`, () => {
                assert.deepEqual(
                    refusedKeys(() => check({ ...good, ...patch } as A), context),
                    [key],
                );
            });
        }
    });
}

/** The problems of a ConfigError thrown by `f`, checked to come from `context`. */
export function problemsOf(f: () => unknown, context: string): string[] {
    try {
        f();
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
        assert.match((error as Error).message, new RegExp(`^Invalid ${context} \\(nothing was created\\)`));
        return (error as ConfigError).problems;
    }
    assert.fail("expected the args to be refused");
}

export function assertArgRefused(f: () => unknown, context: string, key: string, pattern: RegExp): string {
    const problems = problemsOf(f, context);
    const match = problems.find((p) => p.startsWith(`"${key}":`) && pattern.test(p));
    assert.ok(match, `no "${key}" problem matching ${pattern}: ${problems.join(" | ")}`);
    return match!;
}

/** Records the resources registered under mocks, so that a test can see a constructor created none. */
export const registered: string[] = [];
export async function useMocks(): Promise<void> {
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered.push(args.type);
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => args.inputs,
        },
        "kubedb-mssql",
        "components",
        false,
    );
}
