/**
 * Every Kubernetes object name and label this project uses, in one place. Names of one-shot
 * objects get a suffix of their own, so each version gets its own object: credential Secrets (and
 * the RotateAuth request for each) a random suffix drawn again whenever the credential changes
 * (SaCredential), ReconfigureTLS requests a fingerprint of the change. Re-running with the same
 * config keeps the same names.
 */
import { createHmac } from "crypto";

export const MANAGED_BY = "kubedb-mssql";
export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
export const LABEL_DATABASE = "kubedb-mssql.io/database";
export const LABEL_ROLE = "kubedb-mssql.io/role";
export const ANNOTATION_GENERATION = "kubedb-mssql.io/rotation-generation";
export const ANNOTATION_PERIOD = "kubedb-mssql.io/rotation-period-start";
/**
 * On a credential Secret: when this project last read the database referencing it (RFC 3339). After
 * `pulumi destroy` keeps several credential Secrets, the latest one is the password the data knows.
 */
export const ANNOTATION_REFERENCED_AT = "kubedb-mssql.io/referenced-at";

export type ObjectRole = "credential" | "connection" | "ca" | "ops-request";

/** Labels on every object we create for a database: lets us find (and only ever delete) our own. */
export function labelsFor(database: string, role: ObjectRole): Record<string, string> {
    return { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_DATABASE]: database, [LABEL_ROLE]: role };
}

/** Whether an object carries this project's labels for the database and role (one of ours). */
export function isOwn(object: { metadata?: { labels?: Record<string, string> } } | undefined, database: string, role: ObjectRole): boolean {
    return Object.entries(labelsFor(database, role)).every(([k, v]) => object?.metadata?.labels?.[k] === v);
}

/** The label selector of this project's objects of one role for a database. */
export function selectorFor(database: string, role: ObjectRole): string {
    return Object.entries(labelsFor(database, role))
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
}

export const names = {
    /** Issuer that signs only the bootstrapped CA certificate. */
    selfSignedIssuer: (db: string) => `${db}-selfsigned`,
    caCertificate: (db: string) => `${db}-ca`,
    caSecret: (db: string) => `${db}-ca`,
    caIssuer: (db: string) => `${db}-ca`,
    /** ClusterIssuers and their secret are cluster-wide: the namespace keeps two stacks apart. */
    clusterCaIssuer: (namespace: string, db: string) => `${namespace}-${db}-ca`,
    /** KubeDB's default secret name per certificate alias. */
    certificateSecret: (db: string, alias: string) => `${db}-${alias}-cert`,
    credentialSecret: (db: string, fingerprint: string) => `${db}-auth-${fingerprint}`,
    connectionSecret: (db: string) => `${db}-connection`,
    primaryService: (db: string) => db,
    secondaryService: (db: string) => `${db}-secondary`,
    /**
     * An ops request: `word` says what it does (its type's word in ops/requestTypes.ts). With a
     * 40-character database name it is a DNS label; a retry suffix trims the fingerprint (retryRequestName).
     */
    opsRequest: (db: string, word: string, fingerprint: string) => `${db}-${word}-${fingerprint}`,
};

/** The name of the n-th retry of a request (n ≥ 2); the first attempt keeps the base name. */
export function retryRequestName(base: string, attempt: number): string {
    if (attempt <= 1) return base;
    const suffix = `-r${attempt}`;
    // Stay a DNS label: trim the end of the fingerprint rather than overflow 63 characters.
    return base.slice(0, 63 - suffix.length) + suffix;
}

/**
 * A short, stable tag for a credential version. Keyed with a per-database secret key so that the
 * tag says nothing about the password it was computed from (a plain hash of a weak password could
 * be reversed by guessing); the tag itself is not secret.
 */
export function credentialFingerprint(key: string, parts: { generation: number; period: string; password: string }): string {
    return createHmac("sha256", key).update(`credential/v1\0${parts.generation}\0${parts.period}\0${parts.password}`).digest("hex").slice(0, 10);
}

/** A stable tag for any non-secret value (e.g. a desired TLS configuration). */
export function valueFingerprint(value: unknown): string {
    return createHmac("sha256", "kubedb-mssql/v1").update(stableJson(value)).digest("hex").slice(0, 10);
}

/** JSON with sorted keys, so equal values always give equal text. */
export function stableJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
    if (value && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
        entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
    }
    return JSON.stringify(value);
}
