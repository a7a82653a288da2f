/** KubeDB ops requests, exactly as sent: one builder per kind of request, all through one shape. */
import { DayTwoSections, OpsRequestType, KUBEDB_OPS_API_VERSION, MSSQLServerOpsRequest, ReconfigureTLSAction } from "../api/kubedb";
import { labelsFor } from "../core/names";
export interface OpsRequestBase {
    name: string;
    namespace: string;
    database: string;
    /** Per-step timeout, a Go duration. */
    stepTimeout: string;
}

export function rotateAuthRequestManifest(a: OpsRequestBase & { secretName: string }): MSSQLServerOpsRequest {
    return opsRequestManifest(a, {
        type: "RotateAuth",
        authentication: { secretRef: { kind: "Secret", name: a.secretName } },
    });
}

/** Throws unless the action carries exactly one of KubeDB's ReconfigureTLS actions. */
export function reconfigureTlsRequestManifest(a: OpsRequestBase & { action: ReconfigureTLSAction }): MSSQLServerOpsRequest {
    const action = a.action as Record<string, unknown>;
    const kinds = [
        action.rotateCertificates === true,
        action.remove === true,
        action.issuerRef !== undefined || (Array.isArray(action.certificates) && action.certificates.length > 0),
    ].filter(Boolean).length;
    const unknown = Object.keys(action).filter((k) => !["rotateCertificates", "remove", "issuerRef", "certificates", "clientTLS"].includes(k));
    const clientTlsWithoutCarrier = action.clientTLS !== undefined && action.issuerRef === undefined && action.certificates === undefined;
    if (kinds !== 1 || unknown.length > 0 || clientTlsWithoutCarrier) {
        throw new Error(
            `ReconfigureTLS request "${a.name}" must carry exactly one action (rotateCertificates, remove, or issuerRef/certificates); got ${JSON.stringify(Object.keys(action))}`,
        );
    }
    return opsRequestManifest(a, { type: "ReconfigureTLS", tls: a.action });
}

/** A day-2 request: its type and its own section (dayTwoPlan.ts decides both). */
export function dayTwoRequestManifest(a: OpsRequestBase & { type: OpsRequestType; section: DayTwoSections }): MSSQLServerOpsRequest {
    return opsRequestManifest(a, { type: a.type, ...a.section });
}

function opsRequestManifest(a: OpsRequestBase, body: Omit<MSSQLServerOpsRequest["spec"], "databaseRef" | "timeout" | "apply">): MSSQLServerOpsRequest {
    return {
        apiVersion: KUBEDB_OPS_API_VERSION,
        kind: "MSSQLServerOpsRequest",
        metadata: { name: a.name, namespace: a.namespace, labels: labelsFor(a.database, "ops-request") },
        spec: {
            ...body,
            databaseRef: { name: a.database },
            timeout: a.stepTimeout,
            apply: "IfReady",
        },
    };
}
