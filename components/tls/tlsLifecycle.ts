/**
 * TlsLifecycle — keeps the database's TLS on what the config asks for, through KubeDB
 * ReconfigureTLS requests (never by editing the MSSQLServer behind the operator's back):
 * certificate rotation (`tls.rotation.generation`), a new issuer, changed certificate settings,
 * a re-issued bootstrapped CA. One or two requests per run, each with one action, waited on with
 * fail-fast; the stack runs it before the credential rotation, so two requests never overlap and a
 * failed TLS change leaves the password alone. The work is done by tlsLifecycleProvider.
 */
import * as pulumi from "@pulumi/pulumi";
import { IssuerKind } from "../api/kubedb";
import { CertificateAliasSettings, MAX_DATABASE_NAME_LENGTH, parseCertificateAliases } from "../database/settings";
import { KubernetesCluster, waiterKubeconfig } from "../kube/cluster";
import { issuerRef, kubeDbCertificates } from "./manifests";
import { names } from "../core/names";
import { DATA_KEY } from "../credential/connectionShape";
import { TlsLifecycleInputs, TlsLifecycleOutputs } from "./tlsLifecycleProvider";
import { ledgerOf } from "../packageResources";
import { checkBoolean, checkDatabaseName, checkDnsLabel, checkDnsSubdomain, checkGeneration, checkInteger, checkOneOf } from "../core/checks";
import { checkStepTimeout, DEFAULT_STEP_TIMEOUT } from "../core/durations";
import { Problems, shown } from "../core/problems";

export interface TlsLifecycleArgs {
    /** Database name. Required. */
    database: string;
    /** Database namespace. Required. */
    namespace: string;
    /** The issuer the database must use. Required. */
    issuer: { kind: IssuerKind; name: string };
    /** Per-alias certificate settings. Default: none (KubeDB's). */
    certificates?: CertificateAliasSettings;
    /** Whether SQL Server forces encrypted connections. Default: true. */
    clientTLS?: boolean;
    /** Bump to re-issue the database's certificates. Default: 0. */
    rotationGeneration?: number;
    /** Revision of a bootstrapped CA (CaIssuer.revision); a change re-issues the certificates. Default: "". */
    caRevision?: string;
    /** cert-manager's cluster resource namespace (for a ClusterIssuer's CA). Default: "cert-manager". */
    clusterResourceNamespace?: string;
    /** KubeDB's per-step timeout. Default: `DEFAULT_STEP_TIMEOUT` ("10m"). */
    stepTimeout?: string;
    /** How long `pulumi up` waits for a request, in minutes. Default: 30. */
    timeoutMinutes?: number;
    /** The connection Secret whose CA is widened during a CA switch. Default: `<database>-connection`. */
    connectionSecret?: string;
    /** Its data key holding the CA; "" when it holds none (nothing is widened). Default: "ca.crt". */
    connectionCaKey?: string;
    /** A connection ConfigMap that holds the CA, and its key: widened the same way. Default: none. */
    connectionConfigMap?: { name: string; caKey: string };
    /**
     * The cluster (kubernetesCluster): its kubeconfig is what the request waiter connects with. Default: the
     * ambient kubeconfig, and then no Kubernetes provider may reach this component (opts or a parent).
     */
    cluster?: KubernetesCluster;
}

/** Outputs of the TlsLedger beyond its inputs. */
const TLS_OUTPUTS: readonly Exclude<keyof TlsLifecycleOutputs, keyof TlsLifecycleInputs>[] = [
    "applied",
    "lastPhase",
    "lastRequest",
    "lastAction",
    "caBundle",
    "caFingerprint",
    "caNotAfter",
    "sequence",
];

/** Inputs of the TlsLedger; validates the args first. */
export function tlsLifecycleInputs(
    args: TlsLifecycleArgs,
    kubeconfig?: pulumi.Output<string>,
): Record<Exclude<keyof TlsLifecycleInputs, "connectionCaKey" | "connectionConfigMap" | "connectionConfigMapCaKey">, unknown> &
    Pick<TlsLifecycleInputs, "connectionCaKey" | "connectionConfigMap" | "connectionConfigMapCaKey"> {
    const p = new Problems("TlsLifecycle args");
    p.add("database", checkDatabaseName(args.database, MAX_DATABASE_NAME_LENGTH));
    p.add("namespace", checkDnsLabel(args.namespace));
    p.add("issuer.kind", checkOneOf(args.issuer?.kind, ["Issuer", "ClusterIssuer"] as const));
    p.add("issuer.name", checkDnsSubdomain(args.issuer?.name));
    // Whether the database is an availability group is not known here: MssqlServer checks the endpoint alias.
    if (args.certificates !== undefined) parseCertificateAliases(p, "certificates", args.certificates, true);
    if (args.clientTLS !== undefined) p.add("clientTLS", checkBoolean(args.clientTLS));
    p.add("rotationGeneration", checkGeneration(args.rotationGeneration ?? 0));
    if (args.caRevision !== undefined && typeof args.caRevision !== "string")
        p.add("caRevision", `must be a string (CaIssuer.revision), got ${shown(args.caRevision)}`);
    if (args.clusterResourceNamespace !== undefined) p.add("clusterResourceNamespace", checkDnsLabel(args.clusterResourceNamespace));
    p.add("stepTimeout", checkStepTimeout(args.stepTimeout ?? DEFAULT_STEP_TIMEOUT));
    p.add("timeoutMinutes", checkInteger(args.timeoutMinutes ?? 30, 1, 24 * 60));
    if (args.connectionSecret !== undefined) p.add("connectionSecret", checkDnsSubdomain(args.connectionSecret));
    if (args.connectionConfigMap !== undefined) {
        p.add("connectionConfigMap.name", checkDnsSubdomain(args.connectionConfigMap.name));
        if (!DATA_KEY.test(String(args.connectionConfigMap.caKey)))
            p.add("connectionConfigMap.caKey", `${shown(args.connectionConfigMap.caKey)} is not a data key`);
    }
    if (args.connectionCaKey !== undefined && args.connectionCaKey !== "" && !DATA_KEY.test(String(args.connectionCaKey)))
        p.add("connectionCaKey", `${shown(args.connectionCaKey)} is not a data key; use letters, digits, '-', '_' and '.', or "" for none`);
    p.throwIfAny();
    return {
        namespace: args.namespace,
        database: args.database,
        issuerRef: issuerRef(args.issuer),
        certificates: kubeDbCertificates(args.certificates),
        clientTLS: args.clientTLS ?? true,
        rotationGeneration: args.rotationGeneration ?? 0,
        caRevision: args.caRevision ?? "",
        clusterResourceNamespace: args.clusterResourceNamespace ?? "cert-manager",
        serverCertSecret: names.certificateSecret(args.database, "server"),
        connectionSecret: args.connectionSecret ?? names.connectionSecret(args.database),
        // Absent unless it differs from the default, so a stack upgraded to this release sees no change.
        ...(args.connectionCaKey === undefined || args.connectionCaKey === "ca.crt" ? {} : { connectionCaKey: args.connectionCaKey }),
        ...(args.connectionConfigMap ? { connectionConfigMap: args.connectionConfigMap.name, connectionConfigMapCaKey: args.connectionConfigMap.caKey } : {}),
        stepTimeout: args.stepTimeout ?? DEFAULT_STEP_TIMEOUT,
        timeoutSeconds: (args.timeoutMinutes ?? 30) * 60,
        kubeconfig,
    };
}

export class TlsLifecycle extends pulumi.ComponentResource {
    /** `Initial` before any change, then the phase of the last ReconfigureTLS request. */
    declare readonly lastPhase: pulumi.Output<string>;
    declare readonly lastRequest: pulumi.Output<string>;
    /** What the last request did, e.g. "rotateCertificates: tls.rotation.generation 0 → 1". */
    declare readonly lastAction: pulumi.Output<string>;
    /** PEM bundle of the CA that signs the server certificate, read after the last change. */
    declare readonly caBundle: pulumi.Output<string>;
    /** SHA-256 fingerprint and expiry (RFC 3339) of that CA; "" when it cannot be read. */
    declare readonly caFingerprint: pulumi.Output<string>;
    declare readonly caNotAfter: pulumi.Output<string>;
    /** The dynamic resource; depend on it to run after TLS changes succeeded. */
    readonly resource: pulumi.Resource;

    constructor(name: string, args: TlsLifecycleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubedb-mssql:tls:TlsLifecycle", name, {}, opts);
        const kubeconfig = waiterKubeconfig(this, "TlsLifecycle", name, args.cluster);
        const ledger = ledgerOf(
            this,
            {
                kind: "TlsLedger",
                name,
                inputs: tlsLifecycleInputs(args, kubeconfig) as pulumi.Inputs,
                outputs: TLS_OUTPUTS,
                exposed: ["lastPhase", "lastRequest", "lastAction", "caBundle", "caFingerprint", "caNotAfter"],
            },
            opts,
        );
        this.resource = ledger.resource;
        this.registerOutputs(ledger.exposed);
    }
}
