/**
 * The stack config contract: every key, its default, and the checks that run before anything is
 * created. `parseStackConfig` is a pure function of the raw key/value map Pulumi hands a program,
 * so tests call it directly and the program calls it through `readStackConfig`.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    DELETION_POLICIES, DeletionPolicy, ISSUER_KINDS, IssuerKind, SECONDARY_ACCESS_MODES, SecondaryAccessMode,
} from "./api/kubedb";
import { PRIVATE_KEY_ALGORITHMS, PRIVATE_KEY_ROTATION_POLICIES, PrivateKeyAlgorithm, PrivateKeyRotationPolicy } from "./api/certManager";
import {
    Problems, checkDnsLabel, checkDnsName, checkDnsSubdomain, checkGoDuration, checkInteger, checkInterval, checkIpAddress,
    checkOneOf, checkResourceQuantity, checkSaPassword, checkStorageQuantity, parseGoDuration, shown,
} from "./validation";

export const PROJECT = "kubedb-mssql";

/** A current KubeDB catalog entry (`kubectl get mssqlserverversions`). */
export const DEFAULT_VERSION = "2022-cu22";
export const EDITIONS = ["Developer", "Express", "Standard", "Enterprise", "EnterpriseCore", "Evaluation", "Web"] as const;
/** MSSQL_PID also takes a product key instead of an edition name. */
export const PRODUCT_KEY = /^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$/;
/** KubeDB names databases in pod, service and certificate names; 40 leaves room for its suffixes. */
export const MAX_DATABASE_NAME_LENGTH = 40;
export const MAX_AG_REPLICAS = 9; // one primary and SQL Server's limit of eight secondaries

export interface CertificateSettings {
    /** Extra DNS names besides those KubeDB adds for its services. */
    dnsNames?: string[];
    ipAddresses?: string[];
    /** Go duration, e.g. "2160h". */
    duration?: string;
    renewBefore?: string;
    subject?: { organizations?: string[]; organizationalUnits?: string[] };
}

export type CertificateAliasSettings = { server?: CertificateSettings; client?: CertificateSettings; endpoint?: CertificateSettings };

export interface CaSettings {
    /** Kind of the bootstrapped CA issuer. */
    kind: IssuerKind;
    duration: string;
    renewBefore: string;
    algorithm: PrivateKeyAlgorithm;
    /** Where a ClusterIssuer's CA secret must live (cert-manager's `--cluster-resource-namespace`). */
    clusterResourceNamespace: string;
}

export interface TlsSettings {
    /** An existing issuer; absent = the program bootstraps its own CA. */
    issuer?: { kind: IssuerKind; name: string };
    clientTLS: boolean;
    certificates: CertificateAliasSettings;
    ca: CaSettings;
    /** Private key rotation policy of the database's certificates (cert-manager's default is Always). */
    privateKeyRotationPolicy?: PrivateKeyRotationPolicy;
    rotation: { generation: number };
}

export interface RotationSettings {
    generation: number;
    /** "30d", "12h", ...; absent = no schedule. */
    interval?: string;
    /** RFC 3339 instant the interval boundaries are counted from. */
    anchor: string;
}

export interface StackConfig {
    namespace: string;
    name: string;
    version: string;
    edition: string;
    acceptEula: true;
    replicas: number;
    availabilityGroup?: { databases: string[]; secondaryAccessMode: SecondaryAccessMode };
    storage: { size: string; storageClass?: string };
    deletionPolicy: DeletionPolicy;
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    tls: TlsSettings;
    /** Plain text only inside the program; wrapped with pulumi.secret wherever it goes. */
    saPassword?: string;
    rotation: RotationSettings;
    timeouts: { readyMinutes: number; opsRequestMinutes: number; opsStepTimeout: string };
    /** Kubeconfig text (or a path, read by the program); absent = the ambient kubeconfig. */
    kubeconfig?: string;
}

/** Top-level keys and the fields allowed inside each object-valued key. */
const KNOWN_KEYS: Record<string, readonly string[] | null> = {
    namespace: null, name: null, version: null, edition: null, acceptEula: null, replicas: null,
    availabilityGroup: ["databases", "secondaryAccessMode"],
    storage: ["size", "storageClass"],
    deletionPolicy: null,
    resources: ["requests", "limits"],
    tls: ["issuer", "clientTLS", "certificates", "ca", "privateKeyRotationPolicy", "rotation"],
    saPassword: null,
    rotation: ["generation", "interval", "anchor"],
    timeouts: ["readyMinutes", "opsRequestMinutes", "opsStepTimeout"],
    kubeconfig: null,
};

/** Keys whose values are secrets: they must be set with `--secret` and never appear in messages. */
export const SECRET_KEYS = ["saPassword", "kubeconfig"] as const;

/**
 * Turns Pulumi's raw config map (`project:key` → string; objects as JSON text, also as flat
 * dotted keys such as `rotation.generation`) into one object per top-level key.
 */
export function collectRawConfig(raw: Record<string, string>, project = PROJECT): { values: Record<string, unknown>; problems: Problems } {
    const problems = new Problems();
    const values: Record<string, unknown> = {};
    const prefix = `${project}:`;
    const entries = Object.entries(raw).filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => a.length - b.length);
    for (const [fullKey, text] of entries) {
        const key = fullKey.slice(prefix.length);
        const path = key.split(".");
        const top = path[0];
        if (!(top in KNOWN_KEYS)) {
            problems.add(key, `unknown config key; known keys are ${Object.keys(KNOWN_KEYS).join(", ")}`);
            continue;
        }
        const value = (SECRET_KEYS as readonly string[]).includes(top) ? text : parseValue(text);
        if (path.length === 1) {
            values[top] = value;
            continue;
        }
        // A flat dotted key ("rotation.generation") sets a field inside the object-valued key.
        let target = (values[top] ??= {}) as Record<string, unknown>;
        if (typeof target !== "object" || target === null || Array.isArray(target)) {
            problems.add(key, `conflicts with "${top}", which is not an object`);
            continue;
        }
        for (const segment of path.slice(1, -1)) target = (target[segment] ??= {}) as Record<string, unknown>;
        target[path[path.length - 1]] = value;
    }
    return { values, problems };
}

function parseValue(text: string): unknown {
    const trimmed = text.trim();
    if (/^[[{]/.test(trimmed) || trimmed === "true" || trimmed === "false" || /^-?\d+(\.\d+)?$/.test(trimmed)) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return text;
        }
    }
    return text;
}

export interface ParseOptions {
    project?: string;
}

/**
 * Advice that does not stop the program: a secret key stored in plain text in the stack file (the
 * program still treats the value as a secret everywhere).
 */
export function configWarnings(raw: Record<string, string>, secretKeys: readonly string[], project = PROJECT): string[] {
    return SECRET_KEYS
        .filter((key) => `${project}:${key}` in raw && !secretKeys.includes(key))
        .map((key) => `config "${key}" is stored in plain text in the stack's config file; store it encrypted with \`pulumi config set --secret ${key} ...\``);
}

/**
 * Validates the whole config and applies defaults. Throws one ConfigError listing every problem,
 * each naming its key, what is allowed and what was given (never a secret's value).
 */
export function parseStackConfig(raw: Record<string, string>, options: ParseOptions = {}): StackConfig {
    const { values, problems } = collectRawConfig(raw, options.project ?? PROJECT);
    const get = (key: string) => values[key];
    const object = (key: string, fields: readonly string[]): Record<string, unknown> | undefined => {
        const value = get(key);
        if (value === undefined) return undefined;
        return checkObject(problems, key, value, fields);
    };

    const name = (get("name") ?? "mssql") as string;
    problems.add("name", checkDnsLabel(name, MAX_DATABASE_NAME_LENGTH)
        ?? (/^[a-z]/.test(name) ? undefined : `${shown(name)} must start with a letter (KubeDB's rule for database names)`));
    const namespace = (get("namespace") ?? "mssql") as string;
    problems.add("namespace", checkDnsLabel(namespace));

    const version = (get("version") ?? DEFAULT_VERSION) as string;
    problems.add("version", typeof version === "string" && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(version)
        ? undefined : `${shown(version)} is not a KubeDB MSSQLServerVersion name (e.g. "${DEFAULT_VERSION}"; list them with \`kubectl get mssqlserverversions\`)`);
    const edition = (get("edition") ?? "Developer") as string;
    problems.add("edition", typeof edition === "string" && PRODUCT_KEY.test(edition) ? undefined
        : checkOneOf(edition, EDITIONS) && `${checkOneOf(edition, EDITIONS)}, or a product key (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)`);

    const acceptEula = get("acceptEula");
    if (acceptEula !== true) {
        problems.add("acceptEula", acceptEula === undefined
            ? "must be set to true to accept the SQL Server EULA (https://go.microsoft.com/fwlink/?LinkId=746388): `pulumi config set acceptEula true`"
            : `is ${shown(acceptEula)}; the SQL Server container does not start unless it is true`);
    }

    const ag = object("availabilityGroup", KNOWN_KEYS.availabilityGroup!);
    let availabilityGroup: StackConfig["availabilityGroup"];
    if (ag) {
        const databases = ag.databases ?? [];
        if (!Array.isArray(databases)) problems.add("availabilityGroup.databases", `must be a list of database names, got ${shown(databases)}`);
        else {
            databases.forEach((db, i) => problems.add(`availabilityGroup.databases[${i}]`, checkSqlIdentifier(db)));
            if (new Set(databases).size !== databases.length) problems.add("availabilityGroup.databases", "lists a database twice");
        }
        const secondaryAccessMode = (ag.secondaryAccessMode ?? "Passive") as SecondaryAccessMode;
        problems.add("availabilityGroup.secondaryAccessMode", checkOneOf(secondaryAccessMode, SECONDARY_ACCESS_MODES));
        availabilityGroup = { databases: Array.isArray(databases) ? (databases as string[]) : [], secondaryAccessMode };
    }

    const replicas = (get("replicas") ?? (availabilityGroup ? 3 : 1)) as number;
    if (availabilityGroup) {
        const problem = checkInteger(replicas, 1, MAX_AG_REPLICAS);
        if (problem) problems.add("replicas", `${problem} for an availability group (3 is usual; an even count gets an arbiter)`);
    } else if (replicas !== 1) {
        problems.add("replicas", `is ${shown(replicas)}, but a Standalone server has exactly 1 replica; set "availabilityGroup" for more`);
    }

    const storageRaw = object("storage", KNOWN_KEYS.storage!) ?? {};
    const storage = { size: (storageRaw.size ?? "10Gi") as string, storageClass: storageRaw.storageClass as string | undefined };
    problems.add("storage.size", checkStorageQuantity(storage.size));
    if (storage.storageClass !== undefined) problems.add("storage.storageClass", checkDnsSubdomain(storage.storageClass));

    const deletionPolicy = (get("deletionPolicy") ?? "Halt") as DeletionPolicy;
    problems.add("deletionPolicy", checkOneOf(deletionPolicy, DELETION_POLICIES));

    const resourcesRaw = object("resources", KNOWN_KEYS.resources!);
    let resources: StackConfig["resources"];
    if (resourcesRaw) {
        resources = {};
        for (const part of ["requests", "limits"] as const) {
            const block = resourcesRaw[part];
            if (block === undefined) continue;
            const checked = checkObject(problems, `resources.${part}`, block, ["cpu", "memory"]);
            if (!checked) continue;
            for (const [k, v] of Object.entries(checked)) problems.add(`resources.${part}.${k}`, checkResourceQuantity(v));
            resources[part] = Object.fromEntries(Object.entries(checked).map(([k, v]) => [k, String(v)]));
        }
        // `{}` (Pulumi.yaml's default) means KubeDB's defaults, like an absent key.
        if (Object.keys(resources).length === 0) resources = undefined;
    }

    const tls = parseTls(problems, object("tls", KNOWN_KEYS.tls!) ?? {}, availabilityGroup !== undefined);

    const saPassword = get("saPassword");
    if (saPassword !== undefined) problems.add("saPassword", checkSaPassword(saPassword));

    const rotationRaw = object("rotation", KNOWN_KEYS.rotation!) ?? {};
    const rotation: RotationSettings = {
        generation: (rotationRaw.generation ?? 0) as number,
        interval: rotationRaw.interval as string | undefined,
        anchor: (rotationRaw.anchor ?? "1970-01-01T00:00:00Z") as string,
    };
    problems.add("rotation.generation", checkInteger(rotation.generation, 0, 1_000_000));
    if (rotation.interval !== undefined) {
        problems.add("rotation.interval", checkInterval(rotation.interval));
        if (saPassword !== undefined) {
            problems.add("rotation.interval", "cannot rotate a password you supply in \"saPassword\"; remove one of the two (change saPassword yourself, or let the schedule generate passwords)");
        }
    }
    problems.add("rotation.anchor", typeof rotation.anchor === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(rotation.anchor) && !Number.isNaN(Date.parse(rotation.anchor))
        ? undefined : `${shown(rotation.anchor)} is not an RFC 3339 instant such as "2026-01-04T02:00:00Z"`);

    const timeoutsRaw = object("timeouts", KNOWN_KEYS.timeouts!) ?? {};
    const timeouts = {
        readyMinutes: (timeoutsRaw.readyMinutes ?? (availabilityGroup ? 40 : 25)) as number,
        opsRequestMinutes: (timeoutsRaw.opsRequestMinutes ?? 30) as number,
        opsStepTimeout: (timeoutsRaw.opsStepTimeout ?? "10m") as string,
    };
    problems.add("timeouts.readyMinutes", checkInteger(timeouts.readyMinutes, 1, 24 * 60));
    problems.add("timeouts.opsRequestMinutes", checkInteger(timeouts.opsRequestMinutes, 1, 24 * 60));
    problems.add("timeouts.opsStepTimeout", checkGoDuration(timeouts.opsStepTimeout, 60));

    const kubeconfig = get("kubeconfig");
    if (kubeconfig !== undefined && (typeof kubeconfig !== "string" || kubeconfig.trim() === "")) {
        problems.add("kubeconfig", "must be kubeconfig text or the path of a kubeconfig file");
    }

    problems.throwIfAny();
    return {
        namespace, name, version, edition, acceptEula: true, replicas, availabilityGroup,
        storage: storage.storageClass === undefined ? { size: storage.size } : storage,
        deletionPolicy, resources, tls, saPassword: saPassword as string | undefined, rotation, timeouts,
        kubeconfig: kubeconfig as string | undefined,
    };
}

function parseTls(problems: Problems, raw: Record<string, unknown>, isAvailabilityGroup: boolean): TlsSettings {
    let issuer: TlsSettings["issuer"];
    if (raw.issuer !== undefined) {
        const i = checkObject(problems, "tls.issuer", raw.issuer, ["kind", "name"]);
        if (i) {
            issuer = { kind: (i.kind ?? "Issuer") as IssuerKind, name: i.name as string };
            problems.add("tls.issuer.kind", checkOneOf(issuer.kind, ISSUER_KINDS));
            problems.add("tls.issuer.name", i.name === undefined || i.name === ""
                ? "is empty; name the existing cert-manager issuer, or remove \"tls.issuer\" to let the program bootstrap a CA"
                : checkDnsSubdomain(i.name));
        }
    }
    const clientTLS = raw.clientTLS ?? true;
    if (typeof clientTLS !== "boolean") problems.add("tls.clientTLS", `must be true or false, got ${shown(clientTLS)}`);

    const certificates: CertificateAliasSettings = {};
    if (raw.certificates !== undefined) {
        const byAlias = checkObject(problems, "tls.certificates", raw.certificates, ["server", "client", "endpoint"]) ?? {};
        for (const [alias, settings] of Object.entries(byAlias)) {
            if (alias === "endpoint" && !isAvailabilityGroup) {
                problems.add("tls.certificates.endpoint", "applies only to an availability group (the endpoint certificate secures replica traffic)");
            }
            const parsed = parseCertificateSettings(problems, `tls.certificates.${alias}`, settings);
            if (parsed) certificates[alias as keyof CertificateAliasSettings] = parsed;
        }
    }

    const caRaw = raw.ca === undefined ? {} : checkObject(problems, "tls.ca", raw.ca, ["kind", "duration", "renewBefore", "algorithm", "clusterResourceNamespace"]) ?? {};
    const ca: CaSettings = {
        kind: (caRaw.kind ?? "Issuer") as IssuerKind,
        duration: (caRaw.duration ?? "87600h") as string,
        renewBefore: (caRaw.renewBefore ?? "720h") as string,
        algorithm: (caRaw.algorithm ?? "ECDSA") as PrivateKeyAlgorithm,
        clusterResourceNamespace: (caRaw.clusterResourceNamespace ?? "cert-manager") as string,
    };
    problems.add("tls.ca.kind", checkOneOf(ca.kind, ISSUER_KINDS));
    problems.add("tls.ca.algorithm", checkOneOf(ca.algorithm, PRIVATE_KEY_ALGORITHMS));
    problems.add("tls.ca.clusterResourceNamespace", checkDnsLabel(ca.clusterResourceNamespace));
    checkDurationPair(problems, "tls.ca", ca.duration, ca.renewBefore);
    // clusterResourceNamespace also tells where an existing ClusterIssuer keeps its CA.
    if (issuer && Object.keys(caRaw).some((k) => k !== "clusterResourceNamespace")) {
        problems.add("tls.ca", "configures the bootstrapped CA, but \"tls.issuer\" names an existing issuer; remove one of the two (only tls.ca.clusterResourceNamespace applies to an existing ClusterIssuer)");
    }

    const privateKeyRotationPolicy = raw.privateKeyRotationPolicy as PrivateKeyRotationPolicy | undefined;
    if (privateKeyRotationPolicy !== undefined) problems.add("tls.privateKeyRotationPolicy", checkOneOf(privateKeyRotationPolicy, PRIVATE_KEY_ROTATION_POLICIES));

    const rotationRaw = raw.rotation === undefined ? {} : checkObject(problems, "tls.rotation", raw.rotation, ["generation"]) ?? {};
    const rotation = { generation: (rotationRaw.generation ?? 0) as number };
    problems.add("tls.rotation.generation", checkInteger(rotation.generation, 0, 1_000_000));

    return { issuer, clientTLS: clientTLS === true, certificates, ca, privateKeyRotationPolicy, rotation };
}

function parseCertificateSettings(problems: Problems, key: string, raw: unknown): CertificateSettings | undefined {
    const s = checkObject(problems, key, raw, ["dnsNames", "ipAddresses", "duration", "renewBefore", "subject"]);
    if (!s) return undefined;
    const list = (field: string, check: (v: unknown) => string | undefined): string[] | undefined => {
        const value = s[field];
        if (value === undefined) return undefined;
        if (!Array.isArray(value)) {
            problems.add(`${key}.${field}`, `must be a list, got ${shown(value)}`);
            return undefined;
        }
        value.forEach((v, i) => problems.add(`${key}.${field}[${i}]`, check(v)));
        return value as string[];
    };
    const settings: CertificateSettings = {};
    const dnsNames = list("dnsNames", checkDnsName);
    if (dnsNames) settings.dnsNames = dnsNames;
    const ipAddresses = list("ipAddresses", checkIpAddress);
    if (ipAddresses) settings.ipAddresses = ipAddresses;
    if (s.duration !== undefined) settings.duration = s.duration as string;
    if (s.renewBefore !== undefined) settings.renewBefore = s.renewBefore as string;
    if (settings.duration !== undefined) problems.add(`${key}.duration`, checkGoDuration(settings.duration, 3600));
    if (settings.renewBefore !== undefined) problems.add(`${key}.renewBefore`, checkGoDuration(settings.renewBefore, 300));
    if (settings.duration !== undefined && settings.renewBefore !== undefined) checkDurationPair(problems, key, settings.duration, settings.renewBefore);
    if (s.subject !== undefined) {
        const subject = checkObject(problems, `${key}.subject`, s.subject, ["organizations", "organizationalUnits"]);
        if (subject) {
            settings.subject = {};
            for (const field of ["organizations", "organizationalUnits"] as const) {
                const v = subject[field];
                if (v === undefined) continue;
                if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x === "")) problems.add(`${key}.subject.${field}`, `must be a list of non-empty strings, got ${shown(v)}`);
                else settings.subject[field] = v as string[];
            }
        }
    }
    return settings;
}

/** cert-manager refuses a certificate whose renewBefore is not shorter than its duration. */
function checkDurationPair(problems: Problems, key: string, duration: string, renewBefore: string): void {
    problems.add(`${key}.duration`, checkGoDuration(duration, 3600));
    problems.add(`${key}.renewBefore`, checkGoDuration(renewBefore, 300));
    const d = parseGoDuration(duration);
    const r = parseGoDuration(renewBefore);
    if (d !== undefined && r !== undefined && r >= d) {
        problems.add(`${key}.renewBefore`, `${shown(renewBefore)} must be shorter than the duration ${shown(duration)}, or the certificate is renewed forever`);
    }
}

/** SQL Server database names KubeDB puts into an availability group. */
function checkSqlIdentifier(value: unknown): string | undefined {
    return typeof value === "string" && /^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(value)
        ? undefined
        : `${shown(value)} is not a database name; use letters, digits and '_' (at most 128, not starting with a digit)`;
}

function checkObject(problems: Problems, key: string, value: unknown, fields: readonly string[]): Record<string, unknown> | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        problems.add(key, `must be an object with fields ${fields.join(", ")}, got ${shown(value)}`);
        return undefined;
    }
    for (const field of Object.keys(value)) {
        if (!fields.includes(field)) problems.add(`${key}.${field}`, `unknown field; allowed: ${fields.join(", ")}`);
    }
    return value as Record<string, unknown>;
}

/** Reads this program's config from the Pulumi runtime and parses it. */
export function readStackConfig(): StackConfig {
    const raw = pulumi.runtime.allConfig();
    const project = pulumi.getProject();
    const config = parseStackConfig(raw, { project });
    // isConfigSecret is exported by the runtime but not declared; without it the plain-text advice is skipped.
    const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
    if (isSecret) {
        const secretKeys = Object.keys(raw).filter((k) => isSecret(k)).map((k) => k.slice(project.length + 1));
        for (const warning of configWarnings(raw, secretKeys, project)) void pulumi.log.warn(warning);
    }
    return config;
}
