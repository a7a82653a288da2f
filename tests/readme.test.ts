/**
 * Issue 9 §5, "the README is true": README's Configuration table, Pulumi.yaml and the config parser
 * (components/database/settings.ts) name the same keys and fields, with the same defaults. What the parser
 * accepts is asked of the parser itself (the problem it reports for an unknown field lists the
 * allowed ones, at every level), so a key added, removed or renamed in any of the three fails here.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT, parseStackConfig } from "../stack/config";
import { ConfigError } from "../components/core/problems";
import * as yaml from "js-yaml";

const ROOT = path.join(__dirname, "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const declared: Record<string, { default?: unknown }> = (
    yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, { default?: unknown }> }
).config;

// ------------------------------------------------------------------------------ What the parser accepts

const PROBE = "zzProbe";

function problemsOf(raw: Record<string, string>): string[] {
    try {
        parseStackConfig(raw);
    } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
    }
    return [];
}

/** The names the parser accepts inside `key` ("" = the top level), or undefined when `key` has no named fields. */
function acceptedFields(key: string): string[] | undefined {
    const probe = key ? `${key}.${PROBE}` : PROBE;
    const listed = problemsOf({ [`${PROJECT}:${probe}`]: "1" })
        .filter((p) => p.startsWith(`"${probe}": `))
        .map((p) => /(?:known keys are|allowed:) (.*)$/.exec(p)?.[1])
        .find((list) => list !== undefined);
    // "hugepages-<page size> (e.g. hugepages-2Mi)" names the field "hugepages-<page size>".
    return listed?.split(", ").map((name) => name.replace(/\s*\(.*\)$/, ""));
}

/** Every dotted path the parser accepts, objects and their fields alike. */
function parserPaths(key = ""): string[] {
    return (acceptedFields(key) ?? []).flatMap((field) => {
        const at = key ? `${key}.${field}` : field;
        return [at, ...(field.includes("<") ? [] : parserPaths(at))];
    });
}

/** `hugepages-<page size>` and `hugepages-<size>` name the same family of fields. */
const normal = (p: string) => p.replace(/<[^<>|]*>/g, "<>");

// ------------------------------------------------------------------------ What the README documents

interface Row {
    key: string;
    type: string;
    default: string;
}

function configurationTable(): Row[] {
    const start = README.indexOf("\n## Configuration\n");
    assert.ok(start >= 0, "README has a Configuration section");
    const lines = README.slice(start).split("\n");
    const header = lines.findIndex((l) => l.startsWith("| key |"));
    assert.ok(header >= 0, "the Configuration section has a `| key | type | default | meaning |` table");
    const rows: Row[] = [];
    for (const line of lines.slice(header + 2)) {
        if (!line.startsWith("|")) break;
        const cells = line
            .slice(1, line.endsWith("|") ? -1 : undefined)
            .split(/(?<!\\)\|/)
            .map((c) => c.trim());
        assert.equal(cells.length, 4, `a row has key, type, default and meaning: ${line}`);
        rows.push({ key: cells[0], type: cells[1], default: cells[2] });
    }
    return rows;
}

const plain = (cell: string) => cell.replace(/`/g, "").replace(/\\\|/g, "|").trim();

/** `tls.certificates.<server|client|endpoint>` stands for three keys. */
function expandKey(cell: string): string[] {
    const key = plain(cell);
    const alternatives = /<([^<>]*\|[^<>]*)>/.exec(key);
    if (!alternatives) return [key];
    return alternatives[1].split("|").flatMap((a) => expandKey(key.replace(alternatives[0], a.trim())));
}

type Fields = Map<string, Fields | undefined>;

/** Reads `{ a?, b?: string[], c?: { d?, e } }` starting at the `{` at `at`. */
function parseObject(text: string, at: number): { fields: Fields; end: number } {
    const fields: Fields = new Map();
    let i = at + 1;
    const space = () => {
        while (/\s/.test(text[i] ?? "")) i++;
    };
    space();
    if (text[i] === "}") return { fields, end: i + 1 };
    for (;;) {
        space();
        const name = /^([A-Za-z][\w<>-]*)\??\s*/.exec(text.slice(i));
        assert.ok(name, `cannot read a field name at "${text.slice(i, i + 20)}" in: ${text}`);
        i += name[0].length;
        let sub: Fields | undefined;
        if (text[i] === ":") {
            i++;
            space();
            if (text[i] === "{") {
                const inner = parseObject(text, i);
                sub = inner.fields;
                i = inner.end;
            } else {
                while (i < text.length && text[i] !== "," && text[i] !== "}") i++;
            }
        }
        fields.set(name[1], sub);
        space();
        if (text[i] === ",") {
            i++;
            continue;
        }
        assert.equal(text[i], "}", `expected "," or "}" at "${text.slice(i, i + 20)}" in: ${text}`);
        return { fields, end: i + 1 };
    }
}

/** The fields an `object { … }` type cell names; `{ a?, b? }, each { c?, d? }` gives a and b the fields c and d. */
function typeFields(cell: string): Fields | undefined {
    const type = plain(cell);
    if (!/^object\b/.test(type)) return undefined;
    const open = type.indexOf("{");
    assert.ok(open >= 0, `an object type names its fields in { }: ${type}`);
    const first = parseObject(type, open);
    const each = /^\s*,\s*each\s*\{/.exec(type.slice(first.end));
    if (each) {
        const inner = parseObject(type, first.end + each[0].length - 1).fields;
        for (const field of first.fields.keys()) first.fields.set(field, inner);
    }
    return first.fields;
}

function flatten(prefix: string, fields: Fields | undefined): string[] {
    return [...(fields ?? new Map()).entries()].flatMap(([name, sub]) => [`${prefix}.${name}`, ...flatten(`${prefix}.${name}`, sub)]);
}

function documentedPaths(rows: Row[]): string[] {
    return rows.flatMap((row) => {
        const fields = typeFields(row.type);
        return expandKey(row.key).flatMap((key) => [key, ...flatten(key, fields)]);
    });
}

/** The row for `key` itself, else for the nearest object that holds it (`storage` for `storage.size`). */
function rowFor(rows: Row[], key: string): { row: Row; rest: string } | undefined {
    const parts = key.split(".");
    for (let n = parts.length; n > 0; n--) {
        const row = rows.find((r) => expandKey(r.key).includes(parts.slice(0, n).join(".")));
        if (row) return { row, rest: parts.slice(n).join(".") };
    }
    return undefined;
}

function leaves(prefix: string, value: unknown): Array<[string, unknown]> {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        return Object.entries(value).flatMap(([k, v]) => leaves(`${prefix}.${k}`, v));
    }
    return [[prefix, value]];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// ----------------------------------------------------------------------------------------------- Tests

describe("README: the Configuration table, Pulumi.yaml and the parser agree", () => {
    const rows = configurationTable();
    const documented = documentedPaths(rows).map(normal);
    const accepted = parserPaths().map(normal);
    const isDocumented = (p: string) => documented.some((d) => d === p || d.startsWith(`${p}.`));

    it("reads the table and asks the parser what it accepts, down to nested fields", () => {
        assert.ok(rows.length >= 10, `expected the Configuration table, found ${rows.length} rows`);
        for (const p of [
            "namespace",
            "tls.certificates.server.subject.organizationalUnits",
            "resources.limits.hugepages-<>",
            "timeouts.opsStepTimeout",
            "tls.ca.clusterResourceNamespace",
        ]) {
            assert.ok(accepted.includes(p), `the parser probe should find ${p}; found ${accepted.join(", ")}`);
        }
    });

    it("documents every key and field the parser accepts", () => {
        const missing = accepted.filter((p) => !isDocumented(p));
        assert.deepEqual(missing, [], `accepted by components/database/settings.ts but not in README's Configuration table: ${missing.join(", ")}`);
    });

    it("documents only keys and fields the parser accepts (a removed or renamed key fails)", () => {
        const refused = documented.filter((p) => !accepted.includes(p));
        assert.deepEqual(refused, [], `in README's Configuration table but refused by components/database/settings.ts: ${refused.join(", ")}`);
    });

    it("documents each key once", () => {
        const keys = rows.flatMap((r) => expandKey(r.key));
        assert.deepEqual(
            keys.filter((k, i) => keys.indexOf(k) !== i),
            [],
            "keys listed twice",
        );
    });

    it("documents every key Pulumi.yaml declares, with the default Pulumi.yaml gives it", () => {
        for (const [key, declaration] of Object.entries(declared)) {
            assert.ok(isDocumented(key), `Pulumi.yaml declares "${key}", which README's Configuration table does not document`);
            if (declaration.default === undefined) continue;
            for (const [leaf, value] of leaves(key, declaration.default)) {
                const found = rowFor(rows, leaf);
                assert.ok(found, `Pulumi.yaml's default for "${leaf}" has no row in README's Configuration table`);
                const cell = found.row.default;
                if (found.rest === "") {
                    assert.ok(cell.includes(`\`${String(value)}\``), `README's default for "${leaf}" is ${cell}; Pulumi.yaml's is ${JSON.stringify(value)}`);
                } else {
                    const pattern = new RegExp(`(^|[{,\\s])${escapeRegExp(found.rest)}:\\s*"?${escapeRegExp(String(value))}"?([,}\\s]|$)`);
                    assert.match(
                        plain(cell),
                        pattern,
                        `README's default for "${found.row.key}" should give ${found.rest}: ${JSON.stringify(value)} as Pulumi.yaml does`,
                    );
                }
            }
        }
    });

    it("gives the parser's own default wherever its default is a single value", () => {
        const config = parseStackConfig({ [`${PROJECT}:acceptEula`]: "true" }) as unknown as Record<string, unknown>;
        const at = (key: string) => key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], config);
        let compared = 0;
        for (const row of rows) {
            const single = /^`([^`]+)`$/.exec(row.default);
            if (!single) continue;
            for (const key of expandKey(row.key)) {
                const actual = at(key);
                assert.notEqual(actual, undefined, `README gives "${key}" the default ${row.default}, but the parser gives it none`);
                if (typeof actual === "object") {
                    const documentedValue = JSON.parse(single[1].replace(/([A-Za-z_]\w*)\s*:/g, '"$1":'));
                    assert.deepEqual(actual, documentedValue, `README's default for "${key}" is ${row.default}; the parser's is ${JSON.stringify(actual)}`);
                } else {
                    assert.equal(String(actual), single[1], `README's default for "${key}" is ${row.default}; the parser's is ${JSON.stringify(actual)}`);
                }
                compared++;
            }
        }
        assert.ok(compared >= 8, `expected most rows to give a single default, compared ${compared}`);
    });

    it("names exactly the keys Pulumi.yaml leaves undeclared", () => {
        const sentence = /the optional keys without a single default \(([^)]*)\) are not declared/.exec(README.replace(/\s+/g, " "));
        assert.ok(sentence, "README says which optional keys Pulumi.yaml does not declare");
        const named = [...sentence[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort();
        const undeclared = (acceptedFields("") ?? []).filter((k) => !(k in declared)).sort();
        assert.deepEqual(named, undeclared, "the keys the parser accepts that Pulumi.yaml does not declare");
    });
});
