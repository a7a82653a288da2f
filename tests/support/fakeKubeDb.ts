/**
 * Plays KubeDB's ops-manager on a FakeKubeApi: reacts to created MSSQLServerOpsRequests by
 * moving them through the phases and conditions the real operator reports, switches the
 * database's spec.authSecret at a RotateAuth's UpdateCredential step (as newer KubeDB does), and
 * writes a day-2 request's result into the MSSQLServer when it succeeds. The steps of each type and
 * where its result lands come from the request-type table (components/ops/requestTypes.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { FakeKubeApi, KubeObject } from "./fakeKubeApi";
import * as yaml from "js-yaml";
import { OpsRequestType } from "../../components/api/kubedb";
import { DAY_TWO_ORDER, dayTwoRequestType } from "../../components/database/dayTwoPlan";
import { REQUEST_TYPES } from "../../components/ops/requestTypes";
import { dayTwoRequestManifest } from "../../components/ops/manifests";
import { MSSQLServerOpsRequest } from "../../components/api/kubedb";

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
    | "plain"
    /**
     * the failing step's own condition `{ type: <step>, status: False, reason: <step>Failed, message }`,
     * no `reason: Failed` anywhere, the request's start condition True beside it (KubeDB's RotateAuth does this)
     */
    | "stepFailed";

export interface OperatorScript {
    /** What happens to each created request, in creation order; the last entry repeats. */
    outcomes: Outcome[];
    /** Delay between steps, ms. Default 20. */
    stepMs?: number;
    /** Switch spec.authSecret.name at a RotateAuth's UpdateCredential step, as KubeDB does. Default true. */
    switchAuthSecret?: boolean;
    /**
     * The step at which a Failed request fails: UpdateCredential (the default) is a request's
     * second step (its own work, before RotateAuth's switch), RestartNodes its last.
     */
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

/** Where a Failed request fails: its own step (its second, before RotateAuth's switch), or its last. */
const FAIL_INDEX = { UpdateCredential: 1, RestartNodes: 3 };

/** What KubeDB's ops-manager says when it starts a request: a True condition of the request's own type. */
export function startCondition(type: string): ReturnType<typeof condition> {
    const words = type.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
    return condition(type, "True", type, `MSSQLServer ops-request has started to ${words} for mssqlserver nodes`);
}

/** What a successful day-2 request writes back into the MSSQLServer, as KubeDB's ops-manager does (its type's `live.write`). */
export function applyDayTwo(fake: FakeKubeApi, request: KubeObject): void {
    const spec = request.spec ?? {};
    const entry = (DAY_TWO_ORDER as string[]).includes(spec.type) ? dayTwoRequestType(spec.type) : undefined;
    const db = fake.get(DB, "mssqlservers", NS, spec.databaseRef?.name);
    if (!db || !entry?.live) return;
    const next = JSON.parse(JSON.stringify(db));
    entry.live.write(next.spec, spec);
    fake.put(next);
}

export function installOperator(fake: FakeKubeApi, script: OperatorScript): { created: string[]; uninstall: () => void } {
    const created: string[] = [];
    const step = script.stepMs ?? 20;
    const uninstall = fake.onCreate("mssqlserveropsrequests", (request: KubeObject) => {
        const name: string = request.metadata.name;
        const type: string = request.spec?.type;
        const outcome = script.outcomes[Math.min(created.length, script.outcomes.length - 1)];
        created.push(name);
        const setStatus = (status: KubeObject) => fake.patchStatus(OPS, "mssqlserveropsrequests", NS, name, status);
        const progressing = startCondition(type);
        if (outcome === "Vanish") {
            fake.schedule(step, () => void fake.remove(OPS, "mssqlserveropsrequests", NS, name));
            return;
        }
        if (outcome === "Denied") {
            fake.schedule(
                step,
                () =>
                    void setStatus({
                        phase: "Denied",
                        conditions: [condition("Denied", "True", "OpsRequestDenied", "denied by the approval policy of namespace db")],
                    }),
            );
            return;
        }
        if (outcome === "Hang") {
            fake.schedule(step, () => void setStatus({ phase: "Progressing", conditions: [progressing] }));
            return;
        }
        if (outcome === "Skipped") {
            fake.schedule(
                step,
                () =>
                    void setStatus({
                        phase: "Skipped",
                        conditions: [condition("Skipped", "True", "NewerOpsRequestExists", `a newer ${type} request exists for mssql`)],
                    }),
            );
            return;
        }
        fake.schedule(step, () => void setStatus({ phase: "Progressing", conditions: [progressing] }));
        const typeSteps = (REQUEST_TYPES[type as OpsRequestType] ?? REQUEST_TYPES.RotateAuth).steps;
        const failAt = FAIL_INDEX[script.failAt ?? "UpdateCredential"];
        const steps = outcome === "Failed" ? typeSteps.slice(0, failAt + 1) : typeSteps;
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
                if (shape === "ownType") {
                    // KubeDB sets a condition by type: the start condition turns False with the error.
                    conditions.splice(conditions.indexOf(progressing), 1);
                    conditions.push(condition(type, "False", `${type}Failed`, message));
                } else {
                    conditions.push(
                        shape === "reasonFailed"
                            ? condition("Failed", "True", "Failed", message)
                            : shape === "stepFailed"
                              ? condition(stepType, "False", `${stepType}Failed`, message)
                              : condition(stepType, "False", stepType, message),
                    );
                }
                setStatus({ phase: "Failed", conditions: [...conditions] });
            });
        });
        if (outcome === "Successful") {
            fake.schedule(step * (steps.length + 2), () => {
                applyDayTwo(fake, request);
                setStatus({
                    phase: "Successful",
                    conditions: [...conditions, condition("Successful", "True", "Successful", "Successfully completed the request")],
                });
            });
        }
    });
    return { created, uninstall };
}

/** A database as KubeDB leaves it after provisioning, using `secretName` (its spec can be amended). */
export function putDatabase(fake: FakeKubeApi, name: string, secretName: string, spec: KubeObject = {}): KubeObject {
    return fake.put({
        apiVersion: DB,
        kind: "MSSQLServer",
        metadata: { name, namespace: NS },
        spec: {
            version: "2022-cu22",
            replicas: 1,
            authSecret: { kind: "Secret", name: secretName },
            deletionPolicy: "Halt",
            tls: { issuerRef: { apiGroup: "cert-manager.io", kind: "Issuer", name: `${name}-ca` }, clientTLS: true },
            storageType: "Durable",
            storage: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } },
            // KubeDB's webhook fills resources when none are given.
            podTemplate: { spec: { containers: [{ name: "mssql", resources: { requests: { cpu: "500m", memory: "1536Mi" }, limits: { memory: "4Gi" } } }] } },
            ...spec,
        },
        status: { phase: "Ready" },
    });
}

/** KubeDB's shipped MSSQLServerVersion catalog (the copy the e2e suite installs), into the fake. */
export function putCatalog(fake: FakeKubeApi, amend: (v: KubeObject) => KubeObject = (v) => v): KubeObject[] {
    const dir = path.join(__dirname, "..", "e2e", "fixtures", "catalog");
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => fake.put(amend(yaml.load(fs.readFileSync(path.join(dir, f), "utf8")) as KubeObject)));
}

/** A StorageClass (cluster-scoped). */
export function putStorageClass(fake: FakeKubeApi, name: string, allowVolumeExpansion: boolean, isDefault = false): KubeObject {
    return fake.put({
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name, ...(isDefault ? { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } : {}) },
        provisioner: "example.com/csi",
        allowVolumeExpansion,
    });
}

export function putSecret(fake: FakeKubeApi, name: string, password: string, labels?: Record<string, string>): KubeObject {
    return fake.put({
        apiVersion: "v1",
        kind: "Secret",
        type: "kubernetes.io/basic-auth",
        metadata: { name, namespace: NS, ...(labels ? { labels } : {}) },
        stringData: { username: "sa", password },
    });
}

export function putRequest(fake: FakeKubeApi, name: string, status?: KubeObject, database = "mssql", secretName = "x"): KubeObject {
    return fake.put({
        apiVersion: OPS,
        kind: "MSSQLServerOpsRequest",
        metadata: { name, namespace: NS },
        spec: { type: "RotateAuth", databaseRef: { name: database }, authentication: { secretRef: { kind: "Secret", name: secretName } } },
        ...(status ? { status } : {}),
    });
}

/**
 * For each test of the calling suite: a loopback API server holding database `mssql` (on Secret
 * `mssql-auth-1`), stopped after the test. Returns the current one.
 */
export function useFakeDatabase(): () => FakeKubeApi {
    let fake: FakeKubeApi;
    beforeEach(async () => {
        fake = await FakeKubeApi.start();
        putDatabase(fake, "mssql", "mssql-auth-1");
    });
    afterEach(() => fake.stop());
    return () => fake;
}

/** A Restart request of database `mssql`, the simplest request there is (no section of its own to get wrong). */
export function restartRequest(name: string): MSSQLServerOpsRequest {
    return dayTwoRequestManifest({ name, namespace: NS, database: "mssql", stepTimeout: "10m", type: "Restart", section: { restart: {} } });
}
