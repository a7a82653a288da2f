/**
 * Stands in for KubeDB, and only for it: a small controller that watches the real API server and
 * does at the API level what KubeDB's operators do, so that `pulumi up` can run end to end on a
 * control plane without pods. cert-manager is the real one (controlPlane.ts): this code only
 * creates and reads cert-manager objects, as KubeDB does.
 *
 * - KubeDB provisioner: an MSSQLServer gets the defaults KubeDB's webhook fills in, its
 *   server/client (and endpoint) cert-manager Certificates from `spec.tls.issuerRef`, and becomes
 *   Ready once cert-manager has issued them and its auth Secret exists.
 * - KubeDB ops-manager: requests of one database run strictly one at a time, oldest first, only on a
 *   Ready database (`apply: IfReady`), through Pending → Progressing → Successful with KubeDB's step
 *   conditions and their effect on the MSSQLServer (RotateAuth switches `spec.authSecret` at
 *   UpdateCredential; ReconfigureTLS moves the Certificates to the new issuer, or asks cert-manager
 *   to re-issue them with an `Issuing` condition, as `cmctl renew` does, and waits until it has; UpdateVersion, scaling,
 *   VolumeExpansion, Reconfigure write the result back). A test scripts the next request's outcome
 *   (`Failed` at a step with a message, `Denied`, `Skipped`) with `scriptNext`.
 *
 * Level-triggered: every watch event (and a resync each second) runs one pass over everything.
 */
import { OpsRequestType } from "../../../components/api/kubedb";
import { DAY_TWO_ORDER, dayTwoRequestType } from "../../../components/database/dayTwoPlan";
import { REQUEST_TYPES } from "../../../components/ops/requestTypes";
import type * as k8sClient from "@kubernetes/client-node";
import { clientNode } from "./controlPlane";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- objects read back from the API server are arbitrary JSON

interface Ref {
    group: string;
    version: string;
    plural: string;
    cluster?: boolean;
}
const CERTIFICATES: Ref = { group: "cert-manager.io", version: "v1", plural: "certificates" };
const MSSQL: Ref = { group: "kubedb.com", version: "v1alpha2", plural: "mssqlservers" };
const OPS: Ref = { group: "ops.kubedb.com", version: "v1alpha1", plural: "mssqlserveropsrequests" };

/** Where cert-manager keeps the key pairs of ClusterIssuers. */
export const CLUSTER_RESOURCE_NAMESPACE = "cert-manager";

export interface OpsScript {
    outcome: "Successful" | "Failed" | "Denied" | "Skipped";
    /** For Failed: the step that fails (default: the first step after pausing the database). */
    failAt?: string;
    /** KubeDB's message for the failure. */
    message?: string;
    /**
     * For Failed: record the failure on the failing step's own condition (`<step>=False, reason
     * <step>Failed`) instead of a `reason: Failed` condition, as KubeDB's RotateAuth does.
     */
    recordedOnStep?: boolean;
}

interface Progress {
    step: number;
    at: number;
    outcome: OpsScript;
    waitingSince?: number;
    /** A ReconfigureTLS's certificates: their `status.revision` before it asked cert-manager to issue. */
    revisions?: Record<string, number>;
}

const STEP_MS = 150;

function condition(type: string, status: "True" | "False", reason: string, message: string) {
    return { type, status, reason, message, lastTransitionTime: new Date().toISOString(), observedGeneration: 1 };
}

export class StandIns {
    /** One line per thing done, for the test report and for assertions. */
    readonly log: string[] = [];
    private readonly scripts: OpsScript[] = [];
    private readonly progress = new Map<string, Progress>();
    private readonly watches: Array<{ abort(): void }> = [];
    private resync?: NodeJS.Timeout;
    private pending?: NodeJS.Timeout;
    private running = false;
    private again = false;
    private stopped = false;
    private readonly custom: k8sClient.CustomObjectsApi;
    private readonly core: k8sClient.CoreV1Api;
    private readonly k8s = clientNode();

    private constructor(kc: k8sClient.KubeConfig) {
        this.custom = kc.makeApiClient(this.k8s.CustomObjectsApi);
        this.core = kc.makeApiClient(this.k8s.CoreV1Api);
    }

    static async start(kubeconfig: string): Promise<StandIns> {
        const k8s = clientNode();
        const kc = new k8s.KubeConfig();
        kc.loadFromString(kubeconfig);
        const standIns = new StandIns(kc);
        const watch = new k8s.Watch(kc);
        for (const ref of [CERTIFICATES, MSSQL, OPS]) standIns.watchCollection(watch, `/apis/${ref.group}/${ref.version}/${ref.plural}`);
        standIns.watchCollection(watch, "/api/v1/secrets");
        standIns.resync = setInterval(() => standIns.kick(), 1000);
        standIns.kick();
        return standIns;
    }

    /** The outcome of the next ops request to start (then back to Successful). */
    scriptNext(script: OpsScript): void {
        this.scripts.push(script);
    }

    stop(): void {
        this.stopped = true;
        clearInterval(this.resync);
        clearTimeout(this.pending);
        for (const w of this.watches) w.abort();
    }

    private watchCollection(watch: k8sClient.Watch, path: string): void {
        const start = () => {
            if (this.stopped) return;
            watch
                .watch(
                    path,
                    {},
                    () => this.kick(),
                    () => setTimeout(start, 500),
                )
                .then(
                    (controller) => this.watches.push(controller),
                    () => setTimeout(start, 500),
                );
        };
        start();
    }

    private kick(): void {
        if (this.stopped || this.pending) return;
        this.pending = setTimeout(() => {
            this.pending = undefined;
            void this.pass();
        }, 20);
    }

    private async pass(): Promise<void> {
        if (this.running) {
            this.again = true;
            return;
        }
        this.running = true;
        try {
            for (const db of await this.list(MSSQL)) await this.reconcileDatabase(db);
            await this.reconcileRequests(await this.list(OPS));
        } catch (error) {
            if (!this.stopped) this.log.push(`error: ${(error as Error).message}`);
        } finally {
            this.running = false;
            if (this.again) {
                this.again = false;
                this.kick();
            }
        }
    }

    // ------------------------------------------------------------------ API helpers

    private async list(ref: Ref): Promise<Obj[]> {
        const list = (await this.custom.listClusterCustomObject({ group: ref.group, version: ref.version, plural: ref.plural })) as Obj;
        return list.items ?? [];
    }

    private async get(ref: Ref, namespace: string | undefined, name: string): Promise<Obj | undefined> {
        try {
            return ref.cluster || !namespace
                ? ((await this.custom.getClusterCustomObject({ ...ref, name })) as Obj)
                : ((await this.custom.getNamespacedCustomObject({ ...ref, namespace, name })) as Obj);
        } catch (e) {
            if ((e as { code?: number }).code === 404) return undefined;
            throw e;
        }
    }

    private merge() {
        return this.k8s.setHeaderOptions("Content-Type", this.k8s.PatchStrategy.MergePatch);
    }

    private async patch(ref: Ref, object: Obj, body: Obj): Promise<void> {
        const { name, namespace } = object.metadata;
        if (ref.cluster) await this.custom.patchClusterCustomObject({ ...ref, name, body }, this.merge());
        else await this.custom.patchNamespacedCustomObject({ ...ref, namespace, name, body }, this.merge());
    }

    private async patchStatus(ref: Ref, object: Obj, status: Obj): Promise<void> {
        const { name, namespace } = object.metadata;
        const body = { status };
        if (ref.cluster) await this.custom.patchClusterCustomObjectStatus({ ...ref, name, body }, this.merge());
        else await this.custom.patchNamespacedCustomObjectStatus({ ...ref, namespace, name, body }, this.merge());
    }

    private async secret(namespace: string, name: string): Promise<k8sClient.V1Secret | undefined> {
        try {
            return await this.core.readNamespacedSecret({ namespace, name });
        } catch (e) {
            if ((e as { code?: number }).code === 404) return undefined;
            throw e;
        }
    }

    /** Sets `type` among the conditions (keeping the others) when it is not already so. */
    private async setCondition(ref: Ref, object: Obj, type: string, status: "True" | "False", reason: string, message: string, extra: Obj = {}): Promise<void> {
        const conditions: Obj[] = object.status?.conditions ?? [];
        const current = conditions.find((c) => c.type === type);
        const extraChanged = Object.entries(extra).some(([k, v]) => JSON.stringify(object.status?.[k]) !== JSON.stringify(v));
        if (current?.status === status && current.reason === reason && !extraChanged) return;
        await this.patchStatus(ref, object, { ...extra, conditions: [...conditions.filter((c) => c.type !== type), condition(type, status, reason, message)] });
    }

    // ------------------------------------------------------------------ KubeDB provisioner

    private certificateAliases(db: Obj): string[] {
        return db.spec?.topology?.mode ? ["server", "client", "endpoint"] : ["server", "client"];
    }

    private async reconcileDatabase(db: Obj): Promise<void> {
        const { namespace, name } = db.metadata;
        if (!db.status?.phase) {
            await this.fillDefaults(db);
            await this.patchStatus(MSSQL, db, {
                phase: "Provisioning",
                observedGeneration: db.metadata.generation,
                conditions: [
                    condition(
                        "ProvisioningStarted",
                        "True",
                        "DatabaseProvisioningStartedSuccessfully",
                        `The KubeDB operator has started the provisioning of MSSQLServer: ${namespace}/${name}`,
                    ),
                ],
            });
            return;
        }
        const issuerRef = db.spec.tls.issuerRef;
        let allIssued = true;
        for (const alias of this.certificateAliases(db)) {
            const settings = (db.spec.tls.certificates ?? []).find((c: Obj) => c.alias === alias) ?? {};
            const certName = `${name}-${alias}-cert`;
            const desired = {
                secretName: settings.secretName ?? certName,
                issuerRef: { group: "cert-manager.io", kind: issuerRef.kind, name: issuerRef.name },
                commonName: alias === "client" ? "mssql" : name,
                dnsNames: [...new Set([name, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`, ...(settings.dnsNames ?? [])])],
                ...(settings.ipAddresses ? { ipAddresses: settings.ipAddresses } : {}),
                ...(settings.duration ? { duration: settings.duration } : {}),
                ...(settings.renewBefore ? { renewBefore: settings.renewBefore } : {}),
                usages: ["digital signature", "key encipherment", ...(alias === "client" ? ["client auth"] : ["server auth", "client auth"])],
            };
            const existing = await this.get(CERTIFICATES, namespace, certName);
            if (!existing) {
                await this.custom.createNamespacedCustomObject({
                    ...CERTIFICATES,
                    namespace,
                    body: {
                        apiVersion: "cert-manager.io/v1",
                        kind: "Certificate",
                        metadata: {
                            name: certName,
                            namespace,
                            labels: { "app.kubernetes.io/instance": name, "app.kubernetes.io/managed-by": "kubedb.com" },
                            ownerReferences: [
                                {
                                    apiVersion: "kubedb.com/v1alpha2",
                                    kind: "MSSQLServer",
                                    name,
                                    uid: db.metadata.uid,
                                    controller: true,
                                    blockOwnerDeletion: true,
                                },
                            ],
                        },
                        spec: desired,
                    },
                });
                this.log.push(`kubedb: created Certificate ${namespace}/${certName}`);
                allIssued = false;
                continue;
            }
            if (Object.entries(desired).some(([k, v]) => JSON.stringify(v) !== JSON.stringify(existing.spec[k]))) {
                await this.patch(CERTIFICATES, existing, { spec: desired });
                allIssued = false;
            }
            const ready = (existing.status?.conditions ?? []).some((c: Obj) => c.type === "Ready" && c.status === "True");
            if (!ready || !(await this.secret(namespace, desired.secretName))) allIssued = false;
        }
        const authSecret = db.spec.authSecret?.name ? await this.secret(namespace, db.spec.authSecret.name) : undefined;
        if (db.status.phase === "Provisioning" && allIssued && authSecret) {
            const conditions = ["ReplicaReady", "AcceptingConnection", "Ready", "Provisioned"].map((type) =>
                condition(type, "True", type, `MSSQLServer ${namespace}/${name}: ${type}`),
            );
            await this.patchStatus(MSSQL, db, {
                phase: "Ready",
                observedGeneration: db.metadata.generation,
                conditions: [...db.status.conditions, ...conditions],
            });
            this.log.push(`kubedb: ${namespace}/${name} is Ready`);
        } else if (db.status.phase === "Ready" && db.status.observedGeneration !== db.metadata.generation) {
            // Like KubeDB: the status speaks for the current spec (awaiters compare the generations).
            await this.patchStatus(MSSQL, db, { observedGeneration: db.metadata.generation });
        }
    }

    /**
     * What KubeDB's mutating webhook adds to a new MSSQLServer (certificate Secret names per alias,
     * the mssql container's resources and security context), written here by another field manager
     * than Pulumi's, so that `pulumi refresh` sees an object richer than the program's.
     */
    private async fillDefaults(db: Obj): Promise<void> {
        const { name } = db.metadata;
        const certificates: Obj[] = db.spec.tls.certificates ?? [];
        const withSecrets = this.certificateAliases(db).map((alias) => ({
            ...(certificates.find((c) => c.alias === alias) ?? { alias }),
            secretName: `${name}-${alias}-cert`,
        }));
        const containers: Obj[] = (db.spec.podTemplate?.spec?.containers ?? []).map((c: Obj) =>
            c.name !== "mssql"
                ? c
                : {
                      ...c,
                      resources: c.resources ?? { limits: { memory: "4Gi" }, requests: { cpu: "500m", memory: "4Gi" } },
                      securityContext: {
                          allowPrivilegeEscalation: false,
                          capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] },
                          runAsGroup: 10001,
                          runAsNonRoot: true,
                          runAsUser: 10001,
                          seccompProfile: { type: "RuntimeDefault" },
                      },
                  },
        );
        await this.patch(MSSQL, db, { spec: { tls: { certificates: withSecrets }, podTemplate: { spec: { containers } } } });
    }

    // ------------------------------------------------------------------ KubeDB ops-manager

    /** The type's steps from the request-type table; a ReconfigureTLS also waits for cert-manager to issue. */
    private steps(request: Obj): string[] {
        const steps: string[] = [...(REQUEST_TYPES[request.spec.type as OpsRequestType] ?? REQUEST_TYPES.Restart).steps];
        if (request.spec.type === "ReconfigureTLS") steps.splice(steps.indexOf("UpdateCertificates") + 1, 0, "IssueCertificatesSucceeded");
        return steps;
    }

    private async reconcileRequests(requests: Obj[]): Promise<void> {
        const unfinished = requests.filter((r) => !["Successful", "Failed", "Denied", "Skipped"].includes(r.status?.phase));
        for (const r of unfinished) {
            if (!r.status?.phase) await this.patchStatus(OPS, r, { phase: "Pending", conditions: [] });
        }
        const byDatabase = new Map<string, Obj[]>();
        for (const r of unfinished) {
            const key = `${r.metadata.namespace}/${r.spec.databaseRef.name}`;
            byDatabase.set(key, [...(byDatabase.get(key) ?? []), r]);
        }
        for (const [, queue] of byDatabase) {
            queue.sort(
                (a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp) || a.metadata.name.localeCompare(b.metadata.name),
            );
            // One at a time: only the oldest unfinished request of a database moves.
            await this.advance(queue[0]);
        }
    }

    private async advance(request: Obj): Promise<void> {
        const { namespace } = request.metadata;
        const uid: string = request.metadata.uid;
        const db = await this.get(MSSQL, namespace, request.spec.databaseRef.name);
        let progress = this.progress.get(uid);
        if (!progress) {
            if (!db || db.status?.phase !== "Ready") return; // apply: IfReady
            progress = { step: -1, at: 0, outcome: this.scripts.shift() ?? { outcome: "Successful" } };
            this.progress.set(uid, progress);
            this.log.push(`kubedb: ${request.spec.type} ${namespace}/${request.metadata.name} starts (${progress.outcome.outcome})`);
            if (progress.outcome.outcome === "Denied" || progress.outcome.outcome === "Skipped") {
                const reason = progress.outcome.outcome === "Denied" ? "OpsRequestDenied" : "NewerOpsRequestExists";
                await this.patchStatus(OPS, request, {
                    phase: progress.outcome.outcome,
                    conditions: [
                        condition(progress.outcome.outcome, "True", reason, progress.outcome.message ?? `${progress.outcome.outcome} by the stand-in`),
                    ],
                });
                return;
            }
            // KubeDB's start condition: True, of the request's own type (never why it fails).
            const type: string = request.spec.type;
            await this.patchStatus(OPS, request, {
                phase: "Progressing",
                observedGeneration: 1,
                conditions: [
                    condition(
                        type,
                        "True",
                        type,
                        `MSSQLServer ops-request has started to ${type.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()} for mssqlserver nodes`,
                    ),
                ],
            });
            progress.at = Date.now();
            return;
        }
        if (Date.now() - progress.at < STEP_MS || !db) return;
        const steps = this.steps(request);
        const next = progress.step + 1;
        const conditions: Obj[] = request.status?.conditions ?? [];
        if (next >= steps.length) {
            await this.patchStatus(OPS, request, {
                phase: "Successful",
                conditions: [...conditions, condition("Successful", "True", "Successful", `Successfully completed ${request.spec.type}`)],
            });
            this.log.push(`kubedb: ${request.spec.type} ${namespace}/${request.metadata.name} Successful`);
            return;
        }
        const stepType = steps[next];
        const failAt = progress.outcome.outcome === "Failed" ? (progress.outcome.failAt ?? steps[1]) : undefined;
        if (stepType === failAt) {
            const message = progress.outcome.message ?? `${stepType} failed`;
            await this.patchStatus(OPS, request, {
                phase: "Failed",
                conditions: [
                    ...conditions,
                    // Step conditions left False, as KubeDB leaves them; the failure itself is recorded
                    // as a `reason: Failed` condition, or on the failing step's own condition.
                    condition(`EvictPod--${db.metadata.name}-0`, "False", `EvictPod--${db.metadata.name}-0`, "evict pod; ConditionStatus:False"),
                    progress.outcome.recordedOnStep
                        ? condition(stepType, "False", `${stepType}Failed`, message)
                        : condition("Failed", "True", "Failed", message),
                ],
            });
            this.log.push(`kubedb: ${request.spec.type} ${namespace}/${request.metadata.name} Failed at ${stepType}`);
            return;
        }
        const done = await this.applyStep(request, db, stepType);
        if (done !== true && done !== false) {
            // What KubeDB does when cert-manager does not issue: the request fails with its reason.
            await this.patchStatus(OPS, request, {
                phase: "Failed",
                conditions: [...conditions, condition(stepType, "False", `${stepType}Failed`, done.failed)],
            });
            this.log.push(`kubedb: ${request.spec.type} ${namespace}/${request.metadata.name} Failed at ${stepType}`);
            return;
        }
        if (!done) return; // not done yet: retry on the next pass
        await this.patchStatus(OPS, request, {
            phase: "Progressing",
            conditions: [...conditions, condition(stepType, "True", stepType, `Successfully ${stepType}`)],
        });
        progress.step = next;
        progress.at = Date.now();
    }

    /** A step's effect on the database; false while it is still in progress. */
    private async applyStep(request: Obj, db: Obj, step: string): Promise<boolean | { failed: string }> {
        const spec = request.spec;
        const { namespace } = db.metadata;
        switch (`${spec.type}/${step}`) {
            case "RotateAuth/UpdateCredential": {
                const ref = spec.authentication?.secretRef;
                if (ref?.name) await this.patch(MSSQL, db, { spec: { authSecret: { kind: "Secret", name: ref.name } } });
                return true;
            }
            case "ReconfigureTLS/UpdateCertificates": {
                const tls = spec.tls ?? {};
                // Which issuance each certificate is at: the request is done only once each has a newer one.
                const revisions: Record<string, number> = {};
                for (const alias of this.certificateAliases(db)) {
                    const name = `${db.metadata.name}-${alias}-cert`;
                    revisions[name] = (await this.get(CERTIFICATES, namespace, name))?.status?.revision ?? 0;
                }
                this.progress.get(request.metadata.uid)!.revisions = revisions;
                if (tls.issuerRef || tls.certificates || tls.clientTLS !== undefined) {
                    await this.patch(MSSQL, db, {
                        spec: {
                            tls: {
                                ...(tls.issuerRef ? { issuerRef: tls.issuerRef } : {}),
                                ...(tls.certificates ? { certificates: tls.certificates } : {}),
                                ...(tls.clientTLS !== undefined ? { clientTLS: tls.clientTLS } : {}),
                            },
                        },
                    });
                }
                if (tls.rotateCertificates) {
                    for (const alias of this.certificateAliases(db)) {
                        const certificate = await this.get(CERTIFICATES, namespace, `${db.metadata.name}-${alias}-cert`);
                        if (certificate) {
                            await this.setCondition(
                                CERTIFICATES,
                                certificate,
                                "Issuing",
                                "True",
                                "ManuallyTriggered",
                                "Certificate re-issuance manually triggered",
                            );
                        }
                    }
                }
                return true;
            }
            case "ReconfigureTLS/IssueCertificatesSucceeded": {
                // Done once cert-manager issued every certificate of the database again, from the issuer
                // the database names; a failed issuance fails the request with cert-manager's reason.
                const before = this.progress.get(request.metadata.uid)?.revisions ?? {};
                const wanted = db.spec.tls.issuerRef;
                for (const alias of this.certificateAliases(db)) {
                    const name = `${db.metadata.name}-${alias}-cert`;
                    const certificate = await this.get(CERTIFICATES, namespace, name);
                    const conditions: Obj[] = certificate?.status?.conditions ?? [];
                    const issuing = conditions.find((c) => c.type === "Issuing");
                    if (issuing?.status === "False" && issuing.reason === "Failed")
                        return { failed: `certificate ${namespace}/${name} was not issued: ${issuing.message}` };
                    if (
                        !certificate ||
                        certificate.spec.issuerRef.name !== wanted.name ||
                        (certificate.spec.issuerRef.kind ?? "Issuer") !== wanted.kind ||
                        issuing?.status === "True" ||
                        (certificate.status?.revision ?? 0) <= (before[name] ?? 0) ||
                        !conditions.some((c) => c.type === "Ready" && c.status === "True" && c.observedGeneration === certificate.metadata.generation)
                    )
                        return false;
                }
                return true;
            }
            default:
                return this.applyDayTwo(request, db, step);
        }
    }

    /** A day-2 request's result, written at its own step where the request-type table says it lands. */
    private async applyDayTwo(request: Obj, db: Obj, step: string): Promise<true> {
        const type = request.spec.type;
        if (!(DAY_TWO_ORDER as string[]).includes(type)) return true;
        const entry = dayTwoRequestType(type);
        if (!entry.live || step !== entry.steps[1]) return true;
        const spec = JSON.parse(JSON.stringify(db.spec));
        entry.live.write(spec, request.spec);
        // A merge patch: a field the request removed is sent as null.
        const removed = Object.fromEntries(
            Object.keys(db.spec)
                .filter((k) => !(k in spec))
                .map((k) => [k, null]),
        );
        await this.patch(MSSQL, db, { spec: { ...spec, ...removed } });
        return true;
    }
}
