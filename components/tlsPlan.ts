/**
 * Which ReconfigureTLS request (if any) turns the TLS configuration the database has into the one
 * the config asks for. Pure, so preview-time diffs and tests can use it without a cluster.
 *
 * KubeDB accepts exactly one action per request, so one `pulumi up` runs at most one:
 *   1. a new issuer and/or changed certificate settings (and a changed clientTLS rides along):
 *      `{ issuerRef?, certificates?, clientTLS? }` — this re-issues every certificate anyway;
 *   2. otherwise a bumped `tls.rotation.generation` or a re-issued bootstrapped CA:
 *      `{ rotateCertificates: true }`.
 */
import { CertificateSpec, ReconfigureTLSAction, TypedLocalObjectReference } from "./api/kubedb";
import { stableJson } from "./names";

export interface TlsState {
    issuerRef: TypedLocalObjectReference;
    /** KubeDB's per-alias certificate settings, in alias order. */
    certificates: CertificateSpec[];
    clientTLS: boolean;
    rotationGeneration: number;
    /** Fingerprint of the bootstrapped CA's settings ("" for a user's issuer): a change re-issues the CA. */
    caRevision: string;
}

export type TlsActionKind = "issuer" | "certificates" | "issuer+certificates" | "clientTLS" | "rotateCertificates";

export interface TlsPlan {
    kind: TlsActionKind;
    action: ReconfigureTLSAction & { clientTLS?: boolean };
    /** Whether the CA that signs the server certificate changes (clients must trust old and new meanwhile). */
    caChanges: boolean;
    /** Why, for the progress log and the ledger. */
    reason: string;
}

const same = (a: unknown, b: unknown) => stableJson(a) === stableJson(b);

export function planTlsChange(applied: TlsState, desired: TlsState): TlsPlan | undefined {
    const issuerChanged = !same(applied.issuerRef, desired.issuerRef);
    const certificatesChanged = !same(applied.certificates, desired.certificates);
    const clientTlsChanged = applied.clientTLS !== desired.clientTLS;
    const clientTLS = clientTlsChanged ? { clientTLS: desired.clientTLS } : {};

    if (issuerChanged || certificatesChanged) {
        const kind: TlsActionKind = issuerChanged && certificatesChanged ? "issuer+certificates" : issuerChanged ? "issuer" : "certificates";
        return {
            kind,
            action: {
                ...(issuerChanged ? { issuerRef: desired.issuerRef } : {}),
                ...(certificatesChanged ? { certificates: certificatesForRequest(applied.certificates, desired.certificates) } : {}),
                ...clientTLS,
            },
            caChanges: issuerChanged || applied.caRevision !== desired.caRevision,
            reason: issuerChanged
                ? `issuer ${applied.issuerRef.kind}/${applied.issuerRef.name} → ${desired.issuerRef.kind}/${desired.issuerRef.name}`
                : "certificate settings changed",
        };
    }
    if (clientTlsChanged) {
        // KubeDB refuses clientTLS on its own; re-applying the same issuer carries it.
        return {
            kind: "clientTLS",
            action: { issuerRef: desired.issuerRef, ...clientTLS },
            caChanges: applied.caRevision !== desired.caRevision,
            reason: `clientTLS ${applied.clientTLS} → ${desired.clientTLS}`,
        };
    }
    if (applied.rotationGeneration !== desired.rotationGeneration || applied.caRevision !== desired.caRevision) {
        return {
            kind: "rotateCertificates",
            action: { rotateCertificates: true },
            caChanges: applied.caRevision !== desired.caRevision,
            reason: applied.caRevision !== desired.caRevision ? "the bootstrapped CA was re-issued" : `tls.rotation.generation ${applied.rotationGeneration} → ${desired.rotationGeneration}`,
        };
    }
    return undefined;
}

/**
 * Certificates to send: every alias whose settings changed; an alias whose settings were removed
 * is sent bare, so KubeDB goes back to its defaults for it.
 */
function certificatesForRequest(applied: CertificateSpec[], desired: CertificateSpec[]): CertificateSpec[] {
    const before = new Map(applied.map((c) => [c.alias, c]));
    const after = new Map(desired.map((c) => [c.alias, c]));
    const aliases = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
    return aliases
        .filter((alias) => !same(before.get(alias), after.get(alias)))
        .map((alias) => after.get(alias) ?? { alias });
}

const ORDER = ["server", "client", "endpoint"];
