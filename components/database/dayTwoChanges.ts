/**
 * DayTwoChanges — keeps the database's version, replicas, resources, storage and mssql.conf on
 * what the config says after creation, and restarts it on request, each change through its own
 * KubeDB ops request (UpdateVersion, HorizontalScaling, VerticalScaling, VolumeExpansion,
 * StorageMigration, Reconfigure, Restart), one at a time in the order of dayTwoPlan.ts,
 * waited on with fail-fast. The stack runs it before TLS changes and the credential rotation.
 * The work is done by dayTwoProvider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { ResourceRequirements, VOLUME_EXPANSION_MODES, VolumeExpansionMode } from "../api/kubedb";
import { KubernetesCluster, waiterKubeconfig } from "../kube/cluster";
import { MAX_AG_REPLICAS, MAX_DATABASE_NAME_LENGTH, checkMssqlConf, checkVersion } from "./settings";
import { DayTwoInputs, DayTwoOutputs } from "./dayTwoProvider";
import { ledgerOf } from "../packageResources";
import { checkBoolean, checkDatabaseName, checkDnsLabel, checkDnsSubdomain, checkGeneration, checkInteger, checkOneOf } from "../core/checks";
import { checkStepTimeout, DEFAULT_STEP_TIMEOUT } from "../core/durations";
import { Problems } from "../core/problems";
import { checkResources, checkStorageQuantity, quantityText } from "../core/quantities";

export interface DayTwoChangesArgs {
    /** Database name. Required. */
    database: string;
    /** Database namespace. Required. */
    namespace: string;
    /** Whether the database is an availability group (replicas can change only then). Default: false. */
    availabilityGroup?: boolean;
    /** The MSSQLServerVersion to run; a change is an UpdateVersion request. Required. */
    version: string;
    /** Replicas; a change is a HorizontalScaling request (availability groups). Default: 1 (Standalone), 3 (AvailabilityGroup). */
    replicas?: number;
    /** Resources of the mssql container; a change is a VerticalScaling request. Default: none stated (KubeDB's). */
    resources?: ResourceRequirements;
    /**
     * Volume size per replica (a larger one is a VolumeExpansion request in `expansionMode`) and
     * StorageClass (a change is a StorageMigration request). Default: { size: "10Gi", expansionMode: "Online" }.
     */
    storage?: { size: string; storageClass?: string; expansionMode?: VolumeExpansionMode };
    /** Content of mssql.conf; a change is a Reconfigure request, removal one with removeCustomConfig. Default: none. */
    mssqlConf?: string;
    /** Bump to restart the database through a Restart request. Default: 0. */
    restartGeneration?: number;
    /** KubeDB's per-step timeout of each request. Default: `DEFAULT_STEP_TIMEOUT` ("10m"). */
    stepTimeout?: string;
    /** How long `pulumi up` waits for each request, in minutes. Default: 30. */
    timeoutMinutes?: number;
    /**
     * The cluster (kubernetesCluster): its kubeconfig is what the request waiter connects with. Default: the
     * ambient kubeconfig, and then no Kubernetes provider may reach this component (opts or a parent).
     */
    cluster?: KubernetesCluster;
}

/** Outputs of the DayTwoLedger beyond its inputs. */
const DAY_TWO_OUTPUTS: readonly Exclude<keyof DayTwoOutputs, keyof DayTwoInputs>[] = [
    "applied",
    "sequence",
    "lastPhase",
    "lastRequest",
    "lastAction",
    "currentVersion",
    "currentReplicas",
    "currentStorageSize",
];

/** Inputs of the DayTwoLedger; validates the args first (the same rules as the stack config). */
export function dayTwoInputs(args: DayTwoChangesArgs, kubeconfig?: pulumi.Output<string>): Record<keyof DayTwoInputs, unknown> {
    const p = new Problems("DayTwoChanges args");
    p.add("database", checkDatabaseName(args.database, MAX_DATABASE_NAME_LENGTH));
    p.add("namespace", checkDnsLabel(args.namespace));
    const ag = args.availabilityGroup ?? false;
    p.add("availabilityGroup", checkBoolean(ag));
    p.add("version", checkVersion(args.version));
    const replicas = args.replicas ?? (ag ? 3 : 1);
    p.add(
        "replicas",
        ag ? checkInteger(replicas, 1, MAX_AG_REPLICAS) : replicas === 1 ? undefined : `is ${replicas}, but a Standalone server has exactly 1 replica`,
    );
    const resources = args.resources === undefined ? {} : checkResources(p, "resources", args.resources.requests, args.resources.limits);
    const storage = args.storage ?? { size: "10Gi" };
    p.add("storage.size", checkStorageQuantity(storage.size));
    if (storage.storageClass !== undefined) p.add("storage.storageClass", checkDnsSubdomain(storage.storageClass));
    const expansionMode = storage.expansionMode ?? "Online";
    p.add("storage.expansionMode", checkOneOf(expansionMode, VOLUME_EXPANSION_MODES));
    if (args.mssqlConf !== undefined) p.add("mssqlConf", checkMssqlConf(args.mssqlConf));
    p.add("restartGeneration", checkGeneration(args.restartGeneration ?? 0));
    const stepTimeout = args.stepTimeout ?? DEFAULT_STEP_TIMEOUT;
    p.add("stepTimeout", checkStepTimeout(stepTimeout));
    const timeoutMinutes = args.timeoutMinutes ?? 30;
    p.add("timeoutMinutes", checkInteger(timeoutMinutes, 1, 24 * 60));
    p.throwIfAny();
    return {
        namespace: args.namespace,
        database: args.database,
        topology: ag ? "AvailabilityGroup" : "Standalone",
        version: args.version,
        replicas,
        resources,
        storageSize: quantityText(storage.size),
        // "" rather than absent: a removed key must show in the diff (and is then refused).
        storageClass: storage.storageClass ?? "",
        expansionMode,
        mssqlConf: args.mssqlConf ?? "",
        restartGeneration: args.restartGeneration ?? 0,
        stepTimeout,
        timeoutSeconds: timeoutMinutes * 60,
        kubeconfig,
    };
}

export class DayTwoChanges extends pulumi.ComponentResource {
    /** `Initial` before any change, `Withdrawn`, or the phase of the last request. */
    declare readonly lastPhase: pulumi.Output<string>;
    /** Name of the last request ("" before any). */
    declare readonly lastRequest: pulumi.Output<string>;
    /** What the last request did, e.g. "UpdateVersion: version 2022-cu16 → 2022-cu19". */
    declare readonly lastAction: pulumi.Output<string>;
    /** Read back from the MSSQLServer after the last run. */
    declare readonly currentVersion: pulumi.Output<string>;
    declare readonly currentReplicas: pulumi.Output<number>;
    declare readonly currentStorageSize: pulumi.Output<string>;
    /** The DayTwoLedger; depend on it to run after the day-2 changes succeeded. */
    readonly resource: pulumi.Resource;

    constructor(name: string, args: DayTwoChangesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubedb-mssql:database:DayTwoChanges", name, {}, opts);
        const kubeconfig = waiterKubeconfig(this, "DayTwoChanges", name, args.cluster);
        const ledger = ledgerOf(
            this,
            {
                kind: "DayTwoLedger",
                name,
                inputs: dayTwoInputs(args, kubeconfig) as pulumi.Inputs,
                outputs: DAY_TWO_OUTPUTS,
                exposed: ["lastPhase", "lastRequest", "lastAction", "currentVersion", "currentReplicas", "currentStorageSize"],
            },
            opts,
        );
        this.resource = ledger.resource;
        this.registerOutputs(ledger.exposed);
    }
}
