/**
 * Which ReconfigureTLS request (if any) turns the TLS configuration the database has into the one
 * the config asks for. Pure, so preview-time diffs and tests can use it without a cluster.
 *
 * KubeDB accepts exactly one action per request; `planTlsChange` gives the next one, and the
 * provider applies `afterRequest` and plans again until nothing is left (at most two requests):
 *   1. a new issuer and/or changed certificate settings (and a changed clientTLS rides along):
 *      `{ issuerRef?, certificates?, clientTLS? }` — a new issuer re-issues every certificate;
 *      changed settings re-issue only the aliases they touch;
 *   2. then, unless a new issuer re-issued everything, a bumped `tls.rotation.generation` or a
 *      re-keyed bootstrapped CA: `{ rotateCertificates: true }`.
 */
import { CertificateSpec, ReconfigureTLSAction, TypedLocalObjectReference } from "../api/kubedb";
import { stableJson } from "../core/names";

export interface TlsState {
    issuerRef: TypedLocalObjectReference;
    /** KubeDB's per-alias certificate settings, in alias order. */
    certificates: CertificateSpec[];
    clientTLS: boolean;
    rotationGeneration: number;
    /** Fingerprint of the bootstrapped CA's settings ("" for a user's issuer): a change re-issues the CA. */
    caRevision: string;
}

export type TlsActionKind = "issuer" | "certificates" | "issuer+certificates" | "clientTLS" | "rotateCertificates" | "reassert";

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
            reason:
                applied.caRevision !== desired.caRevision
                    ? "the bootstrapped CA was re-issued"
                    : `tls.rotation.generation ${applied.rotationGeneration} → ${desired.rotationGeneration}`,
        };
    }
    return undefined;
}

/** What the database has after a plan's request succeeded. */
export function afterRequest(applied: TlsState, desired: TlsState, plan: TlsPlan): TlsState {
    // A new issuer, a rotation or a re-assertion re-issues every certificate from the desired CA.
    if (plan.kind === "issuer" || plan.kind === "issuer+certificates" || plan.kind === "rotateCertificates" || plan.kind === "reassert") return desired;
    return { ...applied, issuerRef: desired.issuerRef, certificates: desired.certificates, clientTLS: desired.clientTLS };
}

/**
 * After an attempt that did not finish, what the database has is unknown (KubeDB may have got part
 * of the way): re-apply the whole desired configuration, which re-issues every certificate.
 */
export function reassertTls(desired: TlsState): TlsPlan {
    return {
        kind: "reassert",
        action: {
            issuerRef: desired.issuerRef,
            ...(desired.certificates.length > 0 ? { certificates: desired.certificates } : {}),
            clientTLS: desired.clientTLS,
        },
        caChanges: true,
        reason: "the last attempt did not finish; re-applying the whole TLS configuration",
    };
}

/**
 * Certificates to send: every alias whose settings changed; an alias whose settings were removed
 * is sent bare, so KubeDB goes back to its defaults for it.
 */
function certificatesForRequest(applied: CertificateSpec[], desired: CertificateSpec[]): CertificateSpec[] {
    const before = new Map(applied.map((c) => [c.alias, c]));
    const after = new Map(desired.map((c) => [c.alias, c]));
    const aliases = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
    return aliases.filter((alias) => !same(before.get(alias), after.get(alias))).map((alias) => after.get(alias) ?? { alias });
}

const ORDER = ["server", "client", "endpoint"];
