/**
 * Pure builders for every Kubernetes object the project emits. They take plain, validated values
 * and return typed objects (see ./api); the components only add Pulumi wiring around them, and the
 * tests check these exact objects against the upstream CRDs and KubeDB's webhook rules.
 */
import {
    CERT_MANAGER_GROUP,
    CertificateAlias,
    DayTwoSections,
    MSSQL_CONF,
    OpsRequestType,
    CertificateSpec as KubeDbCertificateSpec,
    DeletionPolicy,
    IssuerKind,
    KUBEDB_API_VERSION,
    KUBEDB_OPS_API_VERSION,
    MSSQLServer,
    MSSQLServerOpsRequest,
    ReconfigureTLSAction,
    ResourceRequirements,
    SecondaryAccessMode,
    TypedLocalObjectReference,
} from "./api/kubedb";
import { CERT_MANAGER_API_VERSION, Certificate, Issuer, IssuerSpec, PrivateKeyAlgorithm, PrivateKeyRotationPolicy } from "./api/certManager";
import { BasicAuthSecret } from "./api/meta";
import { CertificateAliasSettings } from "./config";
import { labelsFor } from "./names";

export const SQL_SERVER_PORT = 1433;
export const SA_USERNAME = "sa";

// ------------------------------------------------------------------------------------ MSSQLServer

export interface MssqlServerManifestArgs {
    name: string;
    namespace: string;
    version: string;
    edition: string;
    replicas: number;
    availabilityGroup?: { databases: string[]; secondaryAccessMode: SecondaryAccessMode };
    storage: { size: string; storageClass?: string };
    deletionPolicy: DeletionPolicy;
    resources?: ResourceRequirements;
    authSecretName: string;
    issuer: { kind: IssuerKind; name: string };
    clientTLS: boolean;
    certificates?: CertificateAliasSettings;
    /** Content of mssql.conf, set at creation (later changes go through Reconfigure requests). */
    mssqlConf?: string;
    /** Whether KubeDB's recommendation engine may create requests on its own. */
    autoOps: boolean;
}

export function mssqlServerManifest(a: MssqlServerManifestArgs): MSSQLServer {
    const container = {
        name: "mssql" as const,
        // KubeDB requires MSSQL_PID and refuses MSSQL_SA_PASSWORD & co.: the password comes from authSecret.
        env: [
            { name: "ACCEPT_EULA", value: "Y" },
            { name: "MSSQL_PID", value: a.edition },
        ],
        ...(a.resources ? { resources: a.resources } : {}),
    };
    const certificates = kubeDbCertificates(a.certificates);
    return {
        apiVersion: KUBEDB_API_VERSION,
        kind: "MSSQLServer",
        metadata: { name: a.name, namespace: a.namespace },
        spec: {
            version: a.version,
            replicas: a.replicas,
            // Standalone is expressed by leaving topology out: KubeDB rejects an empty topology.
            ...(a.availabilityGroup
                ? {
                      topology: {
                          mode: "AvailabilityGroup" as const,
                          availabilityGroup: {
                              databases: a.availabilityGroup.databases,
                              secondaryAccessMode: a.availabilityGroup.secondaryAccessMode,
                          },
                      },
                  }
                : {}),
            authSecret: { kind: "Secret", name: a.authSecretName },
            tls: {
                issuerRef: issuerRef(a.issuer),
                ...(certificates.length > 0 ? { certificates } : {}),
                clientTLS: a.clientTLS,
            },
            storageType: "Durable",
            storage: {
                accessModes: ["ReadWriteOnce"],
                ...(a.storage.storageClass ? { storageClassName: a.storage.storageClass } : {}),
                resources: { requests: { storage: a.storage.size } },
            },
            podTemplate: { spec: { containers: [container] } },
            ...(a.mssqlConf ? { configuration: { inline: { [MSSQL_CONF]: a.mssqlConf } } } : {}),
            // The stack owns the database's lifecycle: no request KubeDB thinks up by itself, unless asked.
            autoOps: { disabled: !a.autoOps },
            deletionPolicy: a.deletionPolicy,
        },
    };
}

/** KubeDB spells the issuer's group `apiGroup`. */
export function issuerRef(issuer: { kind: IssuerKind; name: string }): TypedLocalObjectReference {
    return { apiGroup: CERT_MANAGER_GROUP, kind: issuer.kind, name: issuer.name };
}

/** Per-alias certificate settings in KubeDB's shape, in a fixed alias order (so equal config gives equal objects). */
export function kubeDbCertificates(settings: CertificateAliasSettings | undefined): KubeDbCertificateSpec[] {
    const aliases: CertificateAlias[] = ["server", "client", "endpoint"];
    return aliases
        .filter((alias) => settings?.[alias] !== undefined)
        .map((alias) => {
            const s = settings![alias]!;
            const spec: KubeDbCertificateSpec = { alias };
            if (s.dnsNames?.length) spec.dnsNames = [...s.dnsNames];
            if (s.ipAddresses?.length) spec.ipAddresses = [...s.ipAddresses];
            if (s.duration) spec.duration = s.duration;
            if (s.renewBefore) spec.renewBefore = s.renewBefore;
            if (s.subject && Object.keys(s.subject).length > 0) spec.subject = { ...s.subject };
            return spec;
        });
}

// ----------------------------------------------------------------------------------- cert-manager

/** `namespace` is the database's; a ClusterIssuer, being cluster-scoped, leaves it out. */
export function selfSignedIssuerManifest(kind: IssuerKind, name: string, namespace: string): Issuer {
    return issuerManifest(kind, name, namespace, { selfSigned: {} });
}

export function caIssuerManifest(kind: IssuerKind, name: string, namespace: string, caSecretName: string): Issuer {
    return issuerManifest(kind, name, namespace, { ca: { secretName: caSecretName } });
}

function issuerManifest(kind: IssuerKind, name: string, namespace: string, spec: IssuerSpec): Issuer {
    return {
        apiVersion: CERT_MANAGER_API_VERSION,
        kind,
        // A ClusterIssuer is cluster-scoped: a namespace on it would be an error.
        metadata: kind === "ClusterIssuer" ? { name } : { name, namespace },
        spec,
    };
}

/** A cert-manager Certificate; also the args of the Certificate component (besides its timeoutMinutes). */
export interface CertificateManifestArgs {
    /** Name of the Certificate. Required. */
    name: string;
    /** Namespace of the Certificate and its Secret. Required. */
    namespace: string;
    /** The Secret cert-manager writes `tls.crt`, `tls.key` and `ca.crt` to. Required. */
    secretName: string;
    /** The issuer that signs it. Required. */
    issuer: { kind: IssuerKind; name: string };
    /** Common name, at most 64 characters. Default: none (then dnsNames are required). */
    commonName?: string;
    /** DNS names. Default: none (then commonName is required). */
    dnsNames?: string[];
    /** A CA certificate. Default: false. */
    isCA?: boolean;
    /** Lifetime, a Go duration of at least 1h. Default: cert-manager's (2160h). */
    duration?: string;
    /** Renew this long before expiry: at least 5m, shorter than the lifetime. Default: cert-manager's (a third of the lifetime). */
    renewBefore?: string;
    /** Key algorithm: ECDSA (P-256), RSA (3072 bits) or Ed25519. Default: "ECDSA". */
    algorithm?: PrivateKeyAlgorithm;
    /** Private key rotation policy. Default: cert-manager's (Always since v1.18). */
    rotationPolicy?: PrivateKeyRotationPolicy;
    /** Key usages, cert-manager's names. Default: cert-manager's ("digital signature", "key encipherment"). */
    usages?: string[];
    /** Labels of the Certificate and its Secret. Default: none. */
    labels?: Record<string, string>;
}

const KEY_SIZE: Record<PrivateKeyAlgorithm, number | undefined> = { RSA: 3072, ECDSA: 256, Ed25519: undefined };

export function certificateManifest(a: CertificateManifestArgs): Certificate {
    const algorithm = a.algorithm ?? "ECDSA";
    const size = KEY_SIZE[algorithm];
    return {
        apiVersion: CERT_MANAGER_API_VERSION,
        kind: "Certificate",
        metadata: { name: a.name, namespace: a.namespace, ...(a.labels ? { labels: a.labels } : {}) },
        spec: {
            secretName: a.secretName,
            issuerRef: { group: CERT_MANAGER_GROUP, kind: a.issuer.kind, name: a.issuer.name },
            ...(a.commonName ? { commonName: a.commonName } : {}),
            ...(a.dnsNames?.length ? { dnsNames: a.dnsNames } : {}),
            ...(a.isCA ? { isCA: true } : {}),
            ...(a.duration ? { duration: a.duration } : {}),
            ...(a.renewBefore ? { renewBefore: a.renewBefore } : {}),
            privateKey: {
                algorithm,
                ...(size ? { size } : {}),
                ...(a.rotationPolicy ? { rotationPolicy: a.rotationPolicy } : {}),
            },
            ...(a.usages?.length ? { usages: a.usages } : {}),
            ...(a.labels ? { secretTemplate: { labels: a.labels } } : {}),
        },
    };
}

// ---------------------------------------------------------------------------------------- Secrets

/** A credential Secret; name and password may be Pulumi outputs (`N`, `P`), everything else is plain. */
export function credentialSecretManifest<P, N = string>(a: {
    name: N;
    namespace: string;
    database: string;
    password: P;
    annotations?: Record<string, string>;
}): Omit<BasicAuthSecret, "stringData" | "metadata"> & {
    metadata: Omit<BasicAuthSecret["metadata"], "name"> & { name: N };
    stringData: { username: string; password: P };
} {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
            name: a.name,
            namespace: a.namespace,
            labels: labelsFor(a.database, "credential"),
            ...(a.annotations ? { annotations: a.annotations } : {}),
        },
        type: "kubernetes.io/basic-auth",
        stringData: { username: SA_USERNAME, password: a.password },
    };
}

export interface ConnectionDetailsArgs {
    database: string;
    namespace: string;
    password: string;
    clientTLS: boolean;
    /** PEM bundle of the CA(s) that sign the server certificate; empty when not (yet) known. */
    caBundle: string;
}

/** What an application needs to connect: the keys of the `<db>-connection` Secret. */
export function connectionDetails(a: ConnectionDetailsArgs): Record<string, string> {
    const host = `${a.database}.${a.namespace}.svc`;
    const encrypt = a.clientTLS ? "Encrypt=True;TrustServerCertificate=False" : "Encrypt=False";
    return {
        host,
        port: String(SQL_SERVER_PORT),
        username: SA_USERNAME,
        password: a.password,
        "connection-string": `Server=tcp:${host},${SQL_SERVER_PORT};Database=master;User ID=${SA_USERNAME};Password=${a.password};${encrypt};`,
        "jdbc-url": `jdbc:sqlserver://${host}:${SQL_SERVER_PORT};databaseName=master;user=${SA_USERNAME};password={${a.password}};encrypt=${a.clientTLS};trustServerCertificate=false`,
        // The CA itself, not a reference: the Secrets it lives in also hold private keys.
        "ca.crt": a.caBundle,
    };
}

// ----------------------------------------------------------------------------------- Ops requests

export interface OpsRequestBase {
    name: string;
    namespace: string;
    database: string;
    /** Per-step timeout, a Go duration. */
    stepTimeout: string;
}

export function rotateAuthRequestManifest(a: OpsRequestBase & { secretName: string }): MSSQLServerOpsRequest {
    return opsRequestManifest(a, {
        type: "RotateAuth",
        authentication: { secretRef: { kind: "Secret", name: a.secretName } },
    });
}

/** Throws unless the action carries exactly one of KubeDB's ReconfigureTLS actions. */
export function reconfigureTlsRequestManifest(a: OpsRequestBase & { action: ReconfigureTLSAction }): MSSQLServerOpsRequest {
    const action = a.action as Record<string, unknown>;
    const kinds = [
        action.rotateCertificates === true,
        action.remove === true,
        action.issuerRef !== undefined || (Array.isArray(action.certificates) && action.certificates.length > 0),
    ].filter(Boolean).length;
    const unknown = Object.keys(action).filter((k) => !["rotateCertificates", "remove", "issuerRef", "certificates", "clientTLS"].includes(k));
    const clientTlsWithoutCarrier = action.clientTLS !== undefined && action.issuerRef === undefined && action.certificates === undefined;
    if (kinds !== 1 || unknown.length > 0 || clientTlsWithoutCarrier) {
        throw new Error(
            `ReconfigureTLS request "${a.name}" must carry exactly one action (rotateCertificates, remove, or issuerRef/certificates); got ${JSON.stringify(Object.keys(action))}`,
        );
    }
    return opsRequestManifest(a, { type: "ReconfigureTLS", tls: a.action });
}

/** A day-2 request: its type and its own section (dayTwoPlan.ts decides both). */
export function dayTwoRequestManifest(a: OpsRequestBase & { type: OpsRequestType; section: DayTwoSections }): MSSQLServerOpsRequest {
    return opsRequestManifest(a, { type: a.type, ...a.section });
}

function opsRequestManifest(a: OpsRequestBase, body: Omit<MSSQLServerOpsRequest["spec"], "databaseRef" | "timeout" | "apply">): MSSQLServerOpsRequest {
    return {
        apiVersion: KUBEDB_OPS_API_VERSION,
        kind: "MSSQLServerOpsRequest",
        metadata: { name: a.name, namespace: a.namespace, labels: labelsFor(a.database, "ops-request") },
        spec: {
            ...body,
            databaseRef: { name: a.database },
            timeout: a.stepTimeout,
            apply: "IfReady",
        },
    };
}
