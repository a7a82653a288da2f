/**
 * The provider behind {@link CredentialRotation}: it makes the database use the current
 * credential Secret, through a KubeDB RotateAuth request, and blocks `pulumi up` until KubeDB says
 * it is done.
 *
 * - create: the database was just created with this Secret (or already uses it): nothing to do.
 *   If it uses another Secret (an adopted database), rotate.
 * - update: the Secret changed (new password), or the last attempt failed: rotate.
 * - diff: pure, never calls the cluster, so `pulumi preview` shows a rotation without touching it.
 *
 * A failed or timed-out rotation is reported as an initialization error: Pulumi keeps the
 * resource with the state before the rotation, the next `pulumi up` updates it again, and the
 * runner creates a fresh request (`-r2`, `-r3`, …). The error says which Secret the database
 * references afterwards (read back: a RotateAuth that fails after its UpdateCredential step has
 * already switched it); the connection Secret is not touched, because it depends on this
 * resource's success.
 */
import { KubeApi, MSSQL_SERVERS, kubeApi } from "../kube/client";
import { MSSQLServerOpsRequest } from "../api/kubedb";
import { selectorFor } from "../core/names";
import { markReferenced } from "./retainedCredential";
import { QueuedRequest, queueStop, runQueue } from "../ops/queue";
import { initializationError, withoutKubeconfig } from "../resourceProtocol";
import { Ledger, ledgerProvider, unsettledPhase } from "../ops/ledger";
import { opsRequestFailure } from "../ops/waiter";
import { failureMessage, mayStillRun } from "../ops/outcomes";

export interface CredentialRotationInputs {
    namespace: string;
    database: string;
    /** The credential Secret the database must use. */
    secretName: string;
    /**
     * The RotateAuth request to send when the database does not use the Secret yet, exactly as the
     * program built it (manifests.ts); the provider only adds a retry suffix and an owner reference.
     */
    request: MSSQLServerOpsRequest;
    /** Ledger facts carried through (not used to decide anything). */
    generation: number;
    periodStart: string;
    stepTimeout: string;
    timeoutSeconds: number;
    kubeconfig?: string;
}

export interface CredentialRotationOutputs extends Omit<CredentialRotationInputs, "kubeconfig"> {
    /** The Secret this resource last made the database use. */
    appliedSecretName: string;
    /** The Secret `spec.authSecret.name` of the database names, read back after the rotation. */
    activeSecretName: string;
    /** `Initial` (no rotation needed), or the phase of the last request. */
    lastPhase: string;
    lastRequest: string;
    activeSince: string;
    removedSecrets: string[];
}

function settle(
    inputs: CredentialRotationInputs,
    fields: Pick<CredentialRotationOutputs, "lastPhase" | "lastRequest" | "activeSince" | "removedSecrets"> & { activeSecretName?: string },
): CredentialRotationOutputs {
    return {
        ...withoutKubeconfig(inputs),
        appliedSecretName: inputs.secretName,
        activeSecretName: fields.activeSecretName ?? inputs.secretName,
        lastPhase: fields.lastPhase,
        lastRequest: fields.lastRequest,
        activeSince: fields.activeSince,
        removedSecrets: fields.removedSecrets,
    };
}

/**
 * Makes the database use `inputs.secretName`. On failure throws an initialization error that
 * keeps `previous` (the state before this attempt) so the next `pulumi up` retries.
 */
export async function rotateCredential(
    inputs: CredentialRotationInputs,
    previous: Partial<CredentialRotationOutputs>,
    api: KubeApi = kubeApi(inputs.kubeconfig),
): Promise<CredentialRotationOutputs> {
    const { namespace, database, secretName } = inputs;
    const before = await api.getObject(MSSQL_SERVERS, namespace, database);
    if (!before) throw new Error(`MSSQLServer ${namespace}/${database} not found; cannot rotate its credential`);
    const usedBefore: string = before.spec?.authSecret?.name ?? "";

    if (usedBefore === secretName && previous.lastPhase === undefined) {
        // First deployment: the database was created with this very Secret.
        await markReferenced(api, namespace, database, usedBefore);
        return settle(inputs, {
            lastPhase: "Initial",
            lastRequest: "",
            activeSince: before.metadata.creationTimestamp ?? new Date().toISOString(),
            removedSecrets: [],
        });
    }
    if (!(await api.getSecret(namespace, secretName))) {
        throw new Error(`credential Secret ${namespace}/${secretName} does not exist; KubeDB requires it before the RotateAuth request`);
    }

    const request = inputs.request;
    if (request?.spec?.type !== "RotateAuth" || request.spec.authentication?.secretRef?.name !== secretName || request.spec.databaseRef?.name !== database) {
        throw new Error(`the RotateAuth request given for ${namespace}/${database} does not point at Secret ${secretName}`);
    }
    // The same queue as TLS and day-2 changes (one request here): it waits for any other request of
    // the database, creates or adopts this one, and waits for it with fail-fast.
    let result;
    try {
        const ran = await runQueue<boolean, QueuedRequest<boolean>>({
            api,
            database: before,
            applied: false,
            sequence: 0,
            timeoutSeconds: inputs.timeoutSeconds,
            next: (rotated) => (rotated ? undefined : { manifest: request, action: `RotateAuth to Secret ${secretName}`, after: true }),
        });
        result = ran.last!;
    } catch (error) {
        const stop = queueStop<boolean, QueuedRequest<boolean>>(error);
        if (!stop) throw error;
        throw await rotationFailure(api, stop.cause, inputs, previous, usedBefore, stop.attemptName);
    }

    // The rotation succeeded. Reading back is best effort: a failure here must not pass for a failed
    // rotation (that would rotate again on the next run), it only skips the clean-up.
    let activeSecretName = "";
    let removedSecrets: string[] = [];
    try {
        const after = await api.getObject(MSSQL_SERVERS, namespace, database);
        activeSecretName = after?.spec?.authSecret?.name ?? "";
        if (activeSecretName) await markReferenced(api, namespace, database, activeSecretName);
        if (activeSecretName === secretName) removedSecrets = await removeSupersededSecrets(api, namespace, database, secretName);
    } catch {
        /* leave activeSecretName unknown and every Secret in place */
    }
    return settle(inputs, { lastPhase: "Successful", lastRequest: result.name, activeSince: result.observedAt, activeSecretName, removedSecrets });
}

/**
 * The initialization error of a rotation that did not succeed, telling the truth about where it
 * stopped. RotateAuth points `spec.authSecret` at the new Secret in its UpdateCredential step,
 * before it restarts the pods, so a request that fails later leaves the database referencing the
 * new Secret: that is read back, not assumed. The connection Secret is never moved to an
 * unconfirmed credential (it depends on this resource's success).
 */
async function rotationFailure(
    api: KubeApi,
    error: unknown,
    inputs: CredentialRotationInputs,
    previous: Partial<CredentialRotationOutputs>,
    usedBefore: string,
    attemptName: string,
): Promise<Error> {
    const { namespace, database, secretName } = inputs;
    const failure = opsRequestFailure(error);
    // The last Secret a rotation was confirmed for (or the database was created with).
    const confirmed = previous.appliedSecretName ?? usedBefore;
    let inUse: string | undefined;
    let readError = "";
    try {
        inUse = (await api.getObject(MSSQL_SERVERS, namespace, database))?.spec?.authSecret?.name;
        // A half-done rotation leaves the database on the new Secret: a re-creation must know. Not
        // while the request may still run (a timeout, a watch refused): it may still switch.
        if (inUse && !mayStillRun(error)) await markReferenced(api, namespace, database, inUse);
    } catch (e) {
        readError = (e as Error).message;
    }
    const credentialStep = failure?.conditions.find((c) => c.type === "UpdateCredential");
    const stepReport = credentialStep
        ? ` KubeDB reports its UpdateCredential step ${credentialStep.status === "True" ? "done" : `as ${credentialStep.status}`}.`
        : "";
    // KubeDB switched the database to the new Secret, but the request did not confirm it.
    const halfDone = !mayStillRun(error) && inUse === secretName && confirmed !== secretName;
    let now: string;
    if (mayStillRun(error)) {
        now = `The database references Secret ${inUse ?? "(unknown)"} for now; the connection Secret is unchanged.`;
    } else if (inUse === undefined) {
        now = `Which Secret the database references now could not be read${readError ? ` (${readError})` : ""}; check with \`kubectl get mssqlserver ${database} -n ${namespace} -o jsonpath='{.spec.authSecret.name}'\`. The connection Secret is unchanged.`;
    } else if (halfDone) {
        now =
            `The rotation is half done: KubeDB has switched the database to the new Secret ${secretName}, but the request did not finish, ` +
            `so SQL Server's sa password may already be the new one while some pods were not restarted.${stepReport} ` +
            `The connection Secret still holds the previous password (from ${confirmed}) and was not moved to the unconfirmed one.`;
    } else {
        now = `The database still references Secret ${inUse}${inUse === usedBefore ? " (KubeDB did not switch it)" : ""}.${stepReport} The connection Secret is unchanged.`;
    }
    const state: Partial<CredentialRotationOutputs> = {
        ...previous,
        ...withoutKubeconfig(inputs),
        // What the database references is reported apart, read back.
        appliedSecretName: confirmed,
        activeSecretName: inUse ?? "",
        lastPhase: unsettledPhase(error),
        lastRequest: attemptName,
    };
    const message = failureMessage({
        request: "RotateAuth",
        namespace,
        database,
        cause: error,
        attemptName,
        now,
        retry: "it retries with a new request for the same Secret",
        seeAlso: halfDone ? 'README "A half-done rotation" shows how to tell which password SQL Server accepts meanwhile.' : undefined,
    });
    return initializationError(message, `${namespace}/${database}`, state);
}

/**
 * Deletes this database's earlier credential Secrets, but only those we created (labels) and only
 * once the database is confirmed to reference the new one.
 */
async function removeSupersededSecrets(api: KubeApi, namespace: string, database: string, current: string): Promise<string[]> {
    const stale = (await api.listSecrets(namespace, selectorFor(database, "credential"))).map((s) => s.metadata.name).filter((name) => name !== current);
    for (const name of stale) await api.deleteSecret(namespace, name);
    return stale.sort();
}

/** A rotation runs for a new Secret (or after an attempt that did not succeed: see ledgerProvider). */
export const credentialRotationLedger: Ledger<CredentialRotationInputs, CredentialRotationOutputs> = {
    reconcile: (inputs, previous) => rotateCredential(inputs, previous),
    nothingToRun: (olds, news) => olds.appliedSecretName === news.secretName,
};

export const credentialRotationProvider = ledgerProvider(credentialRotationLedger);
