/**
 * SqlServer — a whole SQL Server database from one resource: the same arguments as the stack
 * config (README "Configuration"), the same resources in the same order, the same outputs. This
 * is what a YAML, Python, Go or .NET program declares, and what the stack program (index.ts)
 * declares too. Reads like the architecture: args → cluster (provider) → guard against changes
 * no request can make → namespace → credential → CA → database → day-2 changes → TLS changes →
 * credential rotation → connection Secret. Every change after creation is a KubeDB ops request,
 * one at a time, in that order.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DeletionPolicy, IssuerKind, SecondaryAccessMode, VolumeExpansionMode } from "../api/kubedb";
import { PrivateKeyAlgorithm, PrivateKeyRotationPolicy } from "../api/certManager";
import { CaIssuer } from "../tls/caIssuer";
import { ChangeGuard } from "./changeGuard";
import { KubernetesCluster, kubernetesCluster } from "../kube/cluster";
import { CertificateAliasSettings, DatabaseSettings, SECRET_NOT_YET_KNOWN, parseDatabaseSettings } from "./settings";
import { ConnectionSecret } from "../credential/connectionSecret";
import { ConnectionSettings, DEFAULT_SECRET_KEYS } from "../credential/connectionShape";
import { PasswordReferenceInputs } from "../credential/passwordReference";
import { PackageResource } from "../packageResources";
import { SaCredential } from "../credential/saCredential";
import { CredentialRotation } from "../credential/credentialRotation";
import { DayTwoChanges } from "./dayTwoChanges";
import { MssqlServer } from "./mssqlServer";
import { currentPeriod } from "../credential/schedule";
import { TlsLifecycle } from "../tls/tlsLifecycle";
import { checkSaPassword } from "../core/checks";
import { Problems } from "../core/problems";

/** The SqlServer's arguments: the stack config's keys, with the same defaults (README "Configuration"). */
export interface SqlServerArgs {
    /** Accept the SQL Server EULA. Required; must be true. */
    acceptEula: boolean;
    /** Namespace of the database (created if missing, never deleted). Default: "mssql". Cannot change. */
    namespace?: string;
    /** Name of the MSSQLServer. Default: "mssql". Cannot change. */
    name?: string;
    /** KubeDB MSSQLServerVersion; a later change is an UpdateVersion request. Default: "2022-cu22". */
    version?: string;
    /** SQL Server edition (MSSQL_PID) or a product key. Default: "Developer". Cannot change. */
    edition?: string;
    /** Replicas: 1 for Standalone; 3 by default for an availability group (a change is HorizontalScaling). */
    replicas?: number;
    /** An availability group instead of Standalone. Default: Standalone. Cannot change. */
    availabilityGroup?: { databases?: string[]; secondaryAccessMode?: SecondaryAccessMode };
    /** Data volume per replica. Default: { size: "10Gi", expansionMode: "Online" }. */
    storage?: { size?: string; storageClass?: string; expansionMode?: VolumeExpansionMode };
    /** What `pulumi destroy` does to the data. Default: "Halt" (keeps volumes and Secrets). */
    deletionPolicy?: DeletionPolicy;
    /** Resources of the mssql container; a change is a VerticalScaling request. Default: KubeDB's. */
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    /** Content of mssql.conf; a change is a Reconfigure request. Default: none. */
    mssqlConf?: string;
    /** Bump `generation` to restart through a Restart request. Default: { generation: 0 }. */
    restart?: { generation?: number };
    /** Let KubeDB's recommendation engine create requests of its own. Default: false. */
    autoOps?: boolean;
    /** TLS: the issuer (default: a CA bootstrapped here), certificates, client TLS, rotation. */
    tls?: {
        issuer?: { kind?: IssuerKind; name: string };
        clientTLS?: boolean;
        certificates?: CertificateAliasSettings;
        ca?: { kind?: IssuerKind; duration?: string; renewBefore?: string; algorithm?: PrivateKeyAlgorithm; clusterResourceNamespace?: string };
        privateKeyRotationPolicy?: PrivateKeyRotationPolicy;
        rotation?: { generation?: number };
    };
    /** The sa password (secret); a change is a RotateAuth request. Default: generated. */
    saPassword?: pulumi.Input<string>;
    /**
     * A Secret of the database's namespace and its key holding the sa password, read at every preview
     * and update; a changed value is a RotateAuth request. Not with saPassword, rotation.interval or
     * a rotation.generation other than 0. Default: none.
     */
    saPasswordSecret?: { name: string; key: string };
    /**
     * Where applications find the connection details: the Secret's name and keys, and a ConfigMap for
     * the values that are not secret. Default: `<name>-connection`, today's keys, no ConfigMap.
     */
    connection?: ConnectionSettings;
    /** Credential rotation: bump `generation`, or an `interval` from an `anchor`. Default: { generation: 0 }. */
    rotation?: { generation?: number; interval?: string; anchor?: string };
    /** How long to wait. Default: { opsRequestMinutes: 30, opsStepTimeout: "10m" }, readyMinutes 25 (40 for an AG). */
    timeouts?: { readyMinutes?: number; opsRequestMinutes?: number; opsStepTimeout?: string };
    /** Kubeconfig text or path (secret). Default: the ambient kubeconfig. */
    kubeconfig?: pulumi.Input<string>;
    /**
     * Take over the resources that the stack program of releases before the provider plugin made
     * at the top of its stack: children keep those names (without this SqlServer's name as prefix),
     * so only one SqlServer of a stack may set it. Only for that program's stacks. Default: false.
     */
    adoptStackRoot?: boolean;
}

/** What the SqlServer reports: how to connect and what is in use; never a password. */
export interface SqlServerOutputs {
    databaseName: pulumi.Output<string>;
    databaseNamespace: pulumi.Output<string>;
    primaryHost: pulumi.Output<string>;
    secondaryHost: pulumi.Output<string>;
    port: pulumi.Output<number>;
    connectionSecret: pulumi.Output<string>;
    tlsStatus: pulumi.Output<object>;
    dayTwo: pulumi.Output<object>;
    credentialRotation: pulumi.Output<object>;
}

/** The settings from the args: the stack config's checks and defaults; the secrets handled apart. */
export function sqlServerSettings(args: SqlServerArgs): DatabaseSettings {
    const { saPassword, kubeconfig, adoptStackRoot, ...rest } = args;
    void adoptStackRoot;
    const settings = parseDatabaseSettings({
        ...rest,
        // Checked here when known as text; a secret Output is checked where it resolves, but counts as given.
        ...(saPassword === undefined ? {} : { saPassword: typeof saPassword === "string" ? saPassword : SECRET_NOT_YET_KNOWN }),
        ...(typeof kubeconfig === "string" ? { kubeconfig } : {}),
    });
    return { ...settings, saPassword: undefined, kubeconfig: undefined };
}

export class SqlServer extends pulumi.ComponentResource implements SqlServerOutputs {
    readonly databaseName: pulumi.Output<string>;
    readonly databaseNamespace: pulumi.Output<string>;
    readonly primaryHost: pulumi.Output<string>;
    /** "none" for Standalone. */
    readonly secondaryHost: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly connectionSecret: pulumi.Output<string>;
    /** TLS in use (named apart from the `tls` arg, whose shape differs). */
    readonly tlsStatus: pulumi.Output<object>;
    readonly dayTwo: pulumi.Output<object>;
    readonly credentialRotation: pulumi.Output<object>;

    constructor(name: string, args: SqlServerArgs, opts?: pulumi.ComponentResourceOptions) {
        // 1. Args, validated as a whole before anything is registered, this component included.
        const config = sqlServerSettings(args);
        super("kubedb-mssql:index:SqlServer", name, {}, opts);
        const period = currentPeriod(config.rotation.interval, config.rotation.anchor, Date.now());
        const saPassword =
            args.saPassword === undefined
                ? undefined
                : pulumi.secret(
                      pulumi.output(args.saPassword).apply((password) => {
                          const problems = new Problems(`SqlServer "${name}" args`);
                          problems.add("saPassword", checkSaPassword(password));
                          problems.throwIfAny();
                          return password;
                      }),
                  );
        // Children are named after the SqlServer; adopted ones keep their names and answer to their
        // old place at the top of the stack.
        const child = (suffix: string, extra: pulumi.ComponentResourceOptions = {}): pulumi.ComponentResourceOptions => ({
            parent: this,
            ...extra,
            ...(args.adoptStackRoot ? { aliases: [{ parent: stackRootUrn() }] } : {}),
        });
        const n = (suffix: string) => (args.adoptStackRoot ? suffix : `${name}-${suffix}`);

        // 2. One cluster: the provider for every resource and the request waiters' connection come
        //    from the same kubeconfig (kept secret), so the waiters act on the cluster the resources are in.
        const cluster = kubernetesCluster(n("kubernetes"), { kubeconfig: args.kubeconfig }, child("kubernetes"));
        const provider = cluster.provider;
        const opts2 = (suffix: string, extra: pulumi.ComponentResourceOptions = {}) => child(suffix, { providers: { kubernetes: provider }, ...extra });

        // 3. Before anything in the cluster is touched: refuse what no request can change (name,
        //    namespace, topology, edition), comparing with the last args, and check permissions.
        const guard = new ChangeGuard(
            n("guard"),
            {
                name: config.name,
                namespace: config.namespace,
                availabilityGroup: config.availabilityGroup !== undefined,
                edition: config.edition,
                permissions: {
                    clusterIssuers: config.tls.issuer?.kind === "ClusterIssuer" || (config.tls.issuer === undefined && config.tls.ca.kind === "ClusterIssuer"),
                    bootstrapsClusterIssuer: config.tls.issuer === undefined && config.tls.ca.kind === "ClusterIssuer",
                    clusterResourceNamespace: config.tls.ca.clusterResourceNamespace,
                    namedStorageClass: config.storage.storageClass !== undefined,
                    ...(config.connection.configMap ? { connectionConfigMap: config.connection.configMap.name } : {}),
                    ...(config.tls.issuer ? { existingIssuer: config.tls.issuer } : {}),
                },
                cluster,
            },
            opts2("guard"),
        );

        // 3a. A password kept in a Secret of the user's (saPasswordSecret): read at every check, so a
        //     preview says whether it changed; it then takes the path of a changed saPassword. Right
        //     after the guard, so a missing or weak one stops the run before anything else is done.
        const reference = config.saPasswordSecret
            ? passwordReference(n("password-reference"), config.namespace, config.name, config.saPasswordSecret, cluster, this, [guard.resource])
            : undefined;

        // 4. The namespace: created if missing, adopted if it exists (a patch), kept on destroy,
        //    because deleting it would delete the data volumes in it.
        const namespace = new k8s.core.v1.NamespacePatch(
            n("namespace"),
            { metadata: { name: config.namespace } },
            child("namespace", { provider, retainOnDelete: true, dependsOn: [guard.resource, ...(reference ? [reference.resource] : [])] }),
        );

        // 5. The sa credential of the current version; on the first deployment of a database that
        //    `pulumi destroy` left halted, the retained credential Secret its data knows.
        const credential = new SaCredential(
            n("sa"),
            {
                database: config.name,
                namespace: config.namespace,
                generation: config.rotation.generation,
                periodStart: period.start,
                password: reference?.password ?? saPassword,
                cluster,
            },
            opts2("sa", { dependsOn: [namespace, ...(reference ? [reference.resource] : [])] }),
        );

        // 6. The issuer KubeDB issues the database's certificates from: a bootstrapped CA or the user's.
        const ca = new CaIssuer(
            n("ca"),
            {
                database: config.name,
                namespace: config.namespace,
                existing: config.tls.issuer,
                kind: config.tls.ca.kind,
                duration: config.tls.ca.duration,
                renewBefore: config.tls.ca.renewBefore,
                algorithm: config.tls.ca.algorithm,
                rotationPolicy: config.tls.privateKeyRotationPolicy,
                clusterResourceNamespace: config.tls.ca.clusterResourceNamespace,
            },
            opts2("ca", { dependsOn: [namespace, credential.secret] }),
        );

        // 7. The database, created with that credential once the CA is Ready; waits for Ready.
        const database = new MssqlServer(
            n("database"),
            {
                name: config.name,
                namespace: config.namespace,
                version: config.version,
                edition: config.edition,
                acceptEula: config.acceptEula,
                replicas: config.replicas,
                availabilityGroup: config.availabilityGroup,
                storage: config.storage,
                deletionPolicy: config.deletionPolicy,
                resources: config.resources,
                authSecretName: credential.initialSecretName,
                issuer: ca.issuer,
                clientTLS: config.tls.clientTLS,
                certificates: config.tls.certificates,
                readyTimeoutMinutes: config.timeouts.readyMinutes,
                mssqlConf: config.mssqlConf,
                autoOps: config.autoOps,
            },
            opts2("database", { dependsOn: [...ca.ready, credential.secret] }),
        );

        // 8. Version, replicas, resources, storage and mssql.conf kept on the args, and restarts:
        //    one ops request per change, in a fixed order, first in the queue.
        const dayTwoChanges = new DayTwoChanges(
            n("day2"),
            {
                database: config.name,
                namespace: config.namespace,
                availabilityGroup: config.availabilityGroup !== undefined,
                version: config.version,
                replicas: config.replicas,
                resources: config.resources,
                storage: config.storage,
                mssqlConf: config.mssqlConf,
                restartGeneration: config.restart.generation,
                stepTimeout: config.timeouts.opsStepTimeout,
                timeoutMinutes: config.timeouts.opsRequestMinutes,
                cluster,
            },
            opts2("day2", { dependsOn: [database.resource] }),
        );

        const customKeys = JSON.stringify(config.connection.secretKeys) !== JSON.stringify(DEFAULT_SECRET_KEYS);

        // 9. TLS kept on the args through ReconfigureTLS, once a new CA is Ready. TLS goes first: if
        //    it fails, the password has not changed yet, so the connection Secret keeps working.
        const tlsLifecycle = new TlsLifecycle(
            n("tls"),
            {
                database: config.name,
                namespace: config.namespace,
                issuer: ca.issuer,
                certificates: config.tls.certificates,
                clientTLS: config.tls.clientTLS,
                rotationGeneration: config.tls.rotation.generation,
                caRevision: ca.revision,
                clusterResourceNamespace: config.tls.ca.clusterResourceNamespace,
                stepTimeout: config.timeouts.opsStepTimeout,
                timeoutMinutes: config.timeouts.opsRequestMinutes,
                ...(config.connection.secretName !== undefined ? { connectionSecret: config.connection.secretName } : {}),
                ...(customKeys ? { connectionCaKey: config.connection.secretKeys.caCrt ?? "" } : {}),
                ...(config.connection.configMap?.keys.caCrt
                    ? { connectionConfigMap: { name: config.connection.configMap.name, caKey: config.connection.configMap.keys.caCrt } }
                    : {}),
                cluster,
            },
            opts2("tls", { dependsOn: [database.resource, dayTwoChanges.resource, ...ca.ready] }),
        );

        // 10. The database kept on the current credential: a RotateAuth request when it changed —
        //    after the TLS change, so two requests never run at once.
        const rotation = new CredentialRotation(
            n("rotation"),
            {
                database: config.name,
                namespace: config.namespace,
                secretName: credential.secretName,
                generation: config.rotation.generation,
                periodStart: period.start,
                stepTimeout: config.timeouts.opsStepTimeout,
                timeoutMinutes: config.timeouts.opsRequestMinutes,
                cluster,
            },
            opts2("rotation", { dependsOn: [database.resource, credential.secret, tlsLifecycle.resource] }),
        );

        // 11. What apps mount: changes only after the TLS change and the rotation succeeded.
        const connection = new ConnectionSecret(
            n("connection"),
            {
                database: config.name,
                namespace: config.namespace,
                password: pulumi.all([rotation.appliedSecretName, credential.password]).apply(([, password]) => password),
                caBundle: tlsLifecycle.caBundle,
                clientTLS: config.tls.clientTLS,
                // Only what differs from the defaults, so that a default stack registers what it always did.
                ...(config.connection.secretName !== undefined ? { secretName: config.connection.secretName } : {}),
                ...(customKeys ? { keys: config.connection.secretKeys } : {}),
                ...(config.connection.configMap ? { configMap: config.connection.configMap } : {}),
            },
            opts2("connection", { dependsOn: [rotation.resource, tlsLifecycle.resource] }),
        );

        this.databaseName = pulumi.output(database.name);
        this.databaseNamespace = pulumi.output(database.namespace);
        this.primaryHost = pulumi.output(database.primaryHost);
        this.secondaryHost = pulumi.output(database.secondaryHost ?? "none");
        this.port = pulumi.output(database.port);
        this.connectionSecret = pulumi.output(connection.secretName);
        this.tlsStatus = pulumi.output({
            issuer: ca.issuer,
            clientTLS: config.tls.clientTLS,
            caSecret: ca.caSecret,
            certificateSecrets: database.certificateSecrets,
            rotationGeneration: config.tls.rotation.generation,
            lastRequest: tlsLifecycle.lastRequest,
            lastPhase: tlsLifecycle.lastPhase,
            lastAction: tlsLifecycle.lastAction,
            caFingerprint: tlsLifecycle.caFingerprint,
            caNotAfter: tlsLifecycle.caNotAfter,
        });
        this.dayTwo = pulumi.output({
            version: dayTwoChanges.currentVersion,
            replicas: dayTwoChanges.currentReplicas,
            storageSize: dayTwoChanges.currentStorageSize,
            autoOps: config.autoOps,
            lastRequest: dayTwoChanges.lastRequest,
            lastPhase: dayTwoChanges.lastPhase,
            lastAction: dayTwoChanges.lastAction,
        });
        this.credentialRotation = pulumi.output({
            generation: config.rotation.generation,
            interval: config.rotation.interval ?? "none",
            periodStart: period.start,
            nextScheduledRotation: period.next ?? "none",
            activeSecret: rotation.activeSecretName,
            appliedSecret: rotation.appliedSecretName,
            lastRequest: rotation.lastRequest,
            lastPhase: rotation.lastPhase,
            activeSince: rotation.activeSince,
            // The retained credential Secret a re-created database was resumed on, or "none".
            resumedFrom: credential.resumedFrom,
        });
        this.registerOutputs(sqlServerOutputs(this));
    }
}

/**
 * Registers the PasswordReference of `ref` (the package's custom resource, served by the plugin):
 * the password as a secret, its fingerprint, and the resource to depend on.
 */
function passwordReference(
    name: string,
    namespace: string,
    database: string,
    ref: { name: string; key: string },
    cluster: KubernetesCluster,
    parent: pulumi.ComponentResource,
    dependsOn: pulumi.Resource[],
): { password: pulumi.Output<string>; fingerprint: pulumi.Output<string>; resource: pulumi.Resource } {
    // The cluster's own kubeconfig (undefined = the ambient one), as the request waiters get it.
    const kubeconfig = cluster.kubeconfig;
    const inputs: Record<keyof PasswordReferenceInputs, pulumi.Input<unknown> | undefined> = {
        namespace,
        database,
        name: ref.name,
        key: ref.key,
        kubeconfig,
        // Set by the provider's check (read from the cluster), never by the program.
        fingerprintKey: undefined,
        password: undefined,
        fingerprint: undefined,
    };
    const resource = new PackageResource("PasswordReference", name, inputs, ["password", "fingerprint", "fingerprintKey"], {
        parent,
        dependsOn,
        additionalSecretOutputs: ["password", "fingerprintKey"],
    });
    return { password: pulumi.secret(resource.output<string>("password")), fingerprint: resource.output("fingerprint"), resource };
}

/** The URN of the stack itself: the parent of what a program makes at the top (also inside a provider's construct). */
export function stackRootUrn(): string {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

/** The outputs as one object: what `registerOutputs` and the provider's `construct` hand back. */
export function sqlServerOutputs(db: SqlServerOutputs): Record<keyof SqlServerOutputs, pulumi.Output<unknown>> {
    return {
        databaseName: db.databaseName,
        databaseNamespace: db.databaseNamespace,
        primaryHost: db.primaryHost,
        secondaryHost: db.secondaryHost,
        port: db.port,
        connectionSecret: db.connectionSecret,
        tlsStatus: db.tlsStatus,
        dayTwo: db.dayTwo,
        credentialRotation: db.credentialRotation,
    };
}
