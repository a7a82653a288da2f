/**
 * Plays KubeDB's ops-manager on a FakeKubeApi: reacts to created MSSQLServerOpsRequests by
 * moving them through the phases and conditions the real operator reports, and (on a successful
 * RotateAuth) switches the database's spec.authSecret to the new Secret, as newer KubeDB does.
 */
import { FakeKubeApi, KubeObject } from "./fakeKubeApi";

export const OPS = "ops.kubedb.com/v1alpha1";
export const DB = "kubedb.com/v1alpha2";
export const NS = "db";

export type Outcome = "Successful" | "Failed" | "Denied" | "Skipped" | "Hang" | "Vanish";

/** The shapes in which KubeDB's ops-managers record why a request failed. */
export type FailureShape =
    /** `{ type: Failed, status: True, reason: Failed, message }` */
    | "reasonFailed"
    /** `{ type: <request type>, status: False, reason: <type>Failed, message }` */
    | "ownType"
    /** no dedicated condition: the failing step's own condition is the last one */
    | "plain";

export interface OperatorScript {
    /** What happens to each created request, in creation order; the last entry repeats. */
    outcomes: Outcome[];
    /** Delay between steps, ms. Default 20. */
    stepMs?: number;
    /** Switch spec.authSecret.name at a RotateAuth's UpdateCredential step, as KubeDB does. Default true. */
    switchAuthSecret?: boolean;
    /** The step at which a Failed request fails. Default UpdateCredential (before the switch). */
    failAt?: "UpdateCredential" | "RestartNodes";
    /** How the failure is recorded. Default reasonFailed. */
    failureShape?: FailureShape;
    /** KubeDB's message for the failure. */
    failureMessage?: string;
}

export const DEFAULT_FAILURE = "failed to update credential: Login failed for user 'sa'. Reason: Password did not match that for the login provided";

export function condition(type: string, status: "True" | "False", reason: string, message = "", at = Date.now()) {
    return { type, status, reason, message, lastTransitionTime: new Date(at).toISOString(), observedGeneration: 1 };
}

/** Steps KubeDB reports for a RotateAuth on a standalone server (from KubeDB's guide). */
const ROTATE_STEPS = ["DatabasePauseSucceeded", "UpdateCredential", "UpdatePetSets", "RestartNodes"];

export function installOperator(fake: FakeKubeApi, script: OperatorScript): { created: string[]; uninstall: () => void } {
    const created: string[] = [];
    const step = script.stepMs ?? 20;
    const uninstall = fake.onCreate("mssqlserveropsrequests", (request: KubeObject) => {
        const name: string = request.metadata.name;
        const type: string = request.spec?.type;
        const outcome = script.outcomes[Math.min(created.length, script.outcomes.length - 1)];
        created.push(name);
        const setStatus = (status: KubeObject) => fake.patchStatus(OPS, "mssqlserveropsrequests", NS, name, status);
        const progressing = condition("Progressing", "True", "OpsRequestProgressingStarted", "started");
        if (outcome === "Vanish") {
            fake.schedule(step, () => void fake.remove(OPS, "mssqlserveropsrequests", NS, name));
            return;
        }
        if (outcome === "Denied") {
            fake.schedule(step, () => void setStatus({ phase: "Denied", conditions: [condition("Denied", "True", "OpsRequestDenied", "denied by the approval policy of namespace db")] }));
            return;
        }
        if (outcome === "Hang") {
            fake.schedule(step, () => void setStatus({ phase: "Progressing", conditions: [progressing] }));
            return;
        }
        if (outcome === "Skipped") {
            fake.schedule(step, () => void setStatus({ phase: "Skipped", conditions: [condition("Skipped", "True", "NewerOpsRequestExists", `a newer ${type} request exists for mssql`)] }));
            return;
        }
        fake.schedule(step, () => void setStatus({ phase: "Progressing", conditions: [progressing] }));
        const failAt = ROTATE_STEPS.indexOf(script.failAt ?? "UpdateCredential");
        const steps = outcome === "Failed" ? ROTATE_STEPS.slice(0, failAt + 1) : ROTATE_STEPS;
        const conditions: KubeObject[] = [progressing];
        steps.forEach((stepType, i) => {
            fake.schedule(step * (i + 2), () => {
                const failing = outcome === "Failed" && i === steps.length - 1;
                if (!failing) {
                    conditions.push(condition(stepType, "True", stepType, `Successfully ${stepType}`));
                    // KubeDB points the database at the new Secret in this step, before the pods restart.
                    const secretName = request.spec?.authentication?.secretRef?.name;
                    if (stepType === "UpdateCredential" && type === "RotateAuth" && secretName && script.switchAuthSecret !== false) {
                        fake.patch(DB, "mssqlservers", NS, request.spec.databaseRef.name, { spec: { authSecret: { kind: "Secret", name: secretName } } });
                    }
                    setStatus({ phase: "Progressing", conditions: [...conditions] });
                    return;
                }
                const message = script.failureMessage ?? DEFAULT_FAILURE;
                // Step conditions left False, as KubeDB leaves them: never the reason by themselves.
                conditions.push(condition("EvictPod--mssql-0", "False", "EvictPod--mssql-0", "evict pod; ConditionStatus:False"));
                const shape = script.failureShape ?? "reasonFailed";
                conditions.push(shape === "reasonFailed" ? condition("Failed", "True", "Failed", message)
                    : shape === "ownType" ? condition(type, "False", `${type}Failed`, message)
                        : condition(stepType, "False", stepType, message));
                setStatus({ phase: "Failed", conditions: [...conditions] });
            });
        });
        if (outcome === "Successful") {
            fake.schedule(step * (steps.length + 2), () => {
                setStatus({ phase: "Successful", conditions: [...conditions, condition("Successful", "True", "Successful", "Successfully completed the request")] });
            });
        }
    });
    return { created, uninstall };
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
