/**
 * A small in-process Kubernetes API server for tests: plain `node:http` on 127.0.0.1, an in-memory
 * object store, and a watch hub that speaks the real REST and watch shapes closely enough that
 * `@kubernetes/client-node` cannot tell it from a cluster for the verbs this project uses.
 *
 * Layout: `ResourceRegistry` (plural <-> Kind), `Store` (objects + the global resourceVersion
 * counter; every write becomes a `StoredEvent`), `WatchHub` (bounded per-resource history + open
 * watch streams), and `FakeKubeApi` (the router plus the test controls).
 *
 * Behaviour copied from the real API server on purpose (each one is a mistake production code can
 * make that a laxer fake would hide):
 *  - errors are `Status` objects with the real `reason`s and messages (`secrets "x" not found`,
 *    `mssqlservers.kubedb.com "x" already exists`, 409 Conflict on a stale resourceVersion, ...);
 *  - custom resources (non-built-in groups) must carry `apiVersion` and `kind` in POST/PUT bodies, need
 *    `metadata.resourceVersion` on PUT (422 otherwise), have a `/status` subresource, so status is
 *    dropped on create and ignored by writes to the main resource; only `metadata.name` /
 *    `metadata.namespace` field selectors are allowed on them;
 *  - built-in LIST items carry no `apiVersion`/`kind`; built-in DELETE answers a `Status`
 *    (Success), custom DELETE answers the deleted object;
 *  - POST with `metadata.resourceVersion` set is a 500 ("should not be set on objects to be created");
 *  - an update that changes nothing is a no-op: same resourceVersion, no watch event;
 *  - `metadata.generation` moves only when something outside metadata/status changes;
 *  - objects with `metadata.finalizers` get `deletionTimestamp` on DELETE and disappear once the
 *    last finalizer is removed;
 *  - Secrets: `stringData` is folded into base64 `data`; `data` values must be valid base64 (400).
 * Simplifications: no admission, no namespaces lifecycle, `limit`/`continue` ignored (LIST returns
 * everything), LIST ignores `resourceVersion`, server-side apply is a JSON merge of a JSON body.
 */
import * as http from "http";
import { randomUUID } from "crypto";
import { AddressInfo } from "net";

// ---------------------------------------------------------------- types

/** A Kubernetes object as JSON. Loosely typed on purpose: tests poke at arbitrary fields. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary fields of arbitrary kinds
export type KubeObject = Record<string, any>;

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

export interface ResourceType {
    group: string; // "" for the core group
    version: string;
    plural: string;
    kind: string;
    /** undefined for resources guessed from a URL: then the URL's shape decides. */
    namespaced: boolean | undefined;
    /** true for kinds served by kube-apiserver itself (core, apps, *.k8s.io), false for CRDs. */
    builtin: boolean;
    statusSubresource: boolean;
}

export interface RecordedRequest {
    method: string;
    /** URL path without the query string, e.g. /api/v1/namespaces/db/secrets/admin */
    path: string;
    query: Record<string, string>;
    watch: boolean;
    contentType?: string;
    /** Parsed JSON body when it parsed, the raw text otherwise, undefined when empty. */
    body?: unknown;
}

export type RequestFilter = ((req: RecordedRequest) => boolean) | { method?: string; path?: string | RegExp; watch?: boolean };

/**
 * What an `onRequest` hook may answer instead of the fake: an HTTP error carried as a Status
 * (`body` overrides the generated Status), or `{ drop: true }` to destroy the socket unanswered.
 */
export type InjectedResponse = { code: number; reason?: string; message?: string; details?: KubeObject; body?: unknown } | { drop: true };

export type RequestHook = (req: RecordedRequest) => InjectedResponse | undefined;
export type CreateHook = (obj: KubeObject, fake: FakeKubeApi) => void | Promise<void>;

// ---------------------------------------------------------------- Status objects

const REASONS: Record<number, string> = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    410: "Expired",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
};

/** A `Status` object (kind Status, apiVersion v1) as the API server returns it for failures. */
export function kubeStatus(code: number, message: string, reason?: string | null, details?: KubeObject): KubeObject {
    const status: KubeObject = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message };
    const r = reason === undefined ? REASONS[code] : reason;
    if (r) status.reason = r;
    if (details) status.details = details;
    status.code = code;
    return status;
}

class StatusError extends Error {
    constructor(readonly status: KubeObject) {
        super(String(status.message));
    }
}

function fail(code: number, message: string, reason?: string | null, details?: KubeObject): never {
    throw new StatusError(kubeStatus(code, message, reason, details));
}

// ---------------------------------------------------------------- JSON helpers

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
const isObject = (v: unknown): v is KubeObject => typeof v === "object" && v !== null && !Array.isArray(v);

function deepEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (Array.isArray(a) || Array.isArray(b)) {
        return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
    }
    if (!isObject(a) || !isObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}

/** RFC 7386 JSON Merge Patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
    if (!isObject(patch)) return clone(patch);
    const result: KubeObject = isObject(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete result[k];
        else result[k] = mergePatch(result[k], v);
    }
    return result;
}

/** RFC 6902 JSON Patch (add, remove, replace, move, copy, test). Throws StatusError 422 on failure. */
export function jsonPatch(doc: unknown, ops: unknown): unknown {
    if (!Array.isArray(ops)) fail(400, "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
    const bad = (msg: string): never => fail(422, msg, "Invalid");
    const pointer = (p: unknown): string[] => {
        if (typeof p !== "string" || (p !== "" && !p.startsWith("/"))) bad(`invalid JSON pointer: ${String(p)}`);
        return p === ""
            ? []
            : (p as string)
                  .slice(1)
                  .split("/")
                  .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
    };
    let root: unknown = clone(doc);
    const parentOf = (tokens: string[], path: string): unknown => {
        let cur: unknown = root;
        for (const t of tokens.slice(0, -1)) {
            cur = Array.isArray(cur) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
            if (cur === undefined) bad(`doc is missing path: "${path}"`);
        }
        return cur;
    };
    const read = (path: string): unknown => {
        let cur: unknown = root;
        for (const t of pointer(path)) {
            cur = Array.isArray(cur) && /^\d+$/.test(t) ? cur[Number(t)] : isObject(cur) ? cur[t] : undefined;
            if (cur === undefined) bad(`doc is missing path: "${path}"`);
        }
        return cur;
    };
    const add = (path: string, value: unknown) => {
        const tokens = pointer(path);
        if (tokens.length === 0) return void (root = value);
        const parent = parentOf(tokens, path);
        const last = tokens[tokens.length - 1];
        if (Array.isArray(parent)) {
            const i = last === "-" ? parent.length : Number(last);
            if (!/^\d+$/.test(last) && last !== "-") bad(`invalid array index: ${last}`);
            if (i > parent.length) bad(`add operation does not apply: doc is missing path: "${path}"`);
            parent.splice(i, 0, value);
        } else if (isObject(parent)) parent[last] = value;
        else bad(`doc is missing path: "${path}"`);
    };
    const remove = (path: string): unknown => {
        const tokens = pointer(path);
        const value = read(path);
        if (tokens.length === 0) return void (root = null);
        const parent = parentOf(tokens, path);
        const last = tokens[tokens.length - 1];
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete (parent as KubeObject)[last];
        return value;
    };
    for (const op of ops as unknown[]) {
        if (!isObject(op) || typeof op.op !== "string") fail(400, "the server rejected our request due to an error in our request");
        const o = op as KubeObject;
        switch (o.op) {
            case "add":
                add(o.path, clone(o.value));
                break;
            case "remove":
                remove(o.path);
                break;
            case "replace":
                read(o.path);
                if (pointer(o.path).length === 0) root = clone(o.value);
                else {
                    remove(o.path);
                    add(o.path, clone(o.value));
                }
                break;
            case "move":
                add(o.path, remove(o.from));
                break;
            case "copy":
                add(o.path, clone(read(o.from)));
                break;
            case "test":
                if (!deepEqual(read(o.path), o.value)) bad(`testing value ${o.path} failed: test failed`);
                break;
            default:
                fail(400, `Unexpected kind: ${String(o.op)}`);
        }
    }
    return root;
}

// ---------------------------------------------------------------- selectors

type Predicate = (obj: KubeObject) => boolean;

function splitTerms(selector: string): string[] {
    const terms: string[] = [];
    let depth = 0;
    let cur = "";
    for (const ch of selector) {
        if (ch === "(") depth++;
        if (ch === ")") depth--;
        if (ch === "," && depth === 0) {
            terms.push(cur);
            cur = "";
        } else cur += ch;
    }
    terms.push(cur);
    return terms.map((t) => t.trim()).filter((t) => t !== "");
}

/** labelSelector: `k=v`, `k==v`, `k!=v`, `k`, `!k`, `k in (a,b)`, `k notin (a,b)`, comma = AND. */
export function parseLabelSelector(selector: string | undefined): Predicate {
    const reqs: Array<(labels: Record<string, string>) => boolean> = [];
    for (const term of splitTerms(selector ?? "")) {
        let m: RegExpMatchArray | null;
        if ((m = term.match(/^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
            const [, key, op, list] = m;
            const values = list.split(",").map((v) => v.trim());
            reqs.push((l) => (op === "in" ? key in l && values.includes(l[key]) : !(key in l) || !values.includes(l[key])));
        } else if ((m = term.match(/^!\s*([^\s!=(),]+)$/))) {
            const key = m[1];
            reqs.push((l) => !(key in l));
        } else if ((m = term.match(/^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/))) {
            const [, key, op, value] = m;
            reqs.push((l) => (op === "!=" ? l[key] !== value : l[key] === value));
        } else if ((m = term.match(/^([^\s!=(),]+)$/))) {
            const key = m[1];
            reqs.push((l) => key in l);
        } else {
            fail(400, `unable to parse requirement: ${term}`);
        }
    }
    return (obj) => reqs.every((r) => r((obj.metadata?.labels ?? {}) as Record<string, string>));
}

/** fieldSelector: `metadata.name=x,metadata.namespace!=y`; other fields only on built-in kinds. */
export function parseFieldSelector(selector: string | undefined, rt: ResourceType): Predicate {
    const reqs: Predicate[] = [];
    for (const term of splitTerms(selector ?? "")) {
        const m = term.match(/^([^!=]+?)\s*(==|=|!=)\s*(.*)$/);
        if (!m) fail(400, `invalid selector: '${selector}'; can't understand '${term}'`);
        const [, field, op, value] = m;
        if (!rt.builtin && field !== "metadata.name" && field !== "metadata.namespace") {
            fail(400, `field label not supported: ${field}`);
        }
        const read = (obj: KubeObject): string => {
            const v = field.split(".").reduce<unknown>((cur, k) => (isObject(cur) ? cur[k] : undefined), obj);
            return v === undefined || v === null ? "" : String(v);
        };
        reqs.push((obj) => (op === "!=" ? read(obj) !== value : read(obj) === value));
    }
    return (obj) => reqs.every((r) => r(obj));
}

// ---------------------------------------------------------------- plural <-> Kind

const KNOWN_RESOURCES: Array<[apiVersion: string, plural: string, kind: string, namespaced: boolean, status: boolean]> = [
    ["v1", "secrets", "Secret", true, false],
    ["v1", "configmaps", "ConfigMap", true, false],
    ["v1", "services", "Service", true, true],
    ["v1", "pods", "Pod", true, true],
    ["v1", "serviceaccounts", "ServiceAccount", true, false],
    ["v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, true],
    ["v1", "events", "Event", true, false],
    ["v1", "namespaces", "Namespace", false, true],
    ["apps/v1", "statefulsets", "StatefulSet", true, true],
    ["apps/v1", "deployments", "Deployment", true, true],
    ["kubedb.com/v1alpha2", "mssqlservers", "MSSQLServer", true, true],
    ["ops.kubedb.com/v1alpha1", "mssqlserveropsrequests", "MSSQLServerOpsRequest", true, true],
    ["cert-manager.io/v1", "certificates", "Certificate", true, true],
    ["cert-manager.io/v1", "issuers", "Issuer", true, true],
    ["cert-manager.io/v1", "clusterissuers", "ClusterIssuer", false, true],
    ["catalog.kubedb.com/v1alpha1", "mssqlserverversions", "MSSQLServerVersion", false, false],
    ["storage.k8s.io/v1", "storageclasses", "StorageClass", false, false],
];

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
    const i = apiVersion.lastIndexOf("/");
    return i < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

const isBuiltinGroup = (group: string) => group === "" || !group.includes(".") || group.endsWith(".k8s.io");

function guessKind(plural: string): string {
    const singular = /ies$/.test(plural) ? plural.slice(0, -3) + "y" : /(sses|xes|ches|shes)$/.test(plural) ? plural.slice(0, -2) : plural.replace(/s$/, "");
    return singular.charAt(0).toUpperCase() + singular.slice(1);
}

function guessPlural(kind: string): string {
    const lower = kind.toLowerCase();
    if (/[^aeiou]y$/.test(lower)) return lower.slice(0, -1) + "ies";
    if (/(s|x|ch|sh)$/.test(lower)) return lower + "es";
    return lower + "s";
}

class ResourceRegistry {
    private readonly byPlural = new Map<string, ResourceType>(); // key: group/plural

    constructor() {
        for (const [apiVersion, plural, kind, namespaced, statusSubresource] of KNOWN_RESOURCES) {
            const { group, version } = splitApiVersion(apiVersion);
            this.add({ group, version, plural, kind, namespaced, builtin: isBuiltinGroup(group), statusSubresource });
        }
    }

    add(rt: ResourceType): ResourceType {
        this.byPlural.set(`${rt.group}/${rt.plural}`, rt);
        return rt;
    }

    /** By URL: unknown plurals are accepted with a guessed Kind. */
    byUrl(group: string, version: string, plural: string): ResourceType {
        const known = this.byPlural.get(`${group}/${plural}`);
        if (known) return known.version === version ? known : { ...known, version };
        const builtin = isBuiltinGroup(group);
        return this.add({ group, version, plural, kind: guessKind(plural), namespaced: undefined, builtin, statusSubresource: !builtin });
    }

    /** By apiVersion + Kind or plural (test controls). */
    lookup(apiVersion: string, kindOrPlural: string): ResourceType {
        const { group, version } = splitApiVersion(apiVersion);
        for (const rt of this.byPlural.values()) {
            if (rt.group === group && (rt.kind === kindOrPlural || rt.plural === kindOrPlural)) {
                return rt.version === version ? rt : { ...rt, version };
            }
        }
        const isPlural = kindOrPlural === kindOrPlural.toLowerCase();
        return this.byUrl(group, version, isPlural ? kindOrPlural : guessPlural(kindOrPlural));
    }

    all(): ResourceType[] {
        return [...this.byPlural.values()];
    }
}

const typeKey = (rt: ResourceType) => `${rt.group}/${rt.plural}`;
const groupVersion = (rt: ResourceType) => (rt.group ? `${rt.group}/${rt.version}` : rt.version);
/** How the API server names a resource in messages: `secrets`, `mssqlservers.kubedb.com`. */
const qualified = (rt: ResourceType) => (rt.group ? `${rt.plural}.${rt.group}` : rt.plural);
const statusDetails = (rt: ResourceType, name: string): KubeObject => (rt.group ? { name, group: rt.group, kind: rt.plural } : { name, kind: rt.plural });
const notFound = (rt: ResourceType, name: string): never => fail(404, `${qualified(rt)} "${name}" not found`, "NotFound", statusDetails(rt, name));
const conflict = (rt: ResourceType, name: string): never =>
    fail(
        409,
        `Operation cannot be fulfilled on ${qualified(rt)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        "Conflict",
        statusDetails(rt, name),
    );
const invalid = (rt: ResourceType, name: string, field: string, detail: string, causeReason: string): never =>
    fail(422, `${rt.kind}${rt.group ? "." + rt.group : ""} "${name}" is invalid: ${field}: ${detail}`, "Invalid", {
        ...statusDetails(rt, name),
        kind: rt.kind,
        causes: [{ reason: causeReason, message: detail, field }],
    });

// ---------------------------------------------------------------- store

export interface StoredEvent {
    rv: number;
    type: "ADDED" | "MODIFIED" | "DELETED";
    rt: ResourceType;
    object: KubeObject;
    /** State before a MODIFIED, to turn selector transitions into ADDED/DELETED. */
    previous?: KubeObject;
}

const nowIso = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const withoutMetaAndStatus = (o: KubeObject) => {
    const { metadata: _m, status: _s, ...rest } = o;
    return rest;
};

/** Secrets: fold stringData into base64 data and reject data that is not base64 (as the API server does). */
function normalizeSecret(rt: ResourceType, obj: KubeObject): void {
    if (rt.group !== "" || rt.plural !== "secrets") return;
    if (obj.data !== undefined && !isObject(obj.data)) fail(400, 'Secret in version "v1" cannot be handled as a Secret: data must be a map');
    for (const [k, v] of Object.entries((obj.data ?? {}) as KubeObject)) {
        if (typeof v !== "string" || v.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
            fail(400, `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0 (data.${k})`);
        }
    }
    if (isObject(obj.stringData)) {
        obj.data = { ...(obj.data ?? {}) };
        for (const [k, v] of Object.entries(obj.stringData)) obj.data[k] = Buffer.from(String(v), "utf8").toString("base64");
    }
    delete obj.stringData;
}

class Store {
    private readonly objects = new Map<string, KubeObject>();
    private rv = 0;

    constructor(private readonly emit: (ev: StoredEvent) => void) {}

    get resourceVersion(): number {
        return this.rv;
    }

    private key(rt: ResourceType, ns: string | undefined, name: string) {
        return `${typeKey(rt)}/${ns ?? ""}/${name}`;
    }

    get(rt: ResourceType, ns: string | undefined, name: string): KubeObject | undefined {
        return clone(this.objects.get(this.key(rt, ns, name)));
    }

    /** ns undefined = every namespace. Sorted by namespace/name like etcd keys. */
    list(rt: ResourceType, ns: string | undefined): KubeObject[] {
        const prefix = `${typeKey(rt)}/`;
        return [...this.objects.entries()]
            .filter(([k, o]) => k.startsWith(prefix) && (ns === undefined || (o.metadata.namespace ?? "") === ns))
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([, o]) => clone(o));
    }

    create(rt: ResourceType, input: KubeObject): KubeObject {
        const obj = clone(input);
        const meta = obj.metadata;
        meta.uid = randomUUID();
        meta.creationTimestamp = nowIso();
        meta.generation = 1;
        meta.resourceVersion = String(++this.rv);
        delete meta.deletionTimestamp;
        this.objects.set(this.key(rt, meta.namespace, meta.name), obj);
        this.emit({ rv: this.rv, type: "ADDED", rt, object: clone(obj) });
        return clone(obj);
    }

    /** Writes `next` over `old` (identity fields kept). A change-free write is a no-op, as on a real server. */
    update(rt: ResourceType, old: KubeObject, input: KubeObject): KubeObject {
        const next = clone(input);
        const meta = (next.metadata = isObject(next.metadata) ? next.metadata : {});
        for (const f of ["name", "namespace", "uid", "creationTimestamp", "generation", "resourceVersion"]) {
            if (old.metadata[f] === undefined) delete meta[f];
            else meta[f] = old.metadata[f];
        }
        if (old.metadata.deletionTimestamp) meta.deletionTimestamp = old.metadata.deletionTimestamp;
        if (deepEqual(next, old)) return clone(old);
        if (!deepEqual(withoutMetaAndStatus(next), withoutMetaAndStatus(old))) meta.generation = (old.metadata.generation ?? 0) + 1;
        meta.resourceVersion = String(++this.rv);
        const key = this.key(rt, meta.namespace, meta.name);
        if (meta.deletionTimestamp && !(meta.finalizers ?? []).length) {
            this.objects.delete(key);
            this.emit({ rv: this.rv, type: "DELETED", rt, object: clone(next) });
        } else {
            this.objects.set(key, next);
            this.emit({ rv: this.rv, type: "MODIFIED", rt, object: clone(next), previous: clone(old) });
        }
        return clone(next);
    }

    /** DELETE: with finalizers only marks deletionTimestamp; returns the object and whether it is gone. */
    delete(rt: ResourceType, old: KubeObject, force = false): { object: KubeObject; gone: boolean } {
        if (!force && (old.metadata.finalizers ?? []).length) {
            if (old.metadata.deletionTimestamp) return { object: clone(old), gone: false };
            const marked = clone(old);
            marked.metadata.deletionTimestamp = nowIso();
            marked.metadata.deletionGracePeriodSeconds = 0;
            marked.metadata.resourceVersion = String(++this.rv);
            this.objects.set(this.key(rt, old.metadata.namespace, old.metadata.name), marked);
            this.emit({ rv: this.rv, type: "MODIFIED", rt, object: clone(marked), previous: clone(old) });
            return { object: clone(marked), gone: false };
        }
        const gone = clone(old);
        gone.metadata.resourceVersion = String(++this.rv);
        this.objects.delete(this.key(rt, old.metadata.namespace, old.metadata.name));
        this.emit({ rv: this.rv, type: "DELETED", rt, object: clone(gone) });
        return { object: gone, gone: true };
    }
}

// ---------------------------------------------------------------- watch hub

interface Watcher {
    rt: ResourceType;
    matches: Predicate; // namespace + selectors
    bookmarks: boolean;
    res: http.ServerResponse;
    timer?: NodeJS.Timeout;
}

class WatchHub {
    private readonly history = new Map<string, StoredEvent[]>(); // per group/plural, oldest first
    private readonly floors = new Map<string, number>(); // watches from an RV below this get 410
    private globalFloor = 0;
    readonly watchers = new Set<Watcher>();

    constructor(private readonly limit: number) {}

    record(ev: StoredEvent): void {
        const key = typeKey(ev.rt);
        const events = this.history.get(key) ?? [];
        events.push(ev);
        while (events.length > this.limit) this.floors.set(key, events.shift()!.rv);
        this.history.set(key, events);
        for (const w of this.watchers) if (typeKey(w.rt) === key) this.deliver(w, ev);
    }

    floor(rt: ResourceType): number {
        return Math.max(this.globalFloor, this.floors.get(typeKey(rt)) ?? 0);
    }

    /** Forget everything before `rv` (what etcd compaction does). */
    compact(rv: number): void {
        this.globalFloor = rv;
        for (const [key, events] of this.history)
            this.history.set(
                key,
                events.filter((e) => e.rv > rv),
            );
    }

    since(rt: ResourceType, rv: number): StoredEvent[] {
        return (this.history.get(typeKey(rt)) ?? []).filter((e) => e.rv > rv);
    }

    add(w: Watcher): void {
        this.watchers.add(w);
        w.res.on("close", () => this.remove(w));
    }

    remove(w: Watcher): void {
        if (w.timer) clearTimeout(w.timer);
        this.watchers.delete(w);
    }

    /** Translate a stored event for one watcher, the way the API server does for selector transitions. */
    deliver(w: Watcher, ev: StoredEvent): void {
        const now = w.matches(ev.object);
        const before = ev.previous ? w.matches(ev.previous) : false;
        let type: WatchEventType | undefined;
        if (ev.type === "MODIFIED") type = before && now ? "MODIFIED" : now ? "ADDED" : before ? "DELETED" : undefined;
        else type = now ? ev.type : undefined;
        if (type) send(w.res, type, ev.object);
    }
}

function send(res: http.ServerResponse, type: WatchEventType, object: KubeObject): void {
    if (!res.writableEnded && !res.destroyed) res.write(JSON.stringify({ type, object }) + "\n");
}

// ---------------------------------------------------------------- the server

interface Route {
    rt: ResourceType;
    /** Set for /namespaces/{ns}/... paths; undefined for cluster-scoped paths. */
    namespace?: string;
    name?: string;
    subresource?: string;
}

export interface FakeKubeApiOptions {
    /** Bearer token the fake expects (401 otherwise). Default "fake-token". */
    token?: string;
    /** Events kept per resource type for watch resumption. Default 1000. */
    historyLimit?: number;
}

export class FakeKubeApi {
    /** Every request received, in arrival order (including ones answered by hooks). */
    readonly requests: RecordedRequest[] = [];
    /** Exceptions thrown by onCreate hooks and `schedule` callbacks (tests may assert it stays empty). */
    readonly hookErrors: unknown[] = [];

    private readonly registry = new ResourceRegistry();
    private readonly hub: WatchHub;
    private readonly store: Store;
    private readonly requestHooks: RequestHook[] = [];
    private readonly createHooks: Array<{ plural: string; hook: CreateHook }> = [];
    private readonly timers = new Set<NodeJS.Timeout>();
    private readonly token: string;
    private stopped = false;

    private constructor(
        private readonly server: http.Server,
        options: FakeKubeApiOptions,
    ) {
        this.token = options.token ?? "fake-token";
        this.hub = new WatchHub(options.historyLimit ?? 1000);
        this.store = new Store((ev) => this.hub.record(ev));
    }

    static async start(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
        const server = http.createServer();
        const fake = new FakeKubeApi(server, options);
        server.on("request", (req, res) => fake.handle(req, res).catch(() => res.destroy()));
        await new Promise<void>((resolve, reject) => {
            server.once("error", reject);
            server.listen(0, "127.0.0.1", () => {
                server.off("error", reject);
                resolve();
            });
        });
        return fake;
    }

    get address(): AddressInfo {
        return this.server.address() as AddressInfo;
    }

    get url(): string {
        return `http://127.0.0.1:${this.address.port}`;
    }

    /**
     * Kubeconfig YAML for `new KubeConfig().loadFromString(...)`. It sets `insecure-skip-tls-verify: true`
     * because client-node 1.x throws "HTTP protocol is not allowed when skipTLSVerify is not set or false"
     * for an http:// server otherwise.
     */
    kubeconfig(namespace = "default"): string {
        return [
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: fake",
            "  cluster:",
            `    server: ${this.url}`,
            // client-node 1.x refuses plain http:// unless the cluster skips TLS verification.
            "    insecure-skip-tls-verify: true",
            "users:",
            "- name: fake-user",
            "  user:",
            `    token: ${this.token}`,
            "contexts:",
            "- name: fake",
            "  context:",
            "    cluster: fake",
            "    user: fake-user",
            `    namespace: ${namespace}`,
            "current-context: fake",
            "",
        ].join("\n");
    }

    /** Closes every watch stream and connection, cancels scheduled callbacks, frees the port. */
    async stop(): Promise<void> {
        if (this.stopped) return;
        this.stopped = true;
        for (const t of this.timers) clearTimeout(t);
        this.timers.clear();
        this.dropWatches();
        await new Promise<void>((resolve) => {
            this.server.close(() => resolve());
            this.server.closeAllConnections();
        });
    }

    // ------------------------------------------------------------ test controls: objects

    get resourceVersion(): string {
        return String(this.store.resourceVersion);
    }

    /** Create or replace (no conflict checks, status kept) an object; emits ADDED or MODIFIED. */
    put(obj: KubeObject): KubeObject {
        const rt = this.registry.lookup(String(obj.apiVersion), String(obj.kind));
        const input = clone(obj);
        input.metadata = { ...(input.metadata ?? {}) };
        if (!input.metadata.name) throw new Error("put(): metadata.name is required");
        normalizeSecret(rt, input);
        const ns = this.namespaceOf(rt, input.metadata.namespace);
        const old = this.store.get(rt, ns, input.metadata.name);
        if (old) return this.store.update(rt, old, input);
        delete input.metadata.resourceVersion;
        return this.store.create(rt, input);
    }

    get(apiVersion: string, kindOrPlural: string, namespace: string | undefined, name: string): KubeObject | undefined {
        const rt = this.registry.lookup(apiVersion, kindOrPlural);
        return this.store.get(rt, this.namespaceOf(rt, namespace), name);
    }

    list(apiVersion: string, kindOrPlural: string, namespace?: string): KubeObject[] {
        return this.store.list(this.registry.lookup(apiVersion, kindOrPlural), namespace);
    }

    /** JSON-merge-patch an object (status included); emits MODIFIED unless nothing changed. */
    patch(apiVersion: string, kindOrPlural: string, namespace: string | undefined, name: string, patch: KubeObject): KubeObject {
        const rt = this.registry.lookup(apiVersion, kindOrPlural);
        const old = this.store.get(rt, this.namespaceOf(rt, namespace), name);
        if (!old) throw new Error(`patch(): ${qualified(rt)} ${namespace ?? ""}/${name} not found`);
        const next = mergePatch(old, patch) as KubeObject;
        normalizeSecret(rt, next);
        return this.store.update(rt, old, next);
    }

    /** JSON-merge-patch `status` only (what an operator does), e.g. `{ phase: "Successful", conditions: [...] }`. */
    patchStatus(apiVersion: string, kindOrPlural: string, namespace: string | undefined, name: string, status: KubeObject): KubeObject {
        return this.patch(apiVersion, kindOrPlural, namespace, name, { status });
    }

    /** Deletes immediately (finalizers ignored); emits DELETED. Returns false when absent. */
    remove(apiVersion: string, kindOrPlural: string, namespace: string | undefined, name: string): boolean {
        const rt = this.registry.lookup(apiVersion, kindOrPlural);
        const old = this.store.get(rt, this.namespaceOf(rt, namespace), name);
        if (old) this.store.delete(rt, old, true);
        return old !== undefined;
    }

    // ------------------------------------------------------------ test controls: watches and faults

    get openWatches(): number {
        return this.hub.watchers.size;
    }

    /** Destroys every open watch socket mid-stream (a dropped connection; the client sees an error). */
    dropWatches(): void {
        for (const w of [...this.hub.watchers]) {
            this.hub.remove(w);
            w.res.destroy();
        }
    }

    /** Ends every open watch stream cleanly (what the server does at timeoutSeconds). */
    endWatches(): void {
        for (const w of [...this.hub.watchers]) {
            this.hub.remove(w);
            w.res.end();
        }
    }

    /** Makes every resourceVersion older than the current one too old: the next watch from one gets 410. */
    expireHistory(): void {
        this.hub.compact(this.store.resourceVersion);
    }

    /** Sends a BOOKMARK at the current resourceVersion to watches opened with allowWatchBookmarks=true. */
    sendBookmarks(): void {
        for (const w of this.hub.watchers) {
            if (w.bookmarks) {
                send(w.res, "BOOKMARK", { kind: w.rt.kind, apiVersion: groupVersion(w.rt), metadata: { resourceVersion: this.resourceVersion } });
            }
        }
    }

    /** Answers the next `n` requests (matching `filter`, if given) with a `code` Status. */
    failNext(n: number, code = 500, options: { message?: string; reason?: string; filter?: RequestFilter } = {}): void {
        let left = n;
        const hook: RequestHook = (req) => {
            if (left <= 0 || (options.filter && !matchesFilter(req, options.filter))) return undefined;
            if (--left === 0) this.requestHooks.splice(this.requestHooks.indexOf(hook), 1);
            return { code, message: options.message ?? `injected failure (${code})`, reason: options.reason };
        };
        if (n > 0) this.requestHooks.push(hook);
    }

    /** Inspect every request; return a response to answer it instead of the fake. Returns an unsubscribe. */
    onRequest(hook: RequestHook): () => void {
        this.requestHooks.push(hook);
        return () => {
            const i = this.requestHooks.indexOf(hook);
            if (i >= 0) this.requestHooks.splice(i, 1);
        };
    }

    /**
     * Called (after the HTTP response went out) for each object of `plural` created through the API,
     * to script an operator, e.g. `fake.onCreate("mssqlserveropsrequests", (o) => fake.schedule(50, () => fake.patchStatus(...)))`.
     */
    onCreate(plural: string, hook: CreateHook): () => void {
        const entry = { plural, hook };
        this.createHooks.push(entry);
        return () => {
            const i = this.createHooks.indexOf(entry);
            if (i >= 0) this.createHooks.splice(i, 1);
        };
    }

    /** setTimeout that `stop()` cancels; errors land in `hookErrors`. */
    schedule(ms: number, fn: () => void | Promise<void>): void {
        if (this.stopped) return;
        const t = setTimeout(() => {
            this.timers.delete(t);
            if (!this.stopped) this.runHook(fn);
        }, ms);
        this.timers.add(t);
    }

    countRequests(filter?: RequestFilter): number {
        return this.requests.filter((r) => !filter || matchesFilter(r, filter)).length;
    }

    // ------------------------------------------------------------ HTTP

    private runHook(fn: () => void | Promise<void>): void {
        try {
            Promise.resolve(fn()).catch((e) => this.hookErrors.push(e));
        } catch (e) {
            this.hookErrors.push(e);
        }
    }

    private namespaceOf(rt: ResourceType, namespace: string | undefined): string | undefined {
        return rt.namespaced === false ? undefined : namespace || undefined;
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const query = Object.fromEntries(url.searchParams.entries());
        const raw = await readBody(req);
        const recorded: RecordedRequest = {
            method: req.method ?? "GET",
            path: url.pathname,
            query,
            watch: query.watch === "true" || query.watch === "1",
            contentType: req.headers["content-type"],
            body: raw === "" ? undefined : tryJson(raw),
        };
        this.requests.push(recorded);
        try {
            for (const hook of [...this.requestHooks]) {
                const injected = hook(recorded);
                if (!injected) continue;
                if ("drop" in injected) return void req.socket.destroy();
                const body =
                    injected.body ?? kubeStatus(injected.code, injected.message ?? `injected failure (${injected.code})`, injected.reason, injected.details);
                return void reply(res, injected.code, body);
            }
            if (req.headers.authorization !== `Bearer ${this.token}`) fail(401, "Unauthorized");
            const after = this.route(recorded, raw, res);
            if (after) setImmediate(after);
        } catch (e) {
            if (e instanceof StatusError) reply(res, Number(e.status.code), e.status);
            else reply(res, 500, kubeStatus(500, `fake kube api: ${e instanceof Error ? e.stack : String(e)}`));
        }
    }

    /** Dispatches one request; may return work to run after the response (onCreate hooks). */
    private route(req: RecordedRequest, raw: string, res: http.ServerResponse): (() => void) | void {
        const seg = req.path.split("/").filter(Boolean).map(decodeURIComponent);
        if (req.method === "GET" && this.discovery(seg, res)) return;
        let rest: string[];
        let group: string;
        let version: string;
        if (seg[0] === "api" && seg.length >= 3) [group, version, rest] = ["", seg[1], seg.slice(2)];
        else if (seg[0] === "apis" && seg.length >= 4) [group, version, rest] = [seg[1], seg[2], seg.slice(3)];
        else return fail(404, "the server could not find the requested resource", "NotFound");

        let route: Route;
        if (rest[0] === "namespaces" && rest.length >= 3) {
            const rt = this.registry.byUrl(group, version, rest[2]);
            route = { rt, namespace: rest[1], name: rest[3], subresource: rest[4] };
            if (rt.namespaced === false || rest.length > 5) fail(404, "the server could not find the requested resource", "NotFound");
        } else {
            const rt = this.registry.byUrl(group, version, rest[0]);
            route = { rt, name: rest[1], subresource: rest[2] };
            // A namespaced kind is reachable cluster-wide only as a collection (list/watch across namespaces).
            if ((rt.namespaced === true && route.name !== undefined) || rest.length > 3) {
                fail(404, "the server could not find the requested resource", "NotFound");
            }
        }
        if (route.subresource !== undefined && (route.subresource !== "status" || !route.rt.statusSubresource)) {
            fail(404, "the server could not find the requested resource", "NotFound");
        }

        const body = () => {
            const parsed = tryJson(raw);
            if (!isObject(parsed)) fail(400, `the body of the request could not be decoded as a JSON object`);
            return parsed;
        };
        if (route.name === undefined) {
            if (req.method === "GET" && req.watch) return this.watch(route, req.query, res);
            if (req.method === "GET") return reply(res, 200, this.listObjects(route, req.query));
            if (req.method === "POST" && (route.namespace !== undefined || route.rt.namespaced !== true)) {
                const created = this.createObject(route, body());
                reply(res, 201, created);
                return () => this.fireCreateHooks(route.rt, created);
            }
            return fail(405, `the server does not allow this method on the requested resource`, "MethodNotAllowed");
        }
        switch (req.method) {
            case "GET":
                return reply(res, 200, this.existing(route));
            case "PUT":
                return reply(res, 200, this.replaceObject(route, body()));
            case "PATCH": {
                const { object, created } = this.patchObject(route, req, raw);
                reply(res, created ? 201 : 200, object);
                return created ? () => this.fireCreateHooks(route.rt, object) : undefined;
            }
            case "DELETE":
                if (route.subresource) break;
                return this.deleteObject(route, raw, res);
        }
        return fail(405, `the server does not allow this method on the requested resource`, "MethodNotAllowed");
    }

    private fireCreateHooks(rt: ResourceType, obj: KubeObject): void {
        for (const { plural, hook } of this.createHooks) {
            if (plural === rt.plural && !this.stopped) this.runHook(() => hook(clone(obj), this));
        }
    }

    private existing(route: Route): KubeObject {
        return this.store.get(route.rt, route.namespace, route.name!) ?? notFound(route.rt, route.name!);
    }

    private listObjects(route: Route, query: Record<string, string>): KubeObject {
        const matches = this.selector(route, query);
        const items = this.store.list(route.rt, route.namespace).filter(matches);
        // kube-apiserver omits apiVersion/kind on the items of built-in lists (CRD lists keep them).
        if (route.rt.builtin) {
            for (const item of items) {
                delete item.apiVersion;
                delete item.kind;
            }
        }
        return {
            apiVersion: groupVersion(route.rt),
            kind: `${route.rt.kind}List`,
            metadata: { resourceVersion: this.resourceVersion },
            items,
        };
    }

    private selector(route: Route, query: Record<string, string>): Predicate {
        const fields = parseFieldSelector(query.fieldSelector, route.rt);
        const labels = parseLabelSelector(query.labelSelector);
        const ns = route.namespace;
        return (o) => (ns === undefined || o.metadata?.namespace === ns) && fields(o) && labels(o);
    }

    /** Checks apiVersion/kind/namespace of a POST/PUT body and fills what the server fills. */
    private checkBody(route: Route, obj: KubeObject): KubeObject {
        const { rt } = route;
        if (!rt.builtin && (!obj.apiVersion || !obj.kind)) {
            fail(400, `Object '${obj.kind ? "apiVersion" : "Kind"}' is missing in '${JSON.stringify(obj)}'`);
        }
        if ((obj.kind && obj.kind !== rt.kind) || (obj.apiVersion && splitApiVersion(obj.apiVersion).group !== rt.group)) {
            fail(400, `the API version in the data (${obj.apiVersion}) does not match the expected API version (${groupVersion(rt)})`);
        }
        obj.apiVersion = obj.apiVersion ?? groupVersion(rt);
        obj.kind = rt.kind;
        obj.metadata = isObject(obj.metadata) ? obj.metadata : {};
        if (route.namespace !== undefined) {
            if (obj.metadata.namespace && obj.metadata.namespace !== route.namespace) {
                fail(400, "the namespace of the provided object does not match the namespace sent on the request");
            }
            obj.metadata.namespace = route.namespace;
        } else delete obj.metadata.namespace;
        normalizeSecret(rt, obj);
        return obj;
    }

    private createObject(route: Route, input: KubeObject): KubeObject {
        const obj = this.checkBody(route, input);
        const meta = obj.metadata;
        if (!meta.name && meta.generateName) meta.name = meta.generateName + Math.random().toString(36).slice(2, 7).padEnd(5, "x");
        if (!meta.name) invalid(route.rt, "", "metadata.name", "Required value: name or generateName is required", "FieldValueRequired");
        if (meta.resourceVersion) fail(500, "resourceVersion should not be set on objects to be created", null);
        if (this.store.get(route.rt, route.namespace, meta.name)) {
            fail(409, `${qualified(route.rt)} "${meta.name}" already exists`, "AlreadyExists", statusDetails(route.rt, meta.name));
        }
        if (route.rt.statusSubresource) delete obj.status;
        return this.store.create(route.rt, obj);
    }

    private replaceObject(route: Route, input: KubeObject): KubeObject {
        const obj = this.checkBody(route, input);
        const name = route.name!;
        if (obj.metadata.name && obj.metadata.name !== name) {
            fail(400, `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
        }
        const old = this.existing(route);
        const rv = obj.metadata.resourceVersion;
        if (!rv && !route.rt.builtin) {
            invalid(route.rt, name, "metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update", "FieldValueInvalid");
        }
        if (rv && rv !== old.metadata.resourceVersion) conflict(route.rt, name);
        return this.store.update(route.rt, old, this.scope(route, old, obj));
    }

    /** Main resource writes keep the stored status; /status writes change only status. */
    private scope(route: Route, old: KubeObject, next: KubeObject): KubeObject {
        if (route.subresource === "status") return { ...old, status: next.status };
        if (!route.rt.statusSubresource) return next;
        const result = { ...next };
        if (old.status === undefined) delete result.status;
        else result.status = old.status;
        return result;
    }

    private patchObject(route: Route, req: RecordedRequest, raw: string): { object: KubeObject; created: boolean } {
        const type = (req.contentType ?? "").split(";")[0].trim().toLowerCase();
        const parse = (): unknown => {
            const v = tryJson(raw);
            if (typeof v === "string") fail(400, `error decoding patch: invalid JSON`);
            return v;
        };
        const name = route.name!;
        if (type === "application/apply-patch+yaml") {
            const patch = tryJson(raw);
            if (!isObject(patch)) fail(415, "fake kube api: only JSON-formatted apply-patch bodies are supported", "UnsupportedMediaType");
            if (!req.query.fieldManager) {
                fail(422, `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch`, "Invalid");
            }
            const old = this.store.get(route.rt, route.namespace, name);
            if (!old) {
                if (route.subresource) notFound(route.rt, name);
                const obj = this.checkBody(route, clone(patch));
                obj.metadata.name = obj.metadata.name ?? name;
                delete obj.metadata.resourceVersion;
                if (route.rt.statusSubresource) delete obj.status;
                return { object: this.store.create(route.rt, obj), created: true };
            }
            return { object: this.finishPatch(route, old, mergePatch(old, patch)), created: false };
        }
        const old = this.existing(route);
        let patched: unknown;
        if (type === "application/merge-patch+json") patched = mergePatch(old, parse());
        else if (type === "application/json-patch+json") patched = jsonPatch(old, parse());
        else if (type === "application/strategic-merge-patch+json" && route.rt.builtin) patched = mergePatch(old, parse());
        else {
            fail(
                415,
                `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
                "UnsupportedMediaType",
            );
        }
        return { object: this.finishPatch(route, old, patched), created: false };
    }

    private finishPatch(route: Route, old: KubeObject, patched: unknown): KubeObject {
        if (!isObject(patched)) fail(422, "patched object is not a JSON object", "Invalid");
        const rv = patched.metadata?.resourceVersion;
        if (rv !== undefined && rv !== old.metadata.resourceVersion) conflict(route.rt, route.name!);
        normalizeSecret(route.rt, patched);
        return this.store.update(route.rt, old, this.scope(route, old, patched));
    }

    private deleteObject(route: Route, raw: string, res: http.ServerResponse): void {
        const old = this.existing(route);
        const options = tryJson(raw);
        const pre = isObject(options) && isObject(options.preconditions) ? options.preconditions : {};
        if ((pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) || (pre.uid && pre.uid !== old.metadata.uid)) {
            conflict(route.rt, route.name!);
        }
        const { object, gone } = this.store.delete(route.rt, old);
        if (gone && route.rt.builtin) {
            reply(res, 200, {
                kind: "Status",
                apiVersion: "v1",
                metadata: {},
                status: "Success",
                details: { ...statusDetails(route.rt, route.name!), uid: old.metadata.uid },
            });
        } else reply(res, 200, object);
    }

    private watch(route: Route, query: Record<string, string>, res: http.ServerResponse): void {
        const matches = this.selector(route, query);
        const rvParam = query.resourceVersion;
        if (rvParam !== undefined && rvParam !== "" && !/^\d+$/.test(rvParam)) fail(400, `invalid resource version: ${rvParam}`);
        const fromRv = rvParam ? Number(rvParam) : 0;
        res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
        res.flushHeaders();
        if (fromRv !== 0 && fromRv < this.hub.floor(route.rt)) {
            const status = kubeStatus(410, `too old resource version: ${fromRv} (${this.hub.floor(route.rt)})`, "Expired");
            send(res, "ERROR", status);
            return void res.end();
        }
        const w: Watcher = { rt: route.rt, matches, bookmarks: query.allowWatchBookmarks === "true", res };
        if (fromRv === 0) {
            for (const obj of this.store.list(route.rt, route.namespace).filter(matches)) send(res, "ADDED", obj);
        } else {
            for (const ev of this.hub.since(route.rt, fromRv)) this.hub.deliver(w, ev);
        }
        const timeout = Number(query.timeoutSeconds);
        if (timeout > 0) {
            w.timer = setTimeout(() => {
                this.hub.remove(w);
                res.end();
            }, timeout * 1000);
        }
        this.hub.add(w);
    }

    /** /version, /api, /api/v1, /apis, /apis/{g}/{v} (enough for KubernetesObjectApi's kind lookup). */
    private discovery(seg: string[], res: http.ServerResponse): boolean {
        const path = seg.join("/");
        const types = this.registry.all();
        if (path === "version") {
            reply(res, 200, { major: "1", minor: "31", gitVersion: "v1.31.0-fake", platform: "linux/amd64" });
        } else if (path === "api") {
            reply(res, 200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] });
        } else if (path === "apis") {
            const groups = new Map<string, Set<string>>();
            for (const rt of types) if (rt.group) groups.set(rt.group, (groups.get(rt.group) ?? new Set()).add(rt.version));
            reply(res, 200, {
                kind: "APIGroupList",
                apiVersion: "v1",
                groups: [...groups].map(([name, versions]) => {
                    const vs = [...versions].map((version) => ({ groupVersion: `${name}/${version}`, version }));
                    return { name, versions: vs, preferredVersion: vs[0] };
                }),
            });
        } else if ((seg[0] === "api" && seg.length === 2) || (seg[0] === "apis" && seg.length === 3)) {
            const gv = seg.slice(1).join("/");
            const resources = types
                .filter((rt) => groupVersion(rt) === gv)
                .flatMap((rt) => {
                    const base = { singularName: rt.kind.toLowerCase(), namespaced: rt.namespaced !== false, kind: rt.kind };
                    const verbs = ["create", "delete", "get", "list", "patch", "update", "watch"];
                    const main = { name: rt.plural, ...base, verbs };
                    return rt.statusSubresource
                        ? [main, { name: `${rt.plural}/status`, ...base, singularName: "", verbs: ["get", "patch", "update"] }]
                        : [main];
                });
            if (resources.length === 0) fail(404, "the server could not find the requested resource", "NotFound");
            reply(res, 200, { kind: "APIResourceList", apiVersion: "v1", groupVersion: gv, resources });
        } else return false;
        return true;
    }
}

// ---------------------------------------------------------------- small HTTP helpers

function matchesFilter(req: RecordedRequest, filter: RequestFilter): boolean {
    if (typeof filter === "function") return filter(req);
    if (filter.method && filter.method.toUpperCase() !== req.method) return false;
    if (filter.watch !== undefined && filter.watch !== req.watch) return false;
    if (typeof filter.path === "string" && filter.path !== req.path) return false;
    if (filter.path instanceof RegExp && !filter.path.test(req.path)) return false;
    return true;
}

function tryJson(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

function readBody(req: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}

function reply(res: http.ServerResponse, code: number, body: unknown): void {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
}
