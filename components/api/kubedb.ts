/**
 * KubeDB object shapes for SQL Server, one block per kind, after KubeDB's own
 * types-per-kind split (kubedb.dev/apimachinery apis/kubedb/v1alpha2 and apis/ops/v1alpha1).
 * Only the fields this project emits or reads are declared; every name and enum here matches
 * the upstream CRDs (kubedb.com_mssqlservers, ops.kubedb.com_mssqlserveropsrequests).
 */
import { Condition, ObjectMeta } from "./meta";

export const KUBEDB_API_VERSION = "kubedb.com/v1alpha2";
export const KUBEDB_OPS_API_VERSION = "ops.kubedb.com/v1alpha1";
export const CERT_MANAGER_GROUP = "cert-manager.io";

// ---------------------------------------------------------------- MSSQLServer (kubedb.com/v1alpha2)

export const DELETION_POLICIES = ["Halt", "Delete", "WipeOut", "DoNotTerminate"] as const;
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];

export const SECONDARY_ACCESS_MODES = ["Passive", "ReadOnly", "All"] as const;
export type SecondaryAccessMode = (typeof SECONDARY_ACCESS_MODES)[number];

export const ISSUER_KINDS = ["Issuer", "ClusterIssuer"] as const;
export type IssuerKind = (typeof ISSUER_KINDS)[number];

/** Certificate aliases KubeDB issues for SQL Server; `endpoint` exists only for availability groups. */
export const CERTIFICATE_ALIASES = ["server", "client", "endpoint"] as const;
export type CertificateAlias = (typeof CERTIFICATE_ALIASES)[number];

/** KubeDB spells the issuer's group `apiGroup` (cert-manager's own Certificate says `group`). */
export interface TypedLocalObjectReference {
    apiGroup: string;
    kind: IssuerKind;
    name: string;
}

export interface CertificateSubject {
    organizations?: string[];
    organizationalUnits?: string[];
    countries?: string[];
    localities?: string[];
    provinces?: string[];
}

export interface CertificateSpec {
    alias: CertificateAlias;
    secretName?: string;
    dnsNames?: string[];
    ipAddresses?: string[];
    duration?: string;
    renewBefore?: string;
    subject?: CertificateSubject;
}

export interface MSSQLServerTLSConfig {
    issuerRef: TypedLocalObjectReference;
    certificates?: CertificateSpec[];
    clientTLS: boolean;
}

export interface SecretReference {
    kind: "Secret";
    name: string;
    externallyManaged?: boolean;
}

export interface AvailabilityGroupSpec {
    databases: string[];
    secondaryAccessMode?: SecondaryAccessMode;
}

export interface MSSQLServerTopology {
    mode: "AvailabilityGroup";
    availabilityGroup: AvailabilityGroupSpec;
}

export interface EnvVar {
    name: string;
    value: string;
}

export interface ResourceRequirements {
    requests?: Record<string, string>;
    limits?: Record<string, string>;
}

export interface MSSQLServerContainer {
    name: "mssql";
    env: EnvVar[];
    resources?: ResourceRequirements;
}

export interface PersistentVolumeClaimSpec {
    accessModes: string[];
    storageClassName?: string;
    resources: { requests: { storage: string } };
}

/** The key KubeDB reads SQL Server's configuration file from (inline or in a Secret). */
export const MSSQL_CONF = "mssql.conf";

export interface MSSQLServerSpec {
    version: string;
    replicas: number;
    topology?: MSSQLServerTopology;
    authSecret: SecretReference;
    tls: MSSQLServerTLSConfig;
    storageType: "Durable";
    storage: PersistentVolumeClaimSpec;
    podTemplate: { spec: { containers: MSSQLServerContainer[] } };
    /** Custom configuration; this project writes only `inline["mssql.conf"]`, at creation. */
    configuration?: { inline?: { [MSSQL_CONF]?: string }; secretName?: string };
    /** `disabled: true` keeps KubeDB's recommendation engine from creating requests on its own. */
    autoOps?: { disabled?: boolean };
    deletionPolicy: DeletionPolicy;
}

export const MSSQL_SERVER_PHASES = ["Provisioning", "DataRestoring", "Ready", "Critical", "NotReady", "Halted", "Unknown"] as const;

export interface MSSQLServer {
    apiVersion: typeof KUBEDB_API_VERSION;
    kind: "MSSQLServer";
    metadata: ObjectMeta;
    spec: MSSQLServerSpec;
    status?: { phase?: string; conditions?: Condition[] };
}

// ---------------------------------------------------- MSSQLServerOpsRequest (ops.kubedb.com/v1alpha1)

export const OPS_REQUEST_TYPES = [
    "UpdateVersion",
    "HorizontalScaling",
    "VerticalScaling",
    "VolumeExpansion",
    "Restart",
    "Reconfigure",
    "ReconfigureTLS",
    "RotateAuth",
    "StorageMigration",
] as const;
export type OpsRequestType = (typeof OPS_REQUEST_TYPES)[number];

export const OPS_REQUEST_PHASES = ["Pending", "Progressing", "Successful", "WaitingForApproval", "Failed", "Approved", "Denied", "Skipped"] as const;
export type OpsRequestPhase = (typeof OPS_REQUEST_PHASES)[number];
/** Phases after which KubeDB does no more work on a request, other than `Successful`. */
export const TERMINAL_FAILURE_PHASES: readonly string[] = ["Failed", "Denied", "Skipped"];
/** Every phase after which KubeDB does no more work on a request. */
export const FINISHED_PHASES: readonly string[] = ["Successful", ...TERMINAL_FAILURE_PHASES];

/**
 * Exactly one of these per ReconfigureTLS request: KubeDB's webhook rejects a request that carries
 * more than one action (and `clientTLS` on its own).
 */
export type ReconfigureTLSAction =
    | { rotateCertificates: true }
    | { remove: true }
    /** `clientTLS` may ride along with an issuer or certificates change, never on its own. */
    | { issuerRef?: TypedLocalObjectReference; certificates?: CertificateSpec[]; clientTLS?: boolean };

export const VOLUME_EXPANSION_MODES = ["Online", "Offline"] as const;
export type VolumeExpansionMode = (typeof VOLUME_EXPANSION_MODES)[number];

/** One section per day-2 request type (KubeDB's webhook wants the section of the request's type, and no other). */
export interface DayTwoSections {
    updateVersion?: { targetVersion: string };
    horizontalScaling?: { replicas: number };
    verticalScaling?: { mssqlserver: { resources: ResourceRequirements } };
    /** `mode` is required by the CRD (the docs' "default Online" is not). */
    volumeExpansion?: { mode: VolumeExpansionMode; mssqlserver: string };
    configuration?: { applyConfig?: { [MSSQL_CONF]: string }; removeCustomConfig?: boolean; restart?: "auto" | "true" | "false" };
    /** Needs `spec.timeout`. `oldPVReclaimPolicy: Retain` keeps the old volumes (and their data). */
    migration?: { storageClassName: string; oldPVReclaimPolicy?: "Retain" | "Delete" };
    restart?: Record<string, never>;
}

export interface MSSQLServerOpsRequestSpec extends DayTwoSections {
    type: OpsRequestType;
    databaseRef: { name: string };
    /** Per-step timeout, a Go duration such as `10m`. */
    timeout?: string;
    apply?: "IfReady" | "Always";
    maxRetries?: number;
    authentication?: { secretRef: { kind: "Secret"; name: string } };
    tls?: ReconfigureTLSAction;
}

export interface MSSQLServerOpsRequest {
    apiVersion: typeof KUBEDB_OPS_API_VERSION;
    kind: "MSSQLServerOpsRequest";
    metadata: ObjectMeta;
    spec: MSSQLServerOpsRequestSpec;
    status?: { phase?: OpsRequestPhase; observedGeneration?: number; conditions?: Condition[] };
}

// ------------------------------------------------- MSSQLServerVersion (catalog.kubedb.com/v1alpha1)

/** A catalog entry (cluster-scoped): what `spec.version` of a database names, and where it may go. */
export interface MSSQLServerVersion {
    apiVersion: "catalog.kubedb.com/v1alpha1";
    kind: "MSSQLServerVersion";
    metadata: ObjectMeta;
    spec: {
        /** The version the constraints are evaluated against, e.g. "2022-cu16". */
        version: string;
        deprecated?: boolean;
        /** Semver ranges over candidates' `spec.version`: an empty allowlist admits all but the denylist. */
        updateConstraints?: { allowlist?: string[]; denylist?: string[] };
    };
}
