/**
 * Validates Kubernetes objects against the upstream CRD schemas vendored in
 * tests/fixtures/crds/ (written by scripts/vendor-crds.py; nothing outside this repository is read).
 *
 * JSON-schema validation is ajv's. This file only adds what the API server does on top, as a
 * schema transform (toAjv) plus one ajv keyword, reporting as a violation anything the API server
 * would silently prune:
 *   - structural schemas: an object node (outside allOf/anyOf/oneOf/not) without
 *     additionalProperties or x-kubernetes-preserve-unknown-fields: true gets additionalProperties:
 *     false, so an unknown field is reported (branch properties never make a field known)
 *   - x-kubernetes-int-or-string: type [integer, string] (ajv applies pattern etc. to strings only)
 *   - nullable (OpenAPI 3.0): ajv's own keyword; null in any other typed field is a type error
 *   - x-kubernetes-list-type set/map: duplicate entries are rejected; a map key missing from an
 *     entry takes the key field's default
 *   - the resource root: apiVersion, kind and metadata are allowed; metadata is ObjectMeta (name,
 *     generateName, namespace, labels, annotations, ownerReferences, finalizers) with the CRD's own
 *     metadata schema (e.g. a name pattern) applied on top
 *   - formats int32/int64 (ranges), date-time (RFC 3339), byte (padded base64); others ignored
 *   - default: the API server defaults before validating, so a required field with a default is
 *     never reported missing
 * Not covered: x-kubernetes-embedded-resource and OpenAPI 3.0 boolean exclusiveMinimum/Maximum
 * (no vendored CRD uses them; ajv rejects such a schema when compiling it, loudly).
 *
 * x-kubernetes-validations (CEL) are NOT evaluated. The vendored schemas hold exactly these rules
 * (tests check this list against listCelRules()):
 *   - cert-manager.io/v1 Issuer and ClusterIssuer, spec.venafi:
 *       (has(self.tpp) ? 1 : 0) + (has(self.cloud) ? 1 : 0) + (has(self.ngts) ? 1 : 0) == 1
 *       "exactly one of tpp, cloud, or ngts must be configured"
 *   - none in kubedb.com/v1alpha2 MSSQLServer, ops.kubedb.com/v1alpha1
 *     MSSQLServerOpsRequest or cert-manager.io/v1 Certificate.
 */
import Ajv, { AnySchemaObject, ErrorObject, SchemaObject, SchemaValidateFunction, ValidateFunction } from "ajv";
import * as fs from "fs";
import * as path from "path";

/** An openAPIV3Schema node, as much of it as this file reads. */
export interface Schema {
    type?: string;
    properties?: Record<string, Schema>;
    required?: string[];
    additionalProperties?: Schema | boolean;
    items?: Schema;
    format?: string;
    default?: unknown;
    nullable?: boolean;
    allOf?: Schema[];
    anyOf?: Schema[];
    oneOf?: Schema[];
    not?: Schema;
    "x-kubernetes-preserve-unknown-fields"?: boolean;
    "x-kubernetes-int-or-string"?: boolean;
    "x-kubernetes-list-type"?: "atomic" | "set" | "map";
    "x-kubernetes-list-map-keys"?: string[];
    "x-kubernetes-validations"?: Array<{ rule: string; message?: string }>;
    [keyword: string]: unknown;
}

interface VendoredCrd {
    source: string;
    group: string;
    kind: string;
    version: string;
    schema: Schema;
}

export const CRD_FIXTURE_DIR = path.resolve(__dirname, "..", "fixtures", "crds");

// ---------------------------------------------------------------- schema lookup

let crdIndex: Map<string, VendoredCrd> | undefined;

function vendoredCrds(): Map<string, VendoredCrd> {
    if (crdIndex) return crdIndex;
    crdIndex = new Map();
    for (const file of fs
        .readdirSync(CRD_FIXTURE_DIR)
        .filter((f) => f.endsWith(".json"))
        .sort()) {
        const crd = JSON.parse(fs.readFileSync(path.join(CRD_FIXTURE_DIR, file), "utf8")) as VendoredCrd;
        if (!crd.group || !crd.kind || !crd.version || typeof crd.schema !== "object") {
            throw new Error(`${file}: not a vendored CRD schema (expected group, kind, version, schema)`);
        }
        crdIndex.set(`${crd.group}/${crd.version}|${crd.kind}`, crd);
    }
    return crdIndex;
}

export function hasSchemaFor(apiVersion: string, kind: string): boolean {
    return vendoredCrds().has(`${apiVersion}|${kind}`);
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
 * Returns every violation of `obj` against the vendored CRD schema picked by its apiVersion +
 * kind, each prefixed by a path such as `spec.tls.issuerRef.name`. Empty list = valid.
 * Throws if no schema is vendored for that apiVersion/kind.
 */
export function validateObject(obj: unknown): string[] {
    if (!isPlainObject(obj)) return [`<root>: expected object, got ${describe(obj)}`];
    const missing = ["apiVersion", "kind"].filter((key) => typeof obj[key] !== "string");
    if (missing.length > 0) return missing.map((key) => `${key}: expected string, got ${describe(obj[key])}`);
    const crd = vendoredCrds().get(`${String(obj.apiVersion)}|${String(obj.kind)}`);
    if (!crd) {
        const known = [...vendoredCrds().values()].map((c) => `${c.group}/${c.version} ${c.kind}`).join(", ");
        throw new Error(`no CRD schema vendored for ${String(obj.apiVersion)} ${String(obj.kind)} (vendored: ${known})`);
    }
    return validateAgainst(crd.schema, obj);
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

/** Validates `obj` as a resource whose CRD has the openAPIV3Schema `schema` (compiled once per schema object). */
export function validateAgainst(schema: Schema, obj: unknown): string[] {
    let validate = compiled.get(schema);
    if (!validate) compiled.set(schema, (validate = ajv.compile(resourceSchema(schema))));
    const notJson = new Map<string, string>();
    const data = toJson(obj, "", notJson);
    const errors = [...notJson.values()];
    if (!validate(data)) {
        const wrongType = new Set(validate.errors!.filter((e) => e.keyword === "type").map((e) => e.instancePath));
        for (const e of validate.errors!) {
            if (e.keyword === "propertyNames" || (e.keyword !== "type" && wrongType.has(e.instancePath))) continue; // follow-on errors
            const [at, message] = describeError(e, data);
            if (!notJson.has(at)) errors.push(message);
        }
    }
    return [...new Set(errors)];
}

// ---------------------------------------------------------------- ajv and the Kubernetes rules

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const compiled = new WeakMap<Schema, ValidateFunction>();

ajv.addVocabulary([
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-int-or-string",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
    "x-kubernetes-validations",
]);
ajv.addFormat("int32", { type: "number", validate: (n: number) => n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat("int64", { type: "number", validate: (n: number) => n >= -(2 ** 63) && n < 2 ** 63 });
ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/);
ajv.addFormat("byte", /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
const FORMATS = new Set(["int32", "int64", "date-time", "byte"]);

/** x-kubernetes-list-type set/map: entries must be unique (by value, or by the list-map-keys, defaulted). */
const uniqueEntries: SchemaValidateFunction = (listType: string, list: unknown[], parent?: AnySchemaObject, cxt?: { instancePath: string }) => {
    const keys: string[] = parent?.["x-kubernetes-list-map-keys"] ?? [];
    const seen = new Map<string, number>();
    const errors: ErrorObject[] = [];
    list.forEach((item, i) => {
        if (listType !== "set" && (listType !== "map" || !isPlainObject(item))) return; // atomic; or the items schema reports it
        const identity = listType === "set" ? item : keys.map((k) => (item as Record<string, unknown>)[k] ?? parent?.items?.properties?.[k]?.default ?? null);
        const id = JSON.stringify(identity);
        const first = seen.get(id);
        if (first === undefined) return void seen.set(id, i);
        const what = listType === "set" ? `value ${id}` : `key {${keys.map((k, j) => `${k}: ${JSON.stringify((identity as unknown[])[j])}`).join(", ")}}`;
        const message = `duplicate entry with ${what}, same as [${first}] (x-kubernetes-list-type: ${listType})`;
        errors.push({ keyword: "x-kubernetes-list-type", instancePath: `${cxt?.instancePath ?? ""}/${i}`, schemaPath: "", params: { first }, message });
    });
    uniqueEntries.errors = errors;
    return errors.length === 0;
};
ajv.addKeyword({ keyword: "x-kubernetes-list-type", type: "array", schemaType: "string", errors: true, validate: uniqueEntries });

/** A CRD schema node as ajv should check it; `structural` is false inside allOf/anyOf/oneOf/not. */
function toAjv(schema: Schema, structural: boolean): SchemaObject {
    const out: SchemaObject = { ...schema };
    if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, toAjv(v, structural)]));
    if (schema.items) out.items = toAjv(schema.items, structural);
    if (typeof schema.additionalProperties === "object") out.additionalProperties = toAjv(schema.additionalProperties, structural);
    for (const junctor of ["allOf", "anyOf", "oneOf"] as const) if (schema[junctor]) out[junctor] = schema[junctor]!.map((b) => toAjv(b, false));
    if (schema.not) out.not = toAjv(schema.not, false);
    if (schema.format !== undefined && !FORMATS.has(schema.format)) delete out.format;
    if (schema.required) out.required = schema.required.filter((name) => schema.properties?.[name]?.default === undefined);
    if (schema["x-kubernetes-int-or-string"] && schema.type === undefined) {
        out.type = ["integer", "string"];
        if (JSON.stringify(schema.anyOf) === '[{"type":"integer"},{"type":"string"}]') delete out.anyOf; // the same rule, spelled out
    }
    if (schema.nullable && out.type === undefined) delete out.nullable; // untyped: anything goes anyway, and ajv wants a type
    const isObject = schema.type === "object" || schema.properties !== undefined;
    if (structural && isObject && schema.additionalProperties === undefined && schema["x-kubernetes-preserve-unknown-fields"] !== true) {
        out.additionalProperties = false;
    }
    return out;
}

const DNS1123_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
const DNS1123_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
const NAME_PART = "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
/** A label key: an optional DNS-subdomain prefix and "/", then a name of at most 63 characters. */
const LABEL_KEY = { type: "string", maxLength: 253 + 1 + 63, pattern: `^(${DNS1123_SUBDOMAIN.slice(1, -1)}/)?${NAME_PART}$` };
const STRING = { type: "string" };

/** What a create request may carry in metadata (CRDs usually only say `type: object`). */
const OBJECT_META: SchemaObject = {
    type: "object",
    additionalProperties: false,
    properties: {
        name: { type: "string", maxLength: 253, pattern: DNS1123_SUBDOMAIN },
        generateName: STRING,
        namespace: { type: "string", maxLength: 63, pattern: DNS1123_LABEL },
        labels: { type: "object", propertyNames: LABEL_KEY, additionalProperties: { type: "string", maxLength: 63, pattern: `^(${NAME_PART})?$` } },
        annotations: { type: "object", additionalProperties: STRING },
        finalizers: { type: "array", items: STRING },
        ownerReferences: {
            type: "array",
            items: toAjv(
                {
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
                true,
            ),
        },
    },
};

/** The CRD's root schema plus the resource root rules: apiVersion, kind, and metadata as ObjectMeta. */
function resourceSchema(schema: Schema): SchemaObject {
    const root = toAjv(schema, true);
    const crdMetadata = schema.properties?.metadata ? { allOf: [toAjv(schema.properties.metadata, false)] } : {};
    root.properties = { apiVersion: STRING, kind: STRING, ...root.properties, metadata: { ...OBJECT_META, ...crdMetadata } };
    root.additionalProperties = false;
    return root;
}

// ---------------------------------------------------------------- input and messages

/** A copy of `value` as the API server would receive it (undefined properties dropped); non-JSON values become null and are reported. */
function toJson(value: unknown, at: string, notJson: Map<string, string>): unknown {
    if (Array.isArray(value)) return value.map((v, i) => toJson(v, `${at}[${i}]`, notJson));
    if (isPlainObject(value)) {
        const entries = Object.entries(value).filter(([, v]) => v !== undefined);
        return Object.fromEntries(entries.map(([k, v]) => [k, toJson(v, joinKey(at, k), notJson)]));
    }
    const json = value === null || ["string", "boolean"].includes(typeof value) || (typeof value === "number" && Number.isFinite(value));
    if (!json) notJson.set(at || "<root>", `${at || "<root>"}: not a JSON value (${describe(value)})`);
    return json ? value : null;
}

/** [the path ajv's error is about, the message naming it]. */
function describeError(e: ErrorObject, data: unknown): [string, string] {
    let at = "";
    let value = data;
    for (const segment of e.instancePath
        .split("/")
        .slice(1)
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))) {
        at = Array.isArray(value) ? `${at}[${segment}]` : joinKey(at, segment);
        value = (value as Record<string, unknown>)[segment];
    }
    const here = at || "<root>";
    const say = (message: string): [string, string] => [here, `${here}: ${message}`];
    if (e.propertyName !== undefined) return say(`key ${JSON.stringify(e.propertyName)} ${e.message}`);
    switch (e.keyword) {
        case "required":
            return [here, `${joinKey(at, e.params.missingProperty)}: required field missing`];
        case "additionalProperties":
            return [here, `${joinKey(at, e.params.additionalProperty)}: unknown field`];
        case "type":
            return say(`expected ${String(e.params.type).replace(",", " or ")}, got ${describe(value)}`);
        case "enum":
            return say(`value ${JSON.stringify(value)} not in enum [${(e.params.allowedValues as unknown[]).join(", ")}]`);
        case "pattern":
            return say(`value ${JSON.stringify(value)} does not match pattern ${e.params.pattern}`);
        case "format":
            return say(`value ${JSON.stringify(value)} is not a valid ${e.params.format}`);
        default:
            return say(e.message ?? e.keyword);
    }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
    if (value === null || value === undefined || Array.isArray(value)) return value === null ? "null" : Array.isArray(value) ? "array" : "undefined";
    if (typeof value === "object") return isPlainObject(value) ? "object" : `instance of ${value.constructor?.name ?? "a class"}`;
    if (typeof value === "number") return Number.isFinite(value) ? `${Number.isInteger(value) ? "integer" : "number"} ${value}` : `number ${value}`;
    return typeof value === "string" || typeof value === "boolean" ? `${typeof value} ${JSON.stringify(value)}` : typeof value;
}

function joinKey(at: string, key: string): string {
    if (!/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return `${at}[${JSON.stringify(key)}]`;
    return at ? `${at}.${key}` : key;
}
