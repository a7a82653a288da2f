/**
 * Validates Kubernetes objects against the upstream CRD schemas vendored in
 * tests/fixtures/crds/ (written by scripts/vendor-crds.py from the upstream CRD files; nothing outside this repository is read).
 *
 * The rules follow structural-schema validation as the API server applies it to
 * a create request, except that anything the API server would silently prune
 * (unknown fields, nulls in non-nullable fields) is reported as a violation:
 *
 *   - type: object | array | string | integer | number | boolean ("number" also
 *     accepts whole numbers; "integer" needs a whole number)
 *   - properties + required; additionalProperties (schema -> validates every
 *     other key, true -> allows them); x-kubernetes-preserve-unknown-fields
 *   - items, enum, pattern, min/maxLength (in code points), min/maxItems,
 *     min/maxProperties, minimum/maximum (+ OpenAPI 3.0 boolean exclusive*),
 *     multipleOf, nullable
 *   - format, loosely: int32/int64 ranges, date-time (RFC 3339 shape), byte
 *     (standard padded base64); every other format is ignored
 *   - x-kubernetes-int-or-string; pattern and the other string keywords only
 *     apply to string values, numeric keywords only to numbers
 *   - x-kubernetes-list-type set/map: duplicate entries are rejected (map keys
 *     missing from an entry take the key field's default, as the API server
 *     defaults before it validates)
 *   - x-kubernetes-embedded-resource and the resource root: apiVersion, kind and
 *     metadata are allowed; metadata may hold name, generateName, namespace,
 *     labels, annotations, ownerReferences and finalizers, and the CRD's own
 *     metadata schema (e.g. a name pattern) is applied on top
 *   - allOf / anyOf / oneOf / not: branches only add value checks (they never make
 *     a field "known"), as in structural schemas
 *   - default: the API server defaults before it validates, so a required field
 *     that has a default is never reported missing
 *
 * Schema keywords the vendored CRDs actually use: type, properties, required,
 * additionalProperties (schemas only), items, enum, pattern, format (int32,
 * int64, date-time, byte), minLength, maxLength, minimum, maximum, default,
 * anyOf (only as the int-or-string pair [{type: integer}, {type: string}]),
 * x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields (Issuer and
 * ClusterIssuer spec.acme.solvers[].dns01.webhook.config), x-kubernetes-list-type
 * (atomic/map/set), x-kubernetes-list-map-keys, x-kubernetes-map-type (no
 * effect on validation), x-kubernetes-validations, description.
 * Not used (implemented anyway): nullable, oneOf, allOf, not, minItems,
 * maxItems, minProperties, maxProperties, multipleOf, exclusiveMinimum/Maximum,
 * x-kubernetes-embedded-resource.
 *
 * x-kubernetes-validations (CEL) are NOT evaluated. The vendored schemas hold
 * exactly these rules (tests check this list against listCelRules()):
 *   - cert-manager.io/v1 Issuer and ClusterIssuer, spec.venafi:
 *       (has(self.tpp) ? 1 : 0) + (has(self.cloud) ? 1 : 0) + (has(self.ngts) ? 1 : 0) == 1
 *       "exactly one of tpp, cloud, or ngts must be configured"
 *   - none in kubedb.com/v1alpha2 MSSQLServer, ops.kubedb.com/v1alpha1
 *     MSSQLServerOpsRequest or cert-manager.io/v1 Certificate.
 */
import * as fs from "fs";
import * as path from "path";

export interface Schema {
    type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
    description?: string;
    properties?: Record<string, Schema>;
    required?: string[];
    additionalProperties?: Schema | boolean;
    items?: Schema;
    enum?: unknown[];
    pattern?: string;
    format?: string;
    default?: unknown;
    nullable?: boolean;
    minimum?: number;
    maximum?: number;
    exclusiveMinimum?: boolean;
    exclusiveMaximum?: boolean;
    multipleOf?: number;
    minLength?: number;
    maxLength?: number;
    minItems?: number;
    maxItems?: number;
    minProperties?: number;
    maxProperties?: number;
    allOf?: Schema[];
    anyOf?: Schema[];
    oneOf?: Schema[];
    not?: Schema;
    "x-kubernetes-preserve-unknown-fields"?: boolean;
    "x-kubernetes-int-or-string"?: boolean;
    "x-kubernetes-embedded-resource"?: boolean;
    "x-kubernetes-list-type"?: "atomic" | "set" | "map";
    "x-kubernetes-list-map-keys"?: string[];
    "x-kubernetes-map-type"?: "atomic" | "granular";
    "x-kubernetes-validations"?: Array<{ rule: string; message?: string }>;
}

interface VendoredCrd {
    source: string;
    group: string;
    kind: string;
    version: string;
    schema: Schema;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: unknown };

export const CRD_FIXTURE_DIR = path.resolve(__dirname, "..", "fixtures", "crds");

// ---------------------------------------------------------------- schema lookup

let crdIndex: Map<string, VendoredCrd> | undefined;

function indexKey(apiVersion: string, kind: string): string {
    return `${apiVersion}|${kind}`;
}

function vendoredCrds(): Map<string, VendoredCrd> {
    if (crdIndex) return crdIndex;
    const index = new Map<string, VendoredCrd>();
    for (const file of fs.readdirSync(CRD_FIXTURE_DIR).filter((f) => f.endsWith(".json")).sort()) {
        const crd = JSON.parse(fs.readFileSync(path.join(CRD_FIXTURE_DIR, file), "utf8")) as VendoredCrd;
        if (!crd.group || !crd.kind || !crd.version || typeof crd.schema !== "object") {
            throw new Error(`${file}: not a vendored CRD schema (expected group, kind, version, schema)`);
        }
        index.set(indexKey(`${crd.group}/${crd.version}`, crd.kind), crd);
    }
    crdIndex = index;
    return index;
}

export function hasSchemaFor(apiVersion: string, kind: string): boolean {
    return vendoredCrds().has(indexKey(apiVersion, kind));
}

/** Every x-kubernetes-validations rule in the vendored schemas (they are not evaluated). */
export function listCelRules(): Array<{ crd: string; path: string; rule: string; message?: string }> {
    const rules: Array<{ crd: string; path: string; rule: string; message?: string }> = [];
    const visit = (schema: Schema, where: string, crd: string): void => {
        for (const v of schema["x-kubernetes-validations"] ?? []) {
            rules.push({ crd, path: where || "<root>", rule: v.rule, ...(v.message === undefined ? {} : { message: v.message }) });
        }
        for (const [name, child] of Object.entries(schema.properties ?? {})) visit(child, joinKey(where, name), crd);
        if (schema.items) visit(schema.items, `${where}[*]`, crd);
        if (typeof schema.additionalProperties === "object") visit(schema.additionalProperties, `${where}[*]`, crd);
        for (const branch of [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) visit(branch, where, crd);
        if (schema.not) visit(schema.not, where, crd);
    };
    for (const crd of vendoredCrds().values()) visit(crd.schema, "", `${crd.group}/${crd.version} ${crd.kind}`);
    return rules;
}

// ---------------------------------------------------------------- public API

/**
 * Returns every violation of `obj` against the vendored CRD schema picked by its
 * apiVersion + kind, each prefixed by a JSON path. Empty list = valid.
 * Throws if no schema is vendored for that apiVersion/kind.
 */
export function validateObject(obj: unknown): string[] {
    if (!isPlainObject(obj)) return [`${ROOT}: expected object, got ${describe(obj)}`];
    const out: string[] = [];
    for (const key of ["apiVersion", "kind"]) {
        const v = obj[key];
        if (v === undefined) out.push(`${key}: required field missing`);
        else if (typeof v !== "string") out.push(`${key}: expected string, got ${describe(v)}`);
    }
    if (out.length > 0) return out;
    const apiVersion = obj.apiVersion as string;
    const kind = obj.kind as string;
    const crd = vendoredCrds().get(indexKey(apiVersion, kind));
    if (!crd) {
        const known = [...vendoredCrds().values()].map((c) => `${c.group}/${c.version} ${c.kind}`).join(", ");
        throw new Error(`no CRD schema vendored for ${apiVersion} ${kind} (vendored: ${known})`);
    }
    validateNode(obj, crd.schema, "", out, RESOURCE_ROOT);
    return [...new Set(out)];
}

/** Throws an Error naming the object and listing all violations, if there are any. */
export function assertValid(obj: unknown): void {
    const violations = validateObject(obj);
    if (violations.length === 0) return;
    const o = isPlainObject(obj) ? obj : {};
    const meta = isPlainObject(o.metadata) ? o.metadata : {};
    const name = typeof meta.namespace === "string" ? `${meta.namespace}/${String(meta.name)}` : String(meta.name);
    throw new Error(
        `${String(o.kind)} "${name}" (${String(o.apiVersion)}) does not match its CRD schema ` +
            `(${violations.length} violation${violations.length === 1 ? "" : "s"}):\n` +
            violations.map((v) => `  - ${v}`).join("\n"),
    );
}

// ---------------------------------------------------------------- the walker

interface Mode {
    /** false inside allOf/anyOf/oneOf/not: branches check values, they never make fields known. */
    structural: boolean;
    /** true for the object's root: apiVersion/kind/metadata are handled as ObjectMeta. */
    resourceRoot: boolean;
}
const RESOURCE_ROOT: Mode = { structural: true, resourceRoot: true };
const STRUCTURAL: Mode = { structural: true, resourceRoot: false };
const BRANCH: Mode = { structural: false, resourceRoot: false };
const ROOT = "<root>";

const DNS1123_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
const DNS1123_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
const LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";
const STRING: Schema = { type: "string" };

/** What a create request may carry in metadata (CRDs usually only say `type: object`). */
const OBJECT_META: Schema = {
    type: "object",
    properties: {
        name: { type: "string", maxLength: 253, pattern: DNS1123_SUBDOMAIN },
        generateName: STRING,
        namespace: { type: "string", maxLength: 63, pattern: DNS1123_LABEL },
        labels: { type: "object", additionalProperties: { type: "string", maxLength: 63, pattern: LABEL_VALUE } },
        annotations: { type: "object", additionalProperties: STRING },
        finalizers: { type: "array", items: STRING },
        ownerReferences: {
            type: "array",
            items: {
                type: "object",
                required: ["apiVersion", "kind", "name", "uid"],
                properties: {
                    apiVersion: STRING,
                    kind: STRING,
                    name: STRING,
                    uid: STRING,
                    controller: { type: "boolean" },
                    blockOwnerDeletion: { type: "boolean" },
                },
            },
        },
    },
};

function validateNode(value: unknown, schema: Schema, at: string, out: string[], mode: Mode): void {
    const here = at || ROOT;
    if (value === undefined) return; // absent (JSON.stringify drops it)
    if (value === null) {
        if (mode.structural && schema.nullable !== true) out.push(`${here}: null is not allowed (field is not nullable)`);
        return;
    }
    const actual = jsonType(value);
    if (actual === undefined) {
        out.push(`${here}: not a JSON value (${describe(value)})`);
        return;
    }
    if (!typeMatches(schema, actual)) {
        out.push(`${here}: expected ${expectedType(schema)}, got ${describe(value)}`);
        return; // nothing below makes sense for a value of the wrong type
    }
    if (schema.enum && !schema.enum.some((e) => deepEqual(e, value))) {
        out.push(`${here}: value ${show(value)} not in enum [${schema.enum.map((e) => (typeof e === "string" ? e : show(e))).join(", ")}]`);
    }
    if (typeof value === "string") checkString(value, schema, here, out);
    else if (typeof value === "number") checkNumber(value, schema, here, out);
    else if (Array.isArray(value)) checkArray(value, schema, at, out, mode);
    else if (isPlainObject(value)) checkObject(value, schema, at, out, mode);
    checkJunctors(value, schema, at, out);
}

function checkString(value: string, schema: Schema, here: string, out: string[]): void {
    const length = [...value].length; // the API server counts code points
    if (schema.minLength !== undefined && length < schema.minLength) {
        out.push(`${here}: string length ${length} is less than minLength ${schema.minLength}`);
    }
    if (schema.maxLength !== undefined && length > schema.maxLength) {
        out.push(`${here}: string length ${length} exceeds maxLength ${schema.maxLength}`);
    }
    if (schema.pattern !== undefined && !regex(schema.pattern).test(value)) {
        out.push(`${here}: value ${show(value)} does not match pattern ${schema.pattern}`);
    }
    const format = schema.format;
    if (format === "date-time" && !/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(value)) {
        out.push(`${here}: value ${show(value)} is not a valid date-time (RFC 3339)`);
    }
    if (format === "byte" && !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value)) {
        out.push(`${here}: value is not valid base64 (format: byte)`);
    }
}

function checkNumber(value: number, schema: Schema, here: string, out: string[]): void {
    if (schema.minimum !== undefined) {
        if (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum) {
            out.push(`${here}: ${value} is less than ${schema.exclusiveMinimum ? "or equal to exclusive " : ""}minimum ${schema.minimum}`);
        }
    }
    if (schema.maximum !== undefined) {
        if (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum) {
            out.push(`${here}: ${value} is greater than ${schema.exclusiveMaximum ? "or equal to exclusive " : ""}maximum ${schema.maximum}`);
        }
    }
    if (schema.multipleOf !== undefined && !Number.isInteger(value / schema.multipleOf)) {
        out.push(`${here}: ${value} is not a multiple of ${schema.multipleOf}`);
    }
    const limit = schema.format === "int32" ? 2 ** 31 : schema.format === "int64" ? 2 ** 63 : undefined;
    if (limit !== undefined && Number.isInteger(value) && (value < -limit || value >= limit)) {
        out.push(`${here}: ${value} is out of range for ${schema.format}`);
    }
}

function checkArray(value: unknown[], schema: Schema, at: string, out: string[], mode: Mode): void {
    const here = at || ROOT;
    if (schema.minItems !== undefined && value.length < schema.minItems) {
        out.push(`${here}: ${value.length} items, fewer than minItems ${schema.minItems}`);
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
        out.push(`${here}: ${value.length} items, more than maxItems ${schema.maxItems}`);
    }
    if (schema.items) {
        const itemSchema = schema.items;
        value.forEach((item, i) => validateNode(item, itemSchema, `${at}[${i}]`, out, childMode(mode)));
    }
    const listType = schema["x-kubernetes-list-type"];
    if (listType === "set" || listType === "map") {
        const keys = schema["x-kubernetes-list-map-keys"] ?? [];
        const seen = new Map<string, number>();
        value.forEach((item, i) => {
            let identity: unknown = item;
            if (listType === "map") {
                if (!isPlainObject(item)) return; // already reported by the items schema
                identity = keys.map((k) => item[k] ?? schema.items?.properties?.[k]?.default ?? null);
            }
            const id = canonical(identity);
            const first = seen.get(id);
            if (first === undefined) seen.set(id, i);
            else {
                const what = listType === "map" ? `key {${keys.map((k, j) => `${k}: ${show((identity as unknown[])[j])}`).join(", ")}}` : `value ${show(item)}`;
                out.push(`${at}[${i}]: duplicate entry with ${what}, same as [${first}] (x-kubernetes-list-type: ${listType})`);
            }
        });
    }
}

function checkObject(value: JsonObject, schema: Schema, at: string, out: string[], mode: Mode): void {
    const here = at || ROOT;
    const properties = schema.properties ?? {};
    const isResource = mode.resourceRoot || schema["x-kubernetes-embedded-resource"] === true;

    const required = [...(schema.required ?? [])];
    if (isResource && !mode.resourceRoot) required.push("apiVersion", "kind"); // embedded resources need both
    for (const name of new Set(required)) {
        if (value[name] === undefined && properties[name]?.default === undefined) {
            out.push(`${joinKey(at, name)}: required field missing`);
        }
    }

    for (const [key, child] of Object.entries(value)) {
        if (child === undefined) continue;
        const where = joinKey(at, key);
        if (isResource && key === "metadata" && mode.structural) {
            validateNode(child, OBJECT_META, where, out, STRUCTURAL);
            if (properties.metadata) validateNode(child, properties.metadata, where, out, BRANCH); // e.g. a name pattern
            continue;
        }
        if (isResource && (key === "apiVersion" || key === "kind") && !properties[key]) {
            validateNode(child, STRING, where, out, STRUCTURAL);
            continue;
        }
        const propertySchema = properties[key];
        const extra = schema.additionalProperties;
        if (propertySchema) validateNode(child, propertySchema, where, out, childMode(mode));
        else if (typeof extra === "object") validateNode(child, extra, where, out, childMode(mode));
        else if (extra === true || schema["x-kubernetes-preserve-unknown-fields"] === true || !mode.structural) continue;
        else out.push(`${where}: unknown field`);
    }

    const count = Object.values(value).filter((v) => v !== undefined).length;
    if (schema.minProperties !== undefined && count < schema.minProperties) {
        out.push(`${here}: ${count} properties, fewer than minProperties ${schema.minProperties}`);
    }
    if (schema.maxProperties !== undefined && count > schema.maxProperties) {
        out.push(`${here}: ${count} properties, more than maxProperties ${schema.maxProperties}`);
    }
}

function checkJunctors(value: unknown, schema: Schema, at: string, out: string[]): void {
    const here = at || ROOT;
    const branchErrors = (branch: Schema): string[] => {
        const errs: string[] = [];
        validateNode(value, branch, at, errs, BRANCH);
        return errs;
    };
    for (const branch of schema.allOf ?? []) out.push(...branchErrors(branch));
    if (schema.anyOf) {
        const results = schema.anyOf.map(branchErrors);
        if (!results.some((errs) => errs.length === 0)) {
            out.push(`${here}: matches none of anyOf (${results.map((errs, i) => `#${i}: ${errs.join("; ")}`).join(" | ")})`);
        }
    }
    if (schema.oneOf) {
        const matching = schema.oneOf.map(branchErrors).filter((errs) => errs.length === 0).length;
        if (matching !== 1) out.push(`${here}: must match exactly one of oneOf, matches ${matching}`);
    }
    if (schema.not && branchErrors(schema.not).length === 0) {
        out.push(`${here}: must not match the "not" schema`);
    }
}

// ---------------------------------------------------------------- helpers

function childMode(mode: Mode): Mode {
    return mode.structural ? STRUCTURAL : BRANCH;
}

type JsonType = "object" | "array" | "string" | "integer" | "number" | "boolean";

function jsonType(value: unknown): JsonType | undefined {
    switch (typeof value) {
        case "string":
            return "string";
        case "boolean":
            return "boolean";
        case "number":
            if (!Number.isFinite(value)) return undefined;
            return Number.isInteger(value) ? "integer" : "number";
        case "object":
            if (Array.isArray(value)) return "array";
            return isPlainObject(value) ? "object" : undefined;
        default:
            return undefined;
    }
}

function typeMatches(schema: Schema, actual: JsonType): boolean {
    if (schema.type === "number") return actual === "number" || actual === "integer";
    if (schema.type !== undefined) return schema.type === actual;
    if (schema["x-kubernetes-int-or-string"]) return actual === "integer" || actual === "string";
    return true;
}

function expectedType(schema: Schema): string {
    return schema.type ?? (schema["x-kubernetes-int-or-string"] ? "integer or string" : "any");
}

function isPlainObject(value: unknown): value is JsonObject {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
    if (value === null) return "null";
    if (value === undefined) return "undefined";
    if (Array.isArray(value)) return "array";
    if (typeof value === "object") {
        return isPlainObject(value) ? "object" : `instance of ${value.constructor?.name ?? "a class"}`;
    }
    if (typeof value === "number" && !Number.isFinite(value)) return `number ${value}`;
    const type = typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value;
    return ["string", "integer", "number", "boolean"].includes(type) ? `${type} ${show(value)}` : type;
}

function show(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function joinKey(at: string, key: string): string {
    const plain = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key);
    if (!plain) return `${at}[${JSON.stringify(key)}]`;
    return at ? `${at}.${key}` : key;
}

const regexCache = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
    let re = regexCache.get(pattern);
    if (!re) {
        try {
            re = new RegExp(pattern, "u");
        } catch {
            re = new RegExp(pattern); // Go RE2 syntax that JS only accepts without the u flag
        }
        regexCache.set(pattern, re);
    }
    return re;
}

function canonical(value: unknown): string {
    return JSON.stringify(sortKeys(value as Json));
}

function sortKeys(value: Json): Json {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
    }
    return value;
}

function deepEqual(a: unknown, b: unknown): boolean {
    return canonical(a) === canonical(b);
}
