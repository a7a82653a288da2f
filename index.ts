/**
 * The kubedb-mssql stack: SQL Server on KubeDB with cert-manager TLS, its credential rotated from
 * stack config. Reads like the architecture: config → cluster (provider) → guard against changes
 * no request can make → namespace → credential → CA → database → day-2 changes →
 * TLS changes → credential rotation → connection Secret. Every change after creation is a KubeDB
 * ops request, one at a time, in that order.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    CaIssuer, ChangeGuard, ConnectionSecret, CredentialRotation, DayTwoChanges, MssqlServer, SaCredential, TlsLifecycle, currentPeriod, kubernetesCluster,
    readStackConfig,
} from "./components";
import { resolveKubeconfig } from "./components/kubeconfig";

// 1. Config, validated as a whole before any resource is registered.
const config = readStackConfig();
const period = currentPeriod(config.rotation.interval, config.rotation.anchor, Date.now());
const kubeconfig = resolveKubeconfig(config.kubeconfig);

// 2. One cluster: the provider for every resource and the request waiters' connection come from
//    the same kubeconfig (kept secret), so the waiters act on the cluster the resources are in.
const cluster = kubernetesCluster("kubernetes", { kubeconfig });
const provider = cluster.provider;
const opts = { providers: { kubernetes: provider } };

// 3. Before anything in the cluster is touched: refuse what no request can change (name,
//    namespace, topology, edition), comparing with the last config.
const guard = new ChangeGuard("guard", {
    name: config.name,
    namespace: config.namespace,
    availabilityGroup: config.availabilityGroup !== undefined,
    edition: config.edition,
    // ...and what this stack's identity may not do (docs/rbac), asked of the API server first.
    permissions: {
        clusterIssuers: config.tls.issuer?.kind === "ClusterIssuer" || (config.tls.issuer === undefined && config.tls.ca.kind === "ClusterIssuer"),
        bootstrapsClusterIssuer: config.tls.issuer === undefined && config.tls.ca.kind === "ClusterIssuer",
        clusterResourceNamespace: config.tls.ca.clusterResourceNamespace,
        namedStorageClass: config.storage.storageClass !== undefined,
        ...(config.tls.issuer ? { existingIssuer: config.tls.issuer } : {}),
    },
    cluster,
});

// 4. The namespace: created if missing, adopted if it exists (a patch, not a create), and kept on
//    destroy, because deleting it would delete the data volumes in it.
const namespace = new k8s.core.v1.NamespacePatch("namespace", { metadata: { name: config.namespace } },
    { provider, retainOnDelete: true, dependsOn: [guard.resource] });

// 5. The sa credential of the current version (generation, schedule period, saPassword). On the
//    first deployment of a database that `pulumi destroy` left halted (deletionPolicy Halt), it is
//    the retained credential Secret its data knows, not a new password; several retained Secrets
//    with no record of the last one are refused here, before anything else is created.
const credential = new SaCredential("sa", {
    database: config.name,
    namespace: config.namespace,
    generation: config.rotation.generation,
    periodStart: period.start,
    password: config.saPassword === undefined ? undefined : pulumi.secret(config.saPassword),
    cluster,
}, { ...opts, dependsOn: [namespace] });

// 6. The issuer KubeDB issues the database's certificates from: a bootstrapped CA or the user's
//    (after the credential: its check is where a re-creation that cannot resume stops).
const ca = new CaIssuer("ca", {
    database: config.name,
    namespace: config.namespace,
    existing: config.tls.issuer,
    kind: config.tls.ca.kind,
    duration: config.tls.ca.duration,
    renewBefore: config.tls.ca.renewBefore,
    algorithm: config.tls.ca.algorithm,
    rotationPolicy: config.tls.privateKeyRotationPolicy,
    clusterResourceNamespace: config.tls.ca.clusterResourceNamespace,
}, { ...opts, dependsOn: [namespace, credential.secret] });

// 7. The database, created with that credential once the CA is Ready; waits for phase Ready.
//    Afterwards the program patches only what no request owns (deletionPolicy, autoOps, the AG's
//    database list and access mode).
const database = new MssqlServer("database", {
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
}, { ...opts, dependsOn: [...ca.ready, credential.secret] });

// 8. Keep version, replicas, resources, storage and mssql.conf on the config, and restart on
//    request: one ops request per change, in a fixed order (ops/dayTwoPlan.ts), first in the queue.
const dayTwoChanges = new DayTwoChanges("day2", {
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
}, { ...opts, dependsOn: [database.resource] });

// 9. Keep TLS on the config through ReconfigureTLS requests, once a new CA is Ready. TLS goes
//    first: if it fails, the password has not changed yet, so the connection Secret (old password,
//    old + new CA during a CA switch) keeps working.
const tlsLifecycle = new TlsLifecycle("tls", {
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
    cluster,
}, { ...opts, dependsOn: [database.resource, dayTwoChanges.resource, ...ca.ready] });

// 10. Keep the database on the current credential: a RotateAuth request when it changed — after
//    the TLS change, so two requests never run at once.
const rotation = new CredentialRotation("rotation", {
    database: config.name,
    namespace: config.namespace,
    secretName: credential.secretName,
    generation: config.rotation.generation,
    periodStart: period.start,
    stepTimeout: config.timeouts.opsStepTimeout,
    timeoutMinutes: config.timeouts.opsRequestMinutes,
    cluster,
}, { ...opts, dependsOn: [database.resource, credential.secret, tlsLifecycle.resource] });

// 11. What apps mount: changes only after the TLS change and the rotation succeeded, and right
//    after the rotation (nothing can fail between a new password and its publication but this).
//    (TlsLifecycle itself widens its ca.crt during a CA switch, and narrows it after success.)
const connection = new ConnectionSecret("connection", {
    database: config.name,
    namespace: config.namespace,
    password: pulumi.all([rotation.appliedSecretName, credential.password]).apply(([, password]) => password),
    caBundle: tlsLifecycle.caBundle,
    clientTLS: config.tls.clientTLS,
}, { ...opts, dependsOn: [rotation.resource, tlsLifecycle.resource] });

// Outputs: how to connect and what is in use; never a password.
export const databaseName = database.name;
export const databaseNamespace = database.namespace;
export const primaryHost = database.primaryHost;
// "none" for Standalone: an undefined stack output draws a CLI warning on every run.
export const secondaryHost = database.secondaryHost ?? "none";
export const port = database.port;
export const connectionSecret = connection.secretName;
export const tls = {
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
};
export const dayTwo = {
    version: dayTwoChanges.currentVersion,
    replicas: dayTwoChanges.currentReplicas,
    storageSize: dayTwoChanges.currentStorageSize,
    autoOps: config.autoOps,
    lastRequest: dayTwoChanges.lastRequest,
    lastPhase: dayTwoChanges.lastPhase,
    lastAction: dayTwoChanges.lastAction,
};
export const credentialRotation = {
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
};
