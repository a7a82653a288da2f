/**
 * cert-manager object shapes (cert-manager.io/v1), only the fields this project emits.
 * Names and enums match the upstream CRDs (cert-manager.io_issuers, _clusterissuers, _certificates).
 *
 * Typed here rather than taken from @kubernetes-models/cert-manager: that package validates at run
 * time with its own copy of an older schema and would pull a validator into the dynamic-provider
 * closure; the handful of fields we emit are checked against the real CRDs by the tests instead.
 */
import { Condition, ObjectMeta } from "./meta";
import { IssuerKind } from "./kubedb";

export const CERT_MANAGER_API_VERSION = "cert-manager.io/v1";

/** cert-manager's Certificate says `group` where KubeDB says `apiGroup`. */
export interface IssuerReference {
    group: "cert-manager.io";
    kind: IssuerKind;
    name: string;
}

export const PRIVATE_KEY_ALGORITHMS = ["RSA", "ECDSA", "Ed25519"] as const;
export type PrivateKeyAlgorithm = (typeof PRIVATE_KEY_ALGORITHMS)[number];
export const PRIVATE_KEY_ROTATION_POLICIES = ["Never", "Always"] as const;
export type PrivateKeyRotationPolicy = (typeof PRIVATE_KEY_ROTATION_POLICIES)[number];

export interface CertificatePrivateKey {
    algorithm?: PrivateKeyAlgorithm;
    size?: number;
    rotationPolicy?: PrivateKeyRotationPolicy;
}

export interface CertificateSpec {
    secretName: string;
    issuerRef: IssuerReference;
    commonName?: string;
    dnsNames?: string[];
    isCA?: boolean;
    duration?: string;
    renewBefore?: string;
    privateKey?: CertificatePrivateKey;
    usages?: string[];
    secretTemplate?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

export interface Certificate {
    apiVersion: typeof CERT_MANAGER_API_VERSION;
    kind: "Certificate";
    metadata: ObjectMeta;
    spec: CertificateSpec;
    status?: { conditions?: Condition[]; notAfter?: string };
}

/** `selfSigned: {}` or `ca: { secretName }`: the two issuer types a bootstrapped CA needs. */
export type IssuerSpec = { selfSigned: Record<string, never> } | { ca: { secretName: string } };

export interface Issuer {
    apiVersion: typeof CERT_MANAGER_API_VERSION;
    kind: IssuerKind;
    metadata: ObjectMeta;
    spec: IssuerSpec;
    status?: { conditions?: Condition[] };
}
