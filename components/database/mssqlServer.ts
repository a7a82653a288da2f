/**
 * MssqlServer — a KubeDB `MSSQLServer`, Standalone or AvailabilityGroup, with TLS from a
 * cert-manager issuer. `pulumi up` waits until KubeDB reports `status.phase: Ready`.
 *
 * After creation KubeDB's ops requests own every part of the spec they change (REQUEST_OWNED_FIELDS:
 * the credential, TLS, version, replicas, storage, resources, configuration). The program sets
 * them at creation only (ignoreChanges, so server-side apply leaves them to the operator); later
 * changes go through requests (CredentialRotation, TlsLifecycle, DayTwoChanges). What changes no
 * request can make (name, namespace, topology, edition) is refused first by ChangeGuard.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DELETION_POLICIES, DeletionPolicy, ISSUER_KINDS, IssuerKind, ResourceRequirements, SECONDARY_ACCESS_MODES, SecondaryAccessMode } from "../api/kubedb";
import {
    CertificateAliasSettings,
    MAX_AG_REPLICAS,
    MAX_DATABASE_NAME_LENGTH,
    checkAvailabilityGroup,
    checkEdition,
    checkMssqlConf,
    checkVersion,
    parseCertificateAliases,
} from "./settings";
import { SQL_SERVER_PORT, mssqlServerManifest } from "./manifests";
import { names } from "../core/names";
import { checkBoolean, checkDatabaseName, checkDnsLabel, checkDnsSubdomain, checkInteger, checkOneOf } from "../core/checks";
import { Problems, shown } from "../core/problems";
import { checkResources, checkStorageQuantity, quantityText } from "../core/quantities";
import { waitForPhase } from "../kube/awaitAnnotations";

export interface MssqlServerArgs {
    /** Kubernetes name of the database (DNS-1123 label starting with a letter, ≤ 40 characters). Required. */
    name: string;
    /** Namespace to create it in (must exist). Required. */
    namespace: string;
    /** KubeDB MSSQLServerVersion, e.g. "2022-cu22". Required. */
    version: string;
    /** SQL Server edition (`MSSQL_PID`). Default: "Developer". Cannot change after creation. */
    edition?: string;
    /** Accept the SQL Server EULA. Must be true. */
    acceptEula: boolean;
    /** Number of replicas. Default: 1 (Standalone), 3 (AvailabilityGroup). */
    replicas?: number;
    /** Run an availability group; absent = Standalone. `databases` default: none; `secondaryAccessMode` default: "Passive". */
    availabilityGroup?: { databases?: string[]; secondaryAccessMode?: SecondaryAccessMode };
    /** Data volume per replica. Default: { size: "10Gi" } on the default storage class. */
    storage?: { size: string; storageClass?: string };
    /** What `pulumi destroy` does to the data. Default: "Halt" (keeps PVCs and Secrets). */
    deletionPolicy?: DeletionPolicy;
    /** CPU/memory of the mssql container. Default: KubeDB's defaults. */
    resources?: ResourceRequirements;
    /** Secret with `username: sa` and `password` the database starts with. Required. */
    authSecretName: pulumi.Input<string>;
    /** cert-manager issuer for the server, client (and endpoint) certificates. Required. */
    issuer: { kind: IssuerKind; name: string };
    /** Force encrypted client connections. Default: true. */
    clientTLS?: boolean;
    /** Per-alias certificate settings (extra DNS names, IPs, duration, subject). Default: KubeDB's. */
    certificates?: CertificateAliasSettings;
    /** Minutes to wait for Ready. Default: 25 (Standalone), 40 (AvailabilityGroup). */
    readyTimeoutMinutes?: number;
    /** Content of mssql.conf at creation (afterwards DayTwoChanges reconfigures). Default: none. */
    mssqlConf?: string;
    /** Let KubeDB's recommendation engine create ops requests on its own (`spec.autoOps.disabled: false`). Default: false. */
    autoOps?: boolean;
}

/** Validates the args (all at once, before anything is created) and fills the defaults; the same rules as the stack config. */
export function resolveMssqlServerArgs(args: MssqlServerArgs): Required<
    Omit<MssqlServerArgs, "availabilityGroup" | "resources" | "certificates" | "mssqlConf">
> &
    Pick<MssqlServerArgs, "resources" | "certificates" | "mssqlConf"> & {
        availabilityGroup?: { databases: string[]; secondaryAccessMode: SecondaryAccessMode };
    } {
    const p = new Problems("MssqlServer args");
    p.add("name", checkDatabaseName(args.name, MAX_DATABASE_NAME_LENGTH));
    p.add("namespace", checkDnsLabel(args.namespace));
    p.add("version", checkVersion(args.version));
    const edition = args.edition ?? "Developer";
    p.add("edition", checkEdition(edition));
    if (args.acceptEula !== true) p.add("acceptEula", "must be true: the SQL Server container does not start without accepting the EULA");
    const ag = args.availabilityGroup
        ? {
              databases: args.availabilityGroup.databases ?? [],
              secondaryAccessMode: args.availabilityGroup.secondaryAccessMode ?? ("Passive" as SecondaryAccessMode),
          }
        : undefined;
    const replicas = args.replicas ?? (ag ? 3 : 1);
    if (ag) {
        p.add("replicas", checkInteger(replicas, 1, MAX_AG_REPLICAS));
        if (!Array.isArray(ag.databases)) p.add("availabilityGroup.databases", `must be a list of database names, got ${shown(ag.databases)}`);
        p.add("availabilityGroup.secondaryAccessMode", checkOneOf(ag.secondaryAccessMode, SECONDARY_ACCESS_MODES));
        checkAvailabilityGroup(p, { group: "availabilityGroup", replicas: "replicas", edition: "edition" }, ag, edition, replicas);
    } else if (replicas !== 1) {
        p.add("replicas", `is ${shown(replicas)}, but a Standalone server has exactly 1 replica; pass availabilityGroup for more`);
    }
    const storage = args.storage ?? { size: "10Gi" };
    p.add("storage.size", checkStorageQuantity(storage.size));
    if (storage.storageClass !== undefined) p.add("storage.storageClass", checkDnsSubdomain(storage.storageClass));
    const deletionPolicy = args.deletionPolicy ?? "Halt";
    p.add("deletionPolicy", checkOneOf(deletionPolicy, DELETION_POLICIES));
    const resources = args.resources === undefined ? undefined : checkResources(p, "resources", args.resources.requests, args.resources.limits);
    if (typeof args.authSecretName === "string") p.add("authSecretName", checkDnsSubdomain(args.authSecretName));
    p.add("issuer.kind", checkOneOf(args.issuer?.kind, ISSUER_KINDS));
    p.add("issuer.name", checkDnsSubdomain(args.issuer?.name));
    if (args.clientTLS !== undefined) p.add("clientTLS", checkBoolean(args.clientTLS));
    if (args.certificates !== undefined) parseCertificateAliases(p, "certificates", args.certificates, ag !== undefined);
    const readyTimeoutMinutes = args.readyTimeoutMinutes ?? (ag ? 40 : 25);
    p.add("readyTimeoutMinutes", checkInteger(readyTimeoutMinutes, 1, 24 * 60));
    if (args.mssqlConf !== undefined) p.add("mssqlConf", checkMssqlConf(args.mssqlConf));
    const autoOps = args.autoOps ?? false;
    p.add("autoOps", checkBoolean(autoOps));
    p.throwIfAny();
    return {
        ...args,
        edition,
        replicas,
        availabilityGroup: ag,
        storage: { ...storage, size: quantityText(storage.size)! },
        deletionPolicy,
        ...(resources ? { resources } : {}),
        clientTLS: args.clientTLS ?? true,
        readyTimeoutMinutes,
        autoOps,
    };
}

/**
 * The spec fields KubeDB's ops requests own after creation: the program sets them when it creates
 * the database and never patches them afterwards (server-side apply leaves them to the operator;
 * `pulumi refresh` then `preview` shows no difference on them).
 */
export const REQUEST_OWNED_FIELDS = [
    "spec.authSecret", // RotateAuth
    "spec.tls", // ReconfigureTLS
    "spec.version", // UpdateVersion
    "spec.replicas", // HorizontalScaling
    "spec.storage", // VolumeExpansion, StorageMigration
    "spec.podTemplate", // VerticalScaling (resources); the env (edition) is fixed at creation
    "spec.configuration", // Reconfigure
] as const;

/** Resource options of the MSSQLServer object; a plain function so that tests can check them. */
export function mssqlServerOptions(
    parent: pulumi.Resource,
    readyTimeoutMinutes: number,
    dependsOn?: pulumi.CustomResourceOptions["dependsOn"],
): pulumi.CustomResourceOptions {
    return {
        parent,
        dependsOn,
        // Operator-owned after creation; see REQUEST_OWNED_FIELDS.
        ignoreChanges: [...REQUEST_OWNED_FIELDS],
        customTimeouts: { create: `${readyTimeoutMinutes}m`, update: `${readyTimeoutMinutes}m` },
    };
}

export class MssqlServer extends pulumi.ComponentResource {
    readonly name: string;
    readonly namespace: string;
    /** In-cluster DNS name of the primary's Service. */
    readonly primaryHost: string;
    /** In-cluster DNS name of the read-only secondaries' Service (availability groups only). */
    readonly secondaryHost?: string;
    readonly port: number = SQL_SERVER_PORT;
    /** Secret names of the certificates KubeDB issues, per alias. */
    readonly certificateSecrets: Record<string, string>;
    /** The MSSQLServer object; depend on it to start once the database is Ready. */
    readonly resource: k8s.apiextensions.CustomResource;

    constructor(name: string, args: MssqlServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubedb-mssql:database:MssqlServer", name, {}, opts);
        const a = resolveMssqlServerArgs(args);
        this.name = a.name;
        this.namespace = a.namespace;
        this.primaryHost = `${names.primaryService(a.name)}.${a.namespace}.svc`;
        this.secondaryHost = a.availabilityGroup ? `${names.secondaryService(a.name)}.${a.namespace}.svc` : undefined;
        const aliases = a.availabilityGroup ? ["server", "client", "endpoint"] : ["server", "client"];
        this.certificateSecrets = Object.fromEntries(aliases.map((alias) => [alias, names.certificateSecret(a.name, alias)]));

        // Everything is plain but the auth Secret's name, which is unknown during a preview that
        // rotates the password: an object-valued unknown would break ignoreChanges on its paths.
        const manifest = waitForPhase(mssqlServerManifest({ ...a, authSecretName: "" }), "Ready", a.readyTimeoutMinutes);
        this.resource = new k8s.apiextensions.CustomResource(
            name,
            {
                ...manifest,
                spec: { ...manifest.spec, authSecret: { kind: "Secret", name: a.authSecretName } },
            }, // dependsOn is passed on: a component's dependencies do not hold back its children by themselves.
            mssqlServerOptions(this, a.readyTimeoutMinutes, opts?.dependsOn),
        );

        this.registerOutputs({ name: this.name, namespace: this.namespace, primaryHost: this.primaryHost, secondaryHost: this.secondaryHost, port: this.port });
    }
}
