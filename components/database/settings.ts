/**
 * The SqlServer component's settings: every key, its default, and the checks that run before
 * anything is created. Pure, so tests call it directly; the stack program reaches it through
 * stack/config.ts, which reads Pulumi's config map into the same keys.
 */
import {
    DELETION_POLICIES,
    DeletionPolicy,
    ISSUER_KINDS,
    IssuerKind,
    SECONDARY_ACCESS_MODES,
    SecondaryAccessMode,
    VOLUME_EXPANSION_MODES,
    VolumeExpansionMode,
} from "../api/kubedb";
import { PRIVATE_KEY_ALGORITHMS, PRIVATE_KEY_ROTATION_POLICIES, PrivateKeyAlgorithm, PrivateKeyRotationPolicy } from "../api/certManager";
import {
    checkBoolean,
    checkDatabaseName,
    checkDnsLabel,
    checkDnsName,
    checkDnsSubdomain,
    checkGeneration,
    checkInteger,
    checkIpAddress,
    checkOneOf,
    checkSaPassword,
} from "../core/checks";
import { checkCertificateDurations, checkInterval, checkRfc3339, checkStepTimeout, DEFAULT_STEP_TIMEOUT } from "../core/durations";
import { Problems, nameText, shown } from "../core/problems";
import { checkResources, checkStorageQuantity, quantityText } from "../core/quantities";
import { checkKubeconfigText, looksLikeKubeconfigText } from "../kube/kubeconfig";
import { ConnectionShape, DATA_KEY, ownObjectProblem, parseConnectionShape } from "../credential/connectionShape";
import { names } from "../core/names";

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
    /**
     * Private key rotation policy of the bootstrapped CA's certificate only (KubeDB's certificates
     * have no such field); refused with `issuer`. Absent = cert-manager's default, Always since v1.18.
     */
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

/** A key of a Secret in the database's namespace. */
export interface PasswordSecretRef {
    name: string;
    key: string;
}

export interface DatabaseSettings {
    namespace: string;
    name: string;
    version: string;
    edition: string;
    acceptEula: true;
    replicas: number;
    availabilityGroup?: { databases: string[]; secondaryAccessMode: SecondaryAccessMode };
    /** `expansionMode`: how a VolumeExpansion request grows the volumes. */
    storage: { size: string; storageClass?: string; expansionMode: VolumeExpansionMode };
    deletionPolicy: DeletionPolicy;
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    /** Content of mssql.conf; absent = none. */
    mssqlConf?: string;
    /** Bump `generation` to restart the database through a Restart request. */
    restart: { generation: number };
    /** Let KubeDB's recommendation engine create requests on its own. */
    autoOps: boolean;
    tls: TlsSettings;
    /** Plain text only inside the program; wrapped with pulumi.secret wherever it goes. */
    saPassword?: string;
    /** A Secret in the database's namespace whose `key` holds the sa password; read by `pulumi up`. */
    saPasswordSecret?: PasswordSecretRef;
    rotation: RotationSettings;
    /** Where the connection details go (the app-facing Secret, its keys, a ConfigMap). */
    connection: ConnectionShape;
    timeouts: { readyMinutes: number; opsRequestMinutes: number; opsStepTimeout: string };
    /** Kubeconfig text (or a path, read by the program); absent = the ambient kubeconfig. */
    kubeconfig?: string;
}

/** Top-level keys and the fields allowed inside each object-valued key. */
export const KNOWN_KEYS: Record<string, readonly string[] | null> = {
    namespace: null,
    name: null,
    version: null,
    edition: null,
    acceptEula: null,
    replicas: null,
    availabilityGroup: ["databases", "secondaryAccessMode"],
    storage: ["size", "storageClass", "expansionMode"],
    deletionPolicy: null,
    resources: ["requests", "limits"],
    mssqlConf: null,
    restart: ["generation"],
    autoOps: null,
    tls: ["issuer", "clientTLS", "certificates", "ca", "privateKeyRotationPolicy", "rotation"],
    saPassword: null,
    saPasswordSecret: ["name", "key"],
    rotation: ["generation", "interval", "anchor"],
    connection: ["secretName", "keys", "configMap"],
    timeouts: ["readyMinutes", "opsRequestMinutes", "opsStepTimeout"],
    kubeconfig: null,
};

/** An own property (never one inherited from Object.prototype, such as `constructor`). */
const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/**
 * The same contract for values given as one object (the SqlServer component's args, from any
 * Pulumi language): every key checked, defaults applied, one ConfigError naming each problem.
 */
export function parseDatabaseSettings(values: Record<string, unknown>, context = "SqlServer args"): DatabaseSettings {
    const problems = new Problems(context);
    for (const key of Object.keys(values)) {
        if (!has(KNOWN_KEYS, key)) problems.add(key, `unknown argument; known arguments are ${Object.keys(KNOWN_KEYS).join(", ")}`);
    }
    const known = Object.fromEntries(Object.entries(values).filter(([key, value]) => has(KNOWN_KEYS, key) && value !== undefined && value !== null));
    return parseDatabaseValues(known, problems);
}

/**
 * Stands for a secret given as a Pulumi Output (not known as text here): it counts as given for
 * the rules between keys; its value is checked where it resolves.
 */
export const SECRET_NOT_YET_KNOWN = Symbol("a secret given as an Output");

/** Checks values already gathered into one object per key (see parseDatabaseSettings and stack/config.ts). */
export function parseDatabaseValues(values: Record<string, unknown>, problems: Problems): DatabaseSettings {
    const get = (key: string) => values[key];
    const object = (key: string, fields: readonly string[]): Record<string, unknown> | undefined => {
        const value = get(key);
        if (value === undefined) return undefined;
        return checkObject(problems, key, value, fields);
    };

    // Names may arrive as numbers or booleans (`pulumi config set namespace 123`): their text is the name.
    const name = nameText(get("name") ?? "mssql") as string;
    problems.add("name", checkDatabaseName(name, MAX_DATABASE_NAME_LENGTH));
    const namespace = nameText(get("namespace") ?? "mssql") as string;
    problems.add("namespace", checkDnsLabel(namespace));

    const version = nameText(get("version") ?? DEFAULT_VERSION) as string;
    problems.add("version", checkVersion(version));
    const edition = (get("edition") ?? "Developer") as string;
    problems.add("edition", checkEdition(edition));

    const acceptEula = get("acceptEula");
    if (acceptEula !== true) {
        problems.add(
            "acceptEula",
            acceptEula === undefined
                ? "must be set to true to accept the SQL Server EULA (https://go.microsoft.com/fwlink/?LinkId=746388): `pulumi config set acceptEula true`"
                : `is ${shown(acceptEula)}; the SQL Server container does not start unless it is true`,
        );
    }

    const ag = object("availabilityGroup", KNOWN_KEYS.availabilityGroup!);
    let availabilityGroup: DatabaseSettings["availabilityGroup"];
    if (ag) {
        const databases = ag.databases ?? [];
        if (!Array.isArray(databases)) problems.add("availabilityGroup.databases", `must be a list of database names, got ${shown(databases)}`);
        const secondaryAccessMode = (ag.secondaryAccessMode ?? "Passive") as SecondaryAccessMode;
        problems.add("availabilityGroup.secondaryAccessMode", checkOneOf(secondaryAccessMode, SECONDARY_ACCESS_MODES));
        availabilityGroup = { databases: Array.isArray(databases) ? (databases as string[]) : [], secondaryAccessMode };
    }

    const replicas = (get("replicas") ?? (availabilityGroup ? 3 : 1)) as number;
    if (availabilityGroup) {
        const problem = checkInteger(replicas, 1, MAX_AG_REPLICAS);
        if (problem) problems.add("replicas", `${problem} for an availability group (3 is usual; an even count gets an arbiter)`);
        checkAvailabilityGroup(problems, { group: "availabilityGroup", replicas: "replicas", edition: "edition" }, availabilityGroup, edition, replicas);
    } else if (replicas !== 1) {
        problems.add("replicas", `is ${shown(replicas)}, but a Standalone server has exactly 1 replica; set "availabilityGroup" for more`);
    }

    const storageRaw = object("storage", KNOWN_KEYS.storage!) ?? {};
    const sizeRaw = storageRaw.size ?? "10Gi";
    problems.add("storage.size", checkStorageQuantity(sizeRaw));
    // A plain byte count may arrive as a number (`--path storage.size 10737418240`); KubeDB gets its text.
    const storage = { size: quantityText(sizeRaw) as string, storageClass: nameText(storageRaw.storageClass) as string | undefined };
    if (storage.storageClass !== undefined) problems.add("storage.storageClass", checkDnsSubdomain(storage.storageClass));
    const expansionMode = (storageRaw.expansionMode ?? "Online") as VolumeExpansionMode;
    problems.add(
        "storage.expansionMode",
        checkOneOf(expansionMode, VOLUME_EXPANSION_MODES) &&
            `${checkOneOf(expansionMode, VOLUME_EXPANSION_MODES)} (Online grows the volumes while SQL Server runs; Offline stops the pods first, for storage drivers that cannot grow a mounted volume)`,
    );

    const deletionPolicy = (get("deletionPolicy") ?? "Halt") as DeletionPolicy;
    problems.add("deletionPolicy", checkOneOf(deletionPolicy, DELETION_POLICIES));

    const resourcesRaw = object("resources", KNOWN_KEYS.resources!);
    let resources: DatabaseSettings["resources"];
    if (resourcesRaw) {
        resources = checkResources(problems, "resources", resourcesRaw.requests, resourcesRaw.limits);
        // `{}` (Pulumi.yaml's default) means KubeDB's defaults, like an absent key.
        if (Object.keys(resources).length === 0) resources = undefined;
    }

    const tls = parseTls(problems, object("tls", KNOWN_KEYS.tls!) ?? {}, availabilityGroup !== undefined);

    const mssqlConf = get("mssqlConf");
    if (mssqlConf !== undefined) problems.add("mssqlConf", checkMssqlConf(mssqlConf));
    const restartRaw = object("restart", KNOWN_KEYS.restart!) ?? {};
    const restart = { generation: (restartRaw.generation ?? 0) as number };
    problems.add("restart.generation", checkGeneration(restart.generation));
    const autoOps = get("autoOps") ?? false;
    problems.add("autoOps", checkBoolean(autoOps));

    const saPassword = get("saPassword");
    if (saPassword !== undefined && saPassword !== SECRET_NOT_YET_KNOWN) problems.add("saPassword", checkSaPassword(saPassword));

    const rotationRaw = object("rotation", KNOWN_KEYS.rotation!) ?? {};
    const rotation: RotationSettings = {
        generation: (rotationRaw.generation ?? 0) as number,
        interval: rotationRaw.interval as string | undefined,
        anchor: (rotationRaw.anchor ?? "1970-01-01T00:00:00Z") as string,
    };
    problems.add("rotation.generation", checkGeneration(rotation.generation));
    if (rotation.interval !== undefined) {
        problems.add("rotation.interval", checkInterval(rotation.interval));
        if (saPassword !== undefined) {
            problems.add(
                "rotation.interval",
                'cannot rotate a password you supply in "saPassword"; remove one of the two (change saPassword yourself, or let the schedule generate passwords)',
            );
        }
    }
    problems.add("rotation.anchor", checkRfc3339(rotation.anchor));

    const saPasswordSecret = parsePasswordSecretRef(problems, get("saPasswordSecret"));
    if (saPasswordSecret !== undefined) {
        // The Secret is the one source of the password: anything else that would change it is refused.
        const exclusive = 'cannot be used with "saPasswordSecret", which is where the password comes from; remove one of the two';
        if (saPassword !== undefined) problems.add("saPassword", exclusive);
        if (rotation.interval !== undefined) problems.add("rotation.interval", `${exclusive} (rotate by changing the Secret, e.g. from your secret store)`);
        if (rotationRaw.generation !== undefined && rotationRaw.generation !== 0) {
            problems.add("rotation.generation", `${exclusive} (a bump would not change the password the Secret holds; set it back to 0)`);
        }
    }

    const connection = parseConnectionShape(problems, "connection", get("connection"), name);
    if (typeof saPasswordSecret?.name === "string") {
        // The user's Secret is only read; the program writes the connection Secret (and would delete it on a rename).
        const connectionSecret = connection.secretName ?? names.connectionSecret(name);
        const own = ownObjectProblem(saPasswordSecret.name, name);
        if (saPasswordSecret.name === connectionSecret) {
            problems.add(
                "saPasswordSecret.name",
                `${shown(saPasswordSecret.name)} is the connection Secret this program writes; keep the password's source apart (or name the connection Secret otherwise with connection.secretName)`,
            );
        } else if (own) problems.add("saPasswordSecret.name", own);
    }

    const timeoutsRaw = object("timeouts", KNOWN_KEYS.timeouts!) ?? {};
    const timeouts = {
        readyMinutes: (timeoutsRaw.readyMinutes ?? (availabilityGroup ? 40 : 25)) as number,
        opsRequestMinutes: (timeoutsRaw.opsRequestMinutes ?? 30) as number,
        opsStepTimeout: (timeoutsRaw.opsStepTimeout ?? DEFAULT_STEP_TIMEOUT) as string,
    };
    problems.add("timeouts.readyMinutes", checkInteger(timeouts.readyMinutes, 1, 24 * 60));
    problems.add("timeouts.opsRequestMinutes", checkInteger(timeouts.opsRequestMinutes, 1, 24 * 60));
    problems.add("timeouts.opsStepTimeout", checkStepTimeout(timeouts.opsStepTimeout));

    const kubeconfig = get("kubeconfig");
    if (kubeconfig !== undefined) {
        if (typeof kubeconfig !== "string" || kubeconfig.trim() === "") problems.add("kubeconfig", "must be kubeconfig text or the path of a kubeconfig file");
        // A path is read (and its contents checked the same way) by resolveKubeconfig.
        else if (looksLikeKubeconfigText(kubeconfig)) problems.add("kubeconfig", checkKubeconfigText(kubeconfig));
    }

    problems.throwIfAny();
    return {
        namespace,
        name,
        version,
        edition,
        acceptEula: true,
        replicas,
        availabilityGroup,
        storage: { size: storage.size, ...(storage.storageClass === undefined ? {} : { storageClass: storage.storageClass }), expansionMode },
        deletionPolicy,
        resources,
        mssqlConf: mssqlConf as string | undefined,
        restart,
        autoOps: autoOps === true,
        tls,
        saPassword: saPassword as string | undefined,
        ...(saPasswordSecret ? { saPasswordSecret } : {}),
        rotation,
        connection,
        timeouts,
        kubeconfig: kubeconfig as string | undefined,
    };
}

/** `saPasswordSecret`: `{ name, key }` of a Secret in the database's namespace; absent = not used. */
export function parsePasswordSecretRef(problems: Problems, raw: unknown, key = "saPasswordSecret"): PasswordSecretRef | undefined {
    if (raw === undefined || raw === null) return undefined;
    const ref = checkObject(problems, key, raw, ["name", "key"]);
    if (!ref) return undefined;
    const name = nameText(ref.name);
    const dataKey = nameText(ref.key);
    problems.add(
        `${key}.name`,
        name === undefined ? "is missing; name the Secret (in the database's namespace) that holds the password" : checkDnsSubdomain(name),
    );
    problems.add(
        `${key}.key`,
        dataKey === undefined
            ? "is missing; name the Secret's key that holds the password (e.g. password)"
            : typeof dataKey !== "string" || !DATA_KEY.test(dataKey) || dataKey.length > 253
              ? `${shown(dataKey)} is not a Secret data key; use letters, digits, '-', '_' and '.'`
              : undefined,
    );
    return { name: name as string, key: dataKey as string };
}

/** A KubeDB MSSQLServerVersion name: a cluster-scoped object name (DNS-1123 subdomain). */
export function checkVersion(value: unknown): string | undefined {
    return checkDnsSubdomain(value) === undefined
        ? undefined
        : `${shown(value)} is not a KubeDB MSSQLServerVersion name (e.g. "${DEFAULT_VERSION}"; list them with \`kubectl get mssqlserverversions\`)`;
}

/** mssql.conf is read by SQL Server on Linux, whose parser takes `[section]` headers and `key = value` lines. */
export const MAX_MSSQL_CONF_LENGTH = 65_536;

/** The text of mssql.conf: INI lines SQL Server can read (`# comment`, `[section]`, `key = value` under a section). */
export function checkMssqlConf(value: unknown): string | undefined {
    if (typeof value !== "string" || value.trim() === "") {
        return `must be the text of mssql.conf, e.g. "[memory]\nmemorylimitmb = 4096" (\`pulumi config set mssqlConf -- "$(cat mssql.conf)"\`); remove the key for no custom configuration`;
    }
    if (value.length > MAX_MSSQL_CONF_LENGTH) return `is ${value.length} characters; at most ${MAX_MSSQL_CONF_LENGTH} fit in the database's spec`;
    let section = false;
    const lines = value.split(/\r?\n/);
    for (const [i, raw] of lines.entries()) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
        if (/^\[[A-Za-z0-9_.-]+\]$/.test(line)) {
            section = true;
            continue;
        }
        if (!/^[A-Za-z0-9_.-]+\s*=/.test(line)) return `line ${i + 1} is neither a [section] header nor a "key = value" setting`;
        if (!section) return `line ${i + 1} sets a value before any [section] header (e.g. [memory], [network], [sqlagent])`;
    }
    if (!section) return "has no [section] header; mssql.conf settings live in sections such as [memory] or [sqlagent]";
    return undefined;
}

/** `MSSQL_PID`: an edition name or a product key. */
export function checkEdition(value: unknown): string | undefined {
    if (typeof value === "string" && PRODUCT_KEY.test(value)) return undefined;
    const problem = checkOneOf(value, EDITIONS);
    return problem && `${problem}, or a product key (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX)`;
}

/** System databases: SQL Server never puts them in an availability group. */
const SYSTEM_DATABASES = ["master", "model", "msdb", "tempdb"];
/** Editions without availability groups. */
const EDITIONS_WITHOUT_AG = ["Express", "Web"];

/**
 * An availability group SQL Server can run: database names that are distinct under the default
 * case-insensitive collation and not system databases; an edition that has availability groups
 * (Standard only basic ones: 2 replicas, 1 database, no readable secondaries). A product key's
 * edition cannot be told from the key, so it is not checked. `keys` name the keys in messages.
 */
export function checkAvailabilityGroup(
    problems: Problems,
    keys: { group: string; replicas: string; edition: string },
    ag: { databases: unknown; secondaryAccessMode?: unknown },
    edition: unknown,
    replicas: unknown,
): void {
    const databases = ag.databases;
    if (Array.isArray(databases)) {
        databases.forEach((db, i) =>
            problems.add(
                `${keys.group}.databases[${i}]`,
                checkSqlIdentifier(db) ??
                    (SYSTEM_DATABASES.includes((db as string).toLowerCase())
                        ? `${shown(db)} is a system database, which cannot join an availability group; name your own databases (not ${SYSTEM_DATABASES.join(", ")})`
                        : undefined),
            ),
        );
        const seen = new Map<string, unknown>();
        for (const db of databases) {
            if (typeof db !== "string") continue;
            const first = seen.get(db.toLowerCase());
            if (first === undefined) seen.set(db.toLowerCase(), db);
            else
                problems.add(
                    `${keys.group}.databases`,
                    first === db
                        ? `lists ${shown(db)} twice`
                        : `lists ${shown(first)} and ${shown(db)}, which SQL Server's default case-insensitive collation treats as one database`,
                );
        }
    }
    if (typeof edition !== "string") return;
    if (EDITIONS_WITHOUT_AG.includes(edition)) {
        problems.add(
            keys.edition,
            `${shown(edition)} has no availability groups; use "Developer", "Evaluation", "Enterprise", "EnterpriseCore" or "Standard" (basic availability groups), or remove "${keys.group}" for a Standalone server`,
        );
    } else if (edition === "Standard") {
        const basic =
            'the Standard edition has only basic availability groups: at most 2 replicas, 1 database and Passive secondaries; use "Enterprise" (or "Developer"/"Evaluation") for more';
        if (typeof replicas === "number" && replicas > 2) problems.add(keys.replicas, `is ${replicas}, but ${basic}`);
        if (Array.isArray(databases) && databases.length > 1) problems.add(`${keys.group}.databases`, `lists ${databases.length} databases, but ${basic}`);
        const mode = ag.secondaryAccessMode ?? "Passive";
        if (mode !== "Passive") problems.add(`${keys.group}.secondaryAccessMode`, `is ${shown(mode)}, but ${basic}`);
    }
}

function parseTls(problems: Problems, raw: Record<string, unknown>, isAvailabilityGroup: boolean): TlsSettings {
    let issuer: TlsSettings["issuer"];
    if (raw.issuer !== undefined) {
        const i = checkObject(problems, "tls.issuer", raw.issuer, ["kind", "name"]);
        if (i) {
            issuer = { kind: (i.kind ?? "Issuer") as IssuerKind, name: nameText(i.name) as string };
            problems.add("tls.issuer.kind", checkOneOf(issuer.kind, ISSUER_KINDS));
            problems.add(
                "tls.issuer.name",
                i.name === undefined || i.name === ""
                    ? 'is empty; name the existing cert-manager issuer, or remove "tls.issuer" to let the program bootstrap a CA'
                    : checkDnsSubdomain(issuer.name),
            );
        }
    }
    const clientTLS = raw.clientTLS ?? true;
    problems.add("tls.clientTLS", checkBoolean(clientTLS));

    const certificates = raw.certificates === undefined ? {} : parseCertificateAliases(problems, "tls.certificates", raw.certificates, isAvailabilityGroup);

    const caRaw =
        raw.ca === undefined
            ? {}
            : (checkObject(problems, "tls.ca", raw.ca, ["kind", "duration", "renewBefore", "algorithm", "clusterResourceNamespace"]) ?? {});
    const ca: CaSettings = {
        kind: (caRaw.kind ?? "Issuer") as IssuerKind,
        duration: (caRaw.duration ?? CA_DEFAULTS.duration) as string,
        renewBefore: (caRaw.renewBefore ?? CA_DEFAULTS.renewBefore) as string,
        algorithm: (caRaw.algorithm ?? "ECDSA") as PrivateKeyAlgorithm,
        clusterResourceNamespace: nameText(caRaw.clusterResourceNamespace ?? "cert-manager") as string,
    };
    problems.add("tls.ca.kind", checkOneOf(ca.kind, ISSUER_KINDS));
    problems.add("tls.ca.algorithm", checkOneOf(ca.algorithm, PRIVATE_KEY_ALGORITHMS));
    problems.add("tls.ca.clusterResourceNamespace", checkDnsLabel(ca.clusterResourceNamespace));
    checkCertificateDurations(problems, "tls.ca", caRaw.duration, caRaw.renewBefore, CA_DURATION_DEFAULTS);
    // clusterResourceNamespace also tells where an existing ClusterIssuer keeps its CA.
    if (issuer && Object.keys(caRaw).some((k) => k !== "clusterResourceNamespace")) {
        problems.add(
            "tls.ca",
            'configures the bootstrapped CA, but "tls.issuer" names an existing issuer; remove one of the two (only tls.ca.clusterResourceNamespace applies to an existing ClusterIssuer)',
        );
    }

    const privateKeyRotationPolicy = raw.privateKeyRotationPolicy as PrivateKeyRotationPolicy | undefined;
    if (privateKeyRotationPolicy !== undefined) {
        problems.add(
            "tls.privateKeyRotationPolicy",
            checkOneOf(privateKeyRotationPolicy, PRIVATE_KEY_ROTATION_POLICIES) ??
                (issuer
                    ? `applies only to the CA this program bootstraps (KubeDB's certificates have no such setting), but "tls.issuer" names an existing issuer; remove "tls.privateKeyRotationPolicy"`
                    : undefined),
        );
    }

    const rotationRaw = raw.rotation === undefined ? {} : (checkObject(problems, "tls.rotation", raw.rotation, ["generation"]) ?? {});
    const rotation = { generation: (rotationRaw.generation ?? 0) as number };
    problems.add("tls.rotation.generation", checkGeneration(rotation.generation));

    return {
        issuer,
        clientTLS: clientTLS === true,
        certificates,
        ca,
        privateKeyRotationPolicy: issuer ? undefined : privateKeyRotationPolicy,
        rotation,
    };
}

/** The bootstrapped CA's lifetime and renewal when the config does not say. */
export const CA_DEFAULTS = { duration: "87600h", renewBefore: "720h" } as const;
const CA_DURATION_DEFAULTS = {
    duration: CA_DEFAULTS.duration,
    durationBy: "the CA's default",
    renewBefore: CA_DEFAULTS.renewBefore,
    renewBeforeBy: "the CA's default",
};

const CERTIFICATE_FIELDS = ["dnsNames", "ipAddresses", "duration", "renewBefore", "subject"];

/**
 * Per-alias certificate settings (`server`, `client`, `endpoint` — the last only for an
 * availability group), checked as cert-manager takes them. Used for the stack config and for the
 * components' `certificates` args; `key` names them in messages.
 */
export function parseCertificateAliases(problems: Problems, key: string, raw: unknown, isAvailabilityGroup: boolean): CertificateAliasSettings {
    const certificates: CertificateAliasSettings = {};
    const byAlias = checkObject(problems, key, raw, ["server", "client", "endpoint"]) ?? {};
    for (const [alias, settings] of Object.entries(byAlias)) {
        if (!["server", "client", "endpoint"].includes(alias)) continue;
        if (alias === "endpoint" && !isAvailabilityGroup) {
            problems.add(`${key}.endpoint`, "applies only to an availability group (the endpoint certificate secures replica traffic)");
        }
        const parsed = parseCertificateSettings(problems, `${key}.${alias}`, settings);
        if (parsed) certificates[alias as keyof CertificateAliasSettings] = parsed;
    }
    return certificates;
}

function parseCertificateSettings(problems: Problems, key: string, raw: unknown): CertificateSettings | undefined {
    const s = checkObject(problems, key, raw, CERTIFICATE_FIELDS);
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
    // KubeDB passes both to cert-manager; an absent one is cert-manager's default (2160h; a third of the duration).
    checkCertificateDurations(problems, key, s.duration, s.renewBefore);
    if (s.subject !== undefined) {
        const subject = checkObject(problems, `${key}.subject`, s.subject, ["organizations", "organizationalUnits"]);
        if (subject) {
            settings.subject = {};
            for (const field of ["organizations", "organizationalUnits"] as const) {
                const v = subject[field];
                if (v === undefined) continue;
                if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x === ""))
                    problems.add(`${key}.subject.${field}`, `must be a list of non-empty strings, got ${shown(v)}`);
                else settings.subject[field] = v as string[];
            }
        }
    }
    return settings;
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
