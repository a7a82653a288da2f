/** Stack config as Pulumi hands it to the program (`project:key` → text), for the parser's tests. */
import { strict as assert } from "assert";
import { DatabaseSettings } from "../../components/database/settings";
import { parseStackConfig } from "../../stack/config";
import { ConfigError } from "../../components/core/problems";

const PROJECT = "kubedb-mssql";

/** Values by key, objects as JSON text, as `pulumi config set` stores them. */
export function rawConfig(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** A parser of `values` on top of `base`, and the problems it reports for values it must refuse. */
export function configParser(base: Record<string, unknown> = {}): {
    parse: (values: Record<string, unknown>) => DatabaseSettings;
    problemsOf: (values: Record<string, unknown>) => string[];
} {
    const parse = (values: Record<string, unknown>) => parseStackConfig(rawConfig({ ...base, ...values }));
    const problemsOf = (values: Record<string, unknown>): string[] => {
        try {
            parse(values);
        } catch (error) {
            assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
            return (error as ConfigError).problems;
        }
        assert.fail(`expected ${JSON.stringify(values)} to be refused`);
    };
    return { parse, problemsOf };
}
