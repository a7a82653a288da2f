/**
 * CredentialRotation — keeps the database on the current credential version.
 *
 * When the credential Secret changes (a bumped generation, a passed schedule boundary, a changed
 * `saPassword`), `pulumi up` creates one KubeDB `MSSQLServerOpsRequest` of type RotateAuth for it,
 * waits with fail-fast until KubeDB reports Successful, reads back which Secret the database now
 * references, and only then lets the connection Secret change. A re-run with the same config
 * changes nothing. The work is done by credentialRotationProvider, in the provider plugin.
 */
import * as pulumi from "@pulumi/pulumi";
import { CredentialRotationInputs, CredentialRotationOutputs } from "./credentialRotationProvider";
import { ledgerOf } from "../packageResources";
import { rotateAuthRequestManifest } from "../ops/manifests";
import { REQUEST_TYPES } from "../ops/requestTypes";
import { names } from "../core/names";
import { MAX_DATABASE_NAME_LENGTH } from "../database/settings";
import { KubernetesCluster, waiterKubeconfig } from "../kube/cluster";
import { checkDatabaseName, checkDnsLabel, checkDnsSubdomain, checkGeneration, checkInteger } from "../core/checks";
import { checkRfc3339, checkStepTimeout, DEFAULT_STEP_TIMEOUT } from "../core/durations";
import { Problems } from "../core/problems";

export interface CredentialRotationArgs {
    /** Database name. Required. */
    database: string;
    /** Database namespace. Required. */
    namespace: string;
    /** The credential Secret the database must use (SaCredential.secretName). Required. */
    secretName: pulumi.Input<string>;
    /** Rotation generation, for the ledger. Default: 0. */
    generation?: number;
    /** Start of the current schedule period (RFC 3339, see schedule.ts) or "none", for the ledger. Default: "none". */
    periodStart?: string;
    /** KubeDB's per-step timeout of the request. Default: `DEFAULT_STEP_TIMEOUT` ("10m"). */
    stepTimeout?: string;
    /** How long `pulumi up` waits for the request, in minutes. Default: 30. */
    timeoutMinutes?: number;
    /**
     * The cluster (kubernetesCluster): its kubeconfig is what the request waiter connects with. Default: the
     * ambient kubeconfig, and then no Kubernetes provider may reach this component (opts or a parent).
     */
    cluster?: KubernetesCluster;
}

/** Outputs of the RotationLedger beyond its inputs. */
const ROTATION_OUTPUTS: readonly Exclude<keyof CredentialRotationOutputs, keyof CredentialRotationInputs>[] = [
    "appliedSecretName",
    "activeSecretName",
    "lastPhase",
    "lastRequest",
    "activeSince",
    "removedSecrets",
];

/** Inputs of the RotationLedger from the component's args and the waiter's kubeconfig; validates first. */
export function credentialRotationInputs(args: CredentialRotationArgs, kubeconfig?: pulumi.Output<string>): pulumi.Inputs {
    const p = new Problems("CredentialRotation args");
    p.add("database", checkDatabaseName(args.database, MAX_DATABASE_NAME_LENGTH));
    p.add("namespace", checkDnsLabel(args.namespace));
    if (typeof args.secretName === "string") p.add("secretName", checkDnsSubdomain(args.secretName));
    if (args.periodStart !== undefined && args.periodStart !== "none") p.add("periodStart", checkRfc3339(args.periodStart));
    const stepTimeout = args.stepTimeout ?? DEFAULT_STEP_TIMEOUT;
    p.add("stepTimeout", checkStepTimeout(stepTimeout));
    const timeoutMinutes = args.timeoutMinutes ?? 30;
    p.add("timeoutMinutes", checkInteger(timeoutMinutes, 1, 24 * 60));
    p.add("generation", checkGeneration(args.generation ?? 0));
    p.throwIfAny();
    const secretName = pulumi.output(args.secretName);
    const inputs: Record<keyof CredentialRotationInputs, pulumi.Input<unknown> | undefined> = {
        namespace: args.namespace,
        database: args.database,
        secretName,
        // One request per credential version: named after the Secret's unique suffix.
        request: secretName.apply((s) =>
            rotateAuthRequestManifest({
                name: names.opsRequest(args.database, REQUEST_TYPES.RotateAuth.word, s.slice(names.credentialSecret(args.database, "").length)),
                namespace: args.namespace,
                database: args.database,
                stepTimeout,
                secretName: s,
            }),
        ),
        generation: args.generation ?? 0,
        periodStart: args.periodStart ?? "none",
        stepTimeout,
        timeoutSeconds: timeoutMinutes * 60,
        kubeconfig,
    };
    return inputs;
}

export class CredentialRotation extends pulumi.ComponentResource {
    /** The Secret this program last made the database use. */
    declare readonly appliedSecretName: pulumi.Output<string>;
    /** The Secret the database references (`spec.authSecret.name`), read back after each rotation. */
    declare readonly activeSecretName: pulumi.Output<string>;
    /** "Initial" before any rotation, then the phase of the last request. */
    declare readonly lastPhase: pulumi.Output<string>;
    /** Name of the last RotateAuth request ("" before any rotation). */
    declare readonly lastRequest: pulumi.Output<string>;
    /** When the current credential became active (RFC 3339). */
    declare readonly activeSince: pulumi.Output<string>;
    /** The RotationLedger; depend on it to run after the rotation succeeded. */
    readonly resource: pulumi.Resource;

    constructor(name: string, args: CredentialRotationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubedb-mssql:credential:CredentialRotation", name, {}, opts);
        const kubeconfig = waiterKubeconfig(this, "CredentialRotation", name, args.cluster);
        const ledger = ledgerOf(
            this,
            {
                kind: "RotationLedger",
                name,
                inputs: credentialRotationInputs(args, kubeconfig),
                outputs: ROTATION_OUTPUTS,
                exposed: ["appliedSecretName", "activeSecretName", "lastPhase", "lastRequest", "activeSince"],
            },
            opts,
        );
        this.resource = ledger.resource;
        this.registerOutputs(ledger.exposed);
    }
}
