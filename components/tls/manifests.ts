/** The cert-manager objects and KubeDB's TLS fields, exactly as sent. */
import { CERT_MANAGER_GROUP, CertificateAlias, CertificateSpec as KubeDbCertificateSpec, IssuerKind, TypedLocalObjectReference } from "../api/kubedb";
import { CERT_MANAGER_API_VERSION, Certificate, Issuer, IssuerSpec, PrivateKeyAlgorithm, PrivateKeyRotationPolicy } from "../api/certManager";
import { CertificateAliasSettings } from "../database/settings";
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
