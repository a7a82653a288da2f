/**
 * CaIssuer — the cert-manager issuer KubeDB issues the database's certificates from.
 *
 * Bootstrapped (default): a `selfSigned` issuer signs one `isCA` Certificate; its Secret backs a
 * `ca` issuer. `pulumi up` waits until the CA certificate and the CA issuer are Ready, so the
 * database is never created against an issuer that cannot sign yet. No manual openssl step.
 *
 * Existing: `existing` names a user's Issuer or ClusterIssuer; nothing is created.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ISSUER_KINDS, IssuerKind } from "../api/kubedb";
import { PRIVATE_KEY_ALGORITHMS, PRIVATE_KEY_ROTATION_POLICIES, PrivateKeyAlgorithm, PrivateKeyRotationPolicy } from "../api/certManager";
import { Certificate } from "./certificate";
import { caIssuerManifest, selfSignedIssuerManifest } from "./manifests";
import { labelsFor, names, valueFingerprint } from "../core/names";
import { CA_DEFAULTS, MAX_DATABASE_NAME_LENGTH } from "../database/settings";
import { checkDatabaseName, checkDnsLabel, checkDnsSubdomain, checkInteger, checkOneOf } from "../core/checks";
import { checkCertificateDurations } from "../core/durations";
import { Problems } from "../core/problems";
import { waitForCondition } from "../kube/awaitAnnotations";

export interface CaIssuerArgs {
    /** Name of the database the CA serves; object names derive from it. Required. */
    database: string;
    /** Namespace of the database (and of a namespaced issuer). Required. */
    namespace: string;
    /** A user's existing issuer to pass through. Default: none (bootstrap a CA). */
    existing?: { kind: IssuerKind; name: string };
    /** Kind of the bootstrapped CA issuer. Default: "Issuer" (namespaced). */
    kind?: IssuerKind;
    /** Lifetime of the CA certificate, a Go duration. Default: "87600h" (10 years). */
    duration?: string;
    /** Renew the CA this long before it expires. Default: "720h" (30 days). */
    renewBefore?: string;
    /** CA key algorithm. Default: "ECDSA" (P-256). */
    algorithm?: PrivateKeyAlgorithm;
    /** Private key rotation policy of the CA certificate. Default: cert-manager's (Always since v1.18). Not with `existing`. */
    rotationPolicy?: PrivateKeyRotationPolicy;
    /** cert-manager's cluster resource namespace, where a ClusterIssuer's CA Secret must live. Default: "cert-manager". */
    clusterResourceNamespace?: string;
    /** Minutes to wait for the CA to be Ready, 1–1440. Default: 10. */
    timeoutMinutes?: number;
}

export interface CaIssuerPlan {
    issuer: { kind: IssuerKind; name: string };
    /** Fingerprint of the bootstrapped CA's settings ("" for an existing issuer): when it changes the CA is re-issued. */
    revision: string;
    bootstrap?: {
        selfSignedName: string;
        certificateName: string;
        /** Where the CA Certificate and its Secret live. */
        secretNamespace: string;
        secretName: string;
    };
}

/** Names and kinds of everything the CA needs; validates the args first. */
export function planCaIssuer(args: CaIssuerArgs): CaIssuerPlan {
    const problems = new Problems("CaIssuer args");
    problems.add("database", checkDatabaseName(args.database, MAX_DATABASE_NAME_LENGTH));
    problems.add("namespace", checkDnsLabel(args.namespace));
    if (args.timeoutMinutes !== undefined) problems.add("timeoutMinutes", checkInteger(args.timeoutMinutes, 1, 24 * 60));
    if (args.existing) {
        problems.add("existing.kind", checkOneOf(args.existing.kind, ISSUER_KINDS));
        problems.add("existing.name", checkDnsSubdomain(args.existing.name));
        // The other settings describe a bootstrapped CA and are ignored with an existing issuer (the
        // stack program passes their defaults); a rotation policy would look as if it applied.
        if (args.rotationPolicy !== undefined) {
            problems.add(
                "rotationPolicy",
                'applies only to a bootstrapped CA, but "existing" names an existing issuer, whose certificates this component does not issue; remove rotationPolicy',
            );
        }
        problems.throwIfAny();
        return { issuer: { ...args.existing }, revision: "" };
    }
    const kind = args.kind ?? "Issuer";
    problems.add("kind", checkOneOf(kind, ISSUER_KINDS));
    checkCertificateDurations(problems, "", args.duration, args.renewBefore, {
        duration: CA_DEFAULTS.duration,
        durationBy: "the default",
        renewBefore: CA_DEFAULTS.renewBefore,
        renewBeforeBy: "the default",
    });
    if (args.algorithm !== undefined) problems.add("algorithm", checkOneOf(args.algorithm, PRIVATE_KEY_ALGORITHMS));
    const clusterResourceNamespace = args.clusterResourceNamespace ?? "cert-manager";
    problems.add("clusterResourceNamespace", checkDnsLabel(clusterResourceNamespace));
    if (args.rotationPolicy !== undefined) problems.add("rotationPolicy", checkOneOf(args.rotationPolicy, PRIVATE_KEY_ROTATION_POLICIES));
    problems.throwIfAny();

    const cluster = kind === "ClusterIssuer";
    const base = cluster ? names.clusterCaIssuer(args.namespace, args.database) : names.caIssuer(args.database);
    // What gives the database a different signing CA: another kind or place (a new CA altogether),
    // another key algorithm, or a new lifetime when re-issuing makes a new key (policy Always,
    // cert-manager's default since v1.18). With Never cert-manager keeps the key: a new lifetime
    // changes no key, and a new algorithm is not applied (cert-manager refuses to re-key).
    // renewBefore re-issues nothing.
    const settings = {
        kind,
        algorithm: args.algorithm ?? "ECDSA",
        ...(cluster ? { clusterResourceNamespace } : {}),
        ...(args.rotationPolicy !== "Never" ? { duration: args.duration ?? CA_DEFAULTS.duration } : {}),
    };
    return {
        issuer: { kind, name: base },
        revision: valueFingerprint(settings),
        bootstrap: {
            selfSignedName: cluster ? `${args.namespace}-${names.selfSignedIssuer(args.database)}` : names.selfSignedIssuer(args.database),
            certificateName: cluster ? base : names.caCertificate(args.database),
            secretNamespace: cluster ? clusterResourceNamespace : args.namespace,
            secretName: cluster ? base : names.caSecret(args.database),
        },
    };
}

/** The resources of a `dependsOn` option that is a plain list or one resource (an Input list counts as none). */
function dependencies(dependsOn: pulumi.ComponentResourceOptions["dependsOn"]): pulumi.Resource[] {
    if (dependsOn === undefined) return [];
    if (Array.isArray(dependsOn)) return dependsOn.filter((d): d is pulumi.Resource => pulumi.Resource.isInstance(d));
    return pulumi.Resource.isInstance(dependsOn) ? [dependsOn] : [];
}

export class CaIssuer extends pulumi.ComponentResource {
    /** The issuer to put in the database's `spec.tls.issuerRef`. */
    readonly issuer: { kind: IssuerKind; name: string };
    /** Changes whenever the bootstrapped CA is re-issued by a settings change; "" for an existing issuer. */
    readonly revision: string;
    /** `<namespace>/<name>` of the CA Secret when bootstrapped; undefined for an existing issuer. */
    readonly caSecret?: { namespace: string; name: string };
    /** Resources to depend on: the CA is Ready when they are. Empty for an existing issuer. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: CaIssuerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubedb-mssql:tls:CaIssuer", name, {}, opts);
        const plan = planCaIssuer(args);
        this.issuer = plan.issuer;
        this.revision = plan.revision;
        const timeout = args.timeoutMinutes ?? 10;
        const b = plan.bootstrap;
        if (!b) {
            this.ready = [];
            this.registerOutputs({ issuer: this.issuer });
            return;
        }
        const kind = plan.issuer.kind;
        // Other logical names per kind: switching kinds creates the new CA next to the old one, and
        // the old one is deleted only after the database moved to the new one.
        const id = kind === "ClusterIssuer" ? `${name}-cluster` : name;

        const selfSigned = new k8s.apiextensions.CustomResource(
            `${id}-selfsigned`,
            waitForCondition(selfSignedIssuerManifest(kind, b.selfSignedName, args.namespace), "Ready", timeout),
            // A component's dependencies do not hold back its children by themselves: the first one waits.
            { parent: this, dependsOn: opts?.dependsOn },
        );

        const caCertificate = new Certificate(
            `${id}-ca`,
            {
                name: b.certificateName,
                namespace: b.secretNamespace,
                secretName: b.secretName,
                issuer: { kind, name: b.selfSignedName },
                commonName: `${args.database}.${args.namespace} CA`.slice(0, 64),
                isCA: true,
                duration: args.duration ?? CA_DEFAULTS.duration,
                renewBefore: args.renewBefore ?? CA_DEFAULTS.renewBefore,
                algorithm: args.algorithm ?? "ECDSA",
                rotationPolicy: args.rotationPolicy,
                usages: ["cert sign", "crl sign", "digital signature"],
                labels: labelsFor(args.database, "ca"),
                timeoutMinutes: timeout,
            },
            { parent: this, dependsOn: [selfSigned, ...dependencies(opts?.dependsOn)] },
        );

        const caIssuer = new k8s.apiextensions.CustomResource(
            `${id}-issuer`,
            waitForCondition(caIssuerManifest(kind, plan.issuer.name, args.namespace, b.secretName), "Ready", timeout),
            { parent: this, dependsOn: [caCertificate] },
        );

        this.caSecret = { namespace: b.secretNamespace, name: b.secretName };
        this.ready = [caCertificate, caIssuer];
        this.registerOutputs({ issuer: this.issuer, caSecret: this.caSecret });
    }
}
