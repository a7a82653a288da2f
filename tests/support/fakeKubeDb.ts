/**
 * Plays KubeDB's ops-manager on a FakeKubeApi: reacts to created MSSQLServerOpsRequests by
 * moving them through the phases and conditions the real operator reports, and (on a successful
 * RotateAuth) switches the database's spec.authSecret to the new Secret, as newer KubeDB does.
 */
import { FakeKubeApi, KubeObject } from "./fakeKubeApi";

export const OPS = "ops.kubedb.com/v1alpha1";
export const DB = "kubedb.com/v1alpha2";
export const NS = "db";

export type Outcome = "Successful" | "Failed" | "Denied" | "Skipped" | "Hang";

export interface OperatorScript {
    /** What happens to each created request, in creation order; the last entry repeats. */
    outcomes: Outcome[];
    /** Delay between steps, ms. Default 20. */
    stepMs?: number;
    /** Switch spec.authSecret.name on a successful RotateAuth. Default true. */
    switchAuthSecret?: boolean;
}

export function condition(type: string, status: "True" | "False", reason: string, message = "", at = Date.now()) {
    return { type, status, reason, message, lastTransitionTime: new Date(at).toISOString(), observedGeneration: 1 };
}

/** Steps KubeDB reports for a RotateAuth on a standalone server (from KubeDB's guide). */
const ROTATE_STEPS = ["DatabasePauseSucceeded", "UpdateCredential", "UpdatePetSets", "RestartNodes"];

export function installOperator(fake: FakeKubeApi, script: OperatorScript): { created: string[] } {
    const created: string[] = [];
    const step = script.stepMs ?? 20;
    fake.onCreate("mssqlserveropsrequests", (request: KubeObject) => {
        const name: string = request.metadata.name;
        const outcome = script.outcomes[Math.min(created.length, script.outcomes.length - 1)];
        created.push(name);
        const setStatus = (status: KubeObject) => fake.patchStatus(OPS, "mssqlserveropsrequests", NS, name, status);
        const conditions: KubeObject[] = [];
        if (outcome === "Denied") {
            fake.schedule(step, () => void setStatus({ phase: "Denied", conditions: [condition("Denied", "False", "OpsRequestDenied", "denied by the approval policy of namespace db")] }));
            return;
        }
        if (outcome === "Hang") {
            fake.schedule(step, () => void setStatus({ phase: "Progressing", conditions: [condition("Progressing", "True", "OpsRequestProgressingStarted", "started")] }));
            return;
        }
        if (outcome === "Skipped") {
            fake.schedule(step, () => void setStatus({ phase: "Skipped", conditions: [condition("Skipped", "True", "NewerOpsRequestExists", "a newer RotateAuth request exists for mssql")] }));
            return;
        }
        fake.schedule(step, () => void setStatus({ phase: "Progressing", conditions: [condition("Progressing", "True", "OpsRequestProgressingStarted", "started")] }));
        const steps = outcome === "Failed" ? ROTATE_STEPS.slice(0, 2) : ROTATE_STEPS;
        steps.forEach((type, i) => {
            fake.schedule(step * (i + 2), () => {
                const failing = outcome === "Failed" && i === steps.length - 1;
                conditions.push(failing
                    ? condition(type, "False", "UpdateCredentialFailed", "login failed for user 'sa': the new password does not meet the policy")
                    : condition(type, "True", type, `${type} done`));
                setStatus({ phase: failing ? "Failed" : "Progressing", conditions: [condition("Progressing", "True", "OpsRequestProgressingStarted", "started"), ...conditions] });
            });
        });
        if (outcome === "Successful") {
            fake.schedule(step * (steps.length + 2), () => {
                const secretName = request.spec?.authentication?.secretRef?.name;
                if (request.spec?.type === "RotateAuth" && secretName && script.switchAuthSecret !== false) {
                    fake.patch(DB, "mssqlservers", NS, request.spec.databaseRef.name, { spec: { authSecret: { kind: "Secret", name: secretName } } });
                }
                setStatus({ phase: "Successful", conditions: [...conditions, condition("Successful", "True", "Successful", "Successfully rotated the credential")] });
            });
        }
    });
    return { created };
}

/** A database as KubeDB leaves it after provisioning, using `secretName`. */
export function putDatabase(fake: FakeKubeApi, name: string, secretName: string): KubeObject {
    return fake.put({
        apiVersion: DB, kind: "MSSQLServer",
        metadata: { name, namespace: NS },
        spec: { version: "2022-cu22", replicas: 1, authSecret: { kind: "Secret", name: secretName }, deletionPolicy: "Halt",
            tls: { issuerRef: { apiGroup: "cert-manager.io", kind: "Issuer", name: `${name}-ca` }, clientTLS: true } },
        status: { phase: "Ready" },
    });
}

export function putSecret(fake: FakeKubeApi, name: string, password: string, labels?: Record<string, string>): KubeObject {
    return fake.put({
        apiVersion: "v1", kind: "Secret", type: "kubernetes.io/basic-auth",
        metadata: { name, namespace: NS, ...(labels ? { labels } : {}) },
        stringData: { username: "sa", password },
    });
}

export function putRequest(fake: FakeKubeApi, name: string, status?: KubeObject, database = "mssql", secretName = "x"): KubeObject {
    return fake.put({
        apiVersion: OPS, kind: "MSSQLServerOpsRequest",
        metadata: { name, namespace: NS },
        spec: { type: "RotateAuth", databaseRef: { name: database }, authentication: { secretRef: { kind: "Secret", name: secretName } } },
        ...(status ? { status } : {}),
    });
}
