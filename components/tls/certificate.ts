/**
 * Certificate — a typed cert-manager Certificate that `pulumi up` waits on until it is Ready.
 * Used for the bootstrapped CA; reusable for any other certificate.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PRIVATE_KEY_ALGORITHMS, PRIVATE_KEY_ROTATION_POLICIES } from "../api/certManager";
import { ISSUER_KINDS } from "../api/kubedb";
import { CertificateManifestArgs, certificateManifest } from "./manifests";
import { checkBoolean, checkDnsLabel, checkDnsName, checkDnsSubdomain, checkInteger, checkLabels, checkOneOf } from "../core/checks";
import { checkCertificateDurations } from "../core/durations";
import { Problems, shown } from "../core/problems";
import { waitForCondition } from "../kube/awaitAnnotations";

export interface CertificateArgs extends CertificateManifestArgs {
    /** How long to wait for the Ready condition, in minutes (1–1440). Default: 10. */
    timeoutMinutes?: number;
}

/** cert-manager's key usages (the Certificate CRD's enum). */
export const KEY_USAGES = [
    "signing",
    "digital signature",
    "content commitment",
    "key encipherment",
    "key agreement",
    "data encipherment",
    "cert sign",
    "crl sign",
    "encipher only",
    "decipher only",
    "any",
    "server auth",
    "client auth",
    "code signing",
    "email protection",
    "s/mime",
    "ipsec end system",
    "ipsec tunnel",
    "ipsec user",
    "timestamping",
    "ocsp signing",
    "microsoft sgc",
    "netscape sgc",
] as const;

/** X.509's upper bound for a common name (cert-manager refuses longer ones). */
const MAX_COMMON_NAME = 64;

/** Checks a Certificate's args as cert-manager would, before anything is created; throws one ConfigError naming each arg. */
export function validateCertificateArgs(args: CertificateArgs): void {
    const p = new Problems("Certificate args");
    p.add("name", checkDnsSubdomain(args.name));
    p.add("namespace", checkDnsLabel(args.namespace));
    p.add("secretName", checkDnsSubdomain(args.secretName));
    p.add("issuer.kind", checkOneOf(args.issuer?.kind, ISSUER_KINDS));
    p.add("issuer.name", checkDnsSubdomain(args.issuer?.name));
    if (args.commonName !== undefined) {
        p.add(
            "commonName",
            typeof args.commonName === "string" && args.commonName.length > 0 && args.commonName.length <= MAX_COMMON_NAME
                ? undefined
                : `${shown(args.commonName)} is not allowed; use 1 to ${MAX_COMMON_NAME} characters`,
        );
    }
    if (args.dnsNames !== undefined) {
        if (!Array.isArray(args.dnsNames)) p.add("dnsNames", `must be a list, got ${shown(args.dnsNames)}`);
        else args.dnsNames.forEach((name, i) => p.add(`dnsNames[${i}]`, checkDnsName(name)));
    }
    if (!args.commonName && !(Array.isArray(args.dnsNames) && args.dnsNames.length > 0)) {
        p.add("commonName", "is missing, and so are dnsNames; cert-manager needs at least one of them");
    }
    if (args.isCA !== undefined) p.add("isCA", checkBoolean(args.isCA));
    checkCertificateDurations(p, "", args.duration, args.renewBefore);
    if (args.algorithm !== undefined) p.add("algorithm", checkOneOf(args.algorithm, PRIVATE_KEY_ALGORITHMS));
    if (args.rotationPolicy !== undefined) p.add("rotationPolicy", checkOneOf(args.rotationPolicy, PRIVATE_KEY_ROTATION_POLICIES));
    if (args.usages !== undefined) {
        if (!Array.isArray(args.usages)) p.add("usages", `must be a list, got ${shown(args.usages)}`);
        else args.usages.forEach((usage, i) => p.add(`usages[${i}]`, checkOneOf(usage, KEY_USAGES)));
    }
    checkLabels(p, "labels", args.labels);
    if (args.timeoutMinutes !== undefined) p.add("timeoutMinutes", checkInteger(args.timeoutMinutes, 1, 24 * 60));
    p.throwIfAny();
}

export class Certificate extends pulumi.ComponentResource {
    /** Name of the Secret that holds `tls.crt`, `tls.key` and `ca.crt`. */
    readonly secretName: string;
    /** The Certificate object; depend on it to start after the certificate is issued. */
    readonly resource: k8s.apiextensions.CustomResource;

    constructor(name: string, args: CertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubedb-mssql:tls:Certificate", name, {}, opts);
        validateCertificateArgs(args);
        const manifest = certificateManifest(args);
        this.secretName = manifest.spec.secretName;
        this.resource = new k8s.apiextensions.CustomResource(name, waitForCondition(manifest, "Ready", args.timeoutMinutes ?? 10), {
            parent: this,
            // A component's dependencies do not hold back its children by themselves.
            dependsOn: opts?.dependsOn,
            customTimeouts: { create: `${args.timeoutMinutes ?? 10}m`, update: `${args.timeoutMinutes ?? 10}m` },
        });
        this.registerOutputs({ secretName: this.secretName });
    }
}
