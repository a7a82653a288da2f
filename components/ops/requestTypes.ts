/**
 * What each KubeDB request type is: one entry per type, as KubeDB's webhook has one case and one
 * function per type. The request path reads everything it knows about a type from here:
 *
 * - `word`: the word in its request names (`<db>-<word>-<fingerprint>`);
 * - `steps`: the conditions KubeDB's ops-manager reports for it, in order (the stand-ins replay them);
 * - `intent`: the fields that say what a request asks for: an existing request is ours to adopt only
 *   when they are equal (KubeDB's mutating webhook fills defaults beside them);
 *
 * and for the day-2 types, in the order they run (the planner takes the first that has work):
 *
 * - `field`: the setting it brings to its desired value; `plan`: its request, when one is needed;
 * - `live`: where its result lands in the MSSQLServer: read back after it ran (and written there by
 *   the stand-ins of KubeDB, as its ops-manager does);
 * - `preflight`: what KubeDB would refuse or could not do, checked before any request is sent;
 * - `now`: what a failure message says of that setting on the database.
 *
 * A new request type is one entry here, plus its tests.
 */
import {
    DayTwoSections,
    MSSQLServerOpsRequestSpec,
    MSSQL_CONF,
    OpsRequestType,
    ResourceRequirements,
    VolumeExpansionMode,
    MSSQLServerVersion,
} from "../api/kubedb";
import { stableJson } from "../core/names";
import { compareQuantities, parseQuantity, sameQuantity, sameResources } from "../core/quantities";
import { droppedSettings, mergeMssqlConf } from "../database/mssqlConf";
import { checkUpgrade } from "../database/versionCatalog";
import { KubeApi, KubeObject, MSSQL_SERVER_VERSIONS, STORAGE_CLASSES } from "../kube/client";
import { readOrUnknown, storageClassOf } from "../kube/storageClasses";

/** What the day-2 requests own on the MSSQLServer, as the config states it. */
export interface DayTwoState {
    version: string;
    replicas: number;
    /** Resources of the mssql container; `{}` = none stated (KubeDB's defaults). */
    resources: ResourceRequirements;
    storageSize: string;
    /** "" = the cluster's default class, never changed by this project. */
    storageClass: string;
    /** Content of mssql.conf; "" = no custom configuration. */
    mssqlConf: string;
    restartGeneration: number;
}

export type Topology = "Standalone" | "AvailabilityGroup";

export interface DayTwoSettings {
    topology: Topology;
    expansionMode: VolumeExpansionMode;
}

type Spec = Partial<MSSQLServerOpsRequestSpec> | undefined;

export interface RequestType {
    word: string;
    steps: readonly string[];
    intent(spec: Spec): unknown;
}

/** A day-2 request for one field: its own section, and what it does, for progress lines and messages. */
export interface PlannedChange<F extends keyof DayTwoState = keyof DayTwoState> {
    section: DayTwoSections;
    /** e.g. "version 2022-cu16 → 2022-cu19". */
    reason: string;
    /** The field's value once it succeeded. */
    value: DayTwoState[F];
}

export interface DayTwoRequestType<F extends keyof DayTwoState = keyof DayTwoState> extends RequestType {
    field: F;
    plan(applied: DayTwoState, desired: DayTwoState, settings: DayTwoSettings): PlannedChange<F> | undefined;
    /** Absent where the request leaves no trace on the MSSQLServer (a restart). */
    live?: {
        read(db: KubeObject): DayTwoState[F] | undefined;
        /** The request's result, written into a copy of the MSSQLServer's spec as KubeDB's ops-manager does. */
        write(dbSpec: KubeObject["spec"], request: DayTwoSections): void;
    };
    preflight?(cluster: PreflightCluster, change: PlannedChange<F>): Promise<string[]>;
    now?(live: Partial<DayTwoState>, db: KubeObject): string;
}

/** What a preflight may look at: the cluster, and what the database has now. */
export interface PreflightCluster {
    api: KubeApi;
    live: Partial<DayTwoState>;
}

const PAUSE = "DatabasePauseSucceeded";
/** KubeDB's steps for a request type: pause, its own step, then the pods (RotateAuth's from KubeDB's guide; the others' shape alike). */
const steps = (own: string) => [PAUSE, own, "UpdatePetSets", "RestartNodes"] as const;

// Stryker disable next-line ArrayDeclaration: a non-empty stand-in list holds a string, whose `name` is never "mssql", so find() still finds nothing
const mssqlContainer = (spec: KubeObject["spec"]) => (spec?.podTemplate?.spec?.containers ?? []).find((c: { name?: string }) => c.name === "mssql");
const describeResources = (r: ResourceRequirements) => (Object.keys(r).length === 0 ? "KubeDB's defaults" : stableJson(r));

/** Day-2 types, in the order they run (see database/dayTwoPlan.ts for why this order). */
const volumeExpansion: DayTwoRequestType<"storageSize"> = {
    word: "expand",
    steps: steps("VolumeExpansion"),
    intent: (s) => s?.volumeExpansion && [s.volumeExpansion.mode, s.volumeExpansion.mssqlserver],
    field: "storageSize",
    plan: (applied, desired, settings) =>
        sameQuantity(applied.storageSize, desired.storageSize)
            ? undefined
            : {
                  section: { volumeExpansion: { mode: settings.expansionMode, mssqlserver: desired.storageSize } },
                  reason: `storage.size ${applied.storageSize} → ${desired.storageSize} (${settings.expansionMode})`,
                  value: desired.storageSize,
              },
    live: {
        read: (db) => db.spec?.storage?.resources?.requests?.storage,
        write: (spec, request) => (spec.storage.resources.requests.storage = request.volumeExpansion!.mssqlserver),
    },
    async preflight({ api, live }, change) {
        const problems: string[] = [];
        const have = parseQuantity(live.storageSize);
        const want = parseQuantity(change.value);
        if (have && want && compareQuantities(want, have) < 0) {
            problems.push(`storage.size: the database's volumes have ${live.storageSize}; ${change.value} would shrink them, which no request can do`);
        }
        const cls = await storageClassOf(api, live.storageClass);
        if (cls && cls.object.allowVolumeExpansion !== true) {
            problems.push(
                `storage.size: StorageClass ${cls.object.metadata.name}${cls.isDefault ? " (the cluster's default)" : ""} does not allow volume expansion (allowVolumeExpansion is not true); ` +
                    "ask the cluster's administrator to allow it, or migrate to a class that does (storage.storageClass) before expanding",
            );
        }
        return problems;
    },
};

const storageMigration: DayTwoRequestType<"storageClass"> = {
    word: "migrate",
    steps: steps("MigrateStorage"),
    intent: (s) => s?.migration?.storageClassName,
    field: "storageClass",
    plan: (applied, desired) =>
        desired.storageClass === "" || applied.storageClass === desired.storageClass
            ? undefined
            : {
                  section: { migration: { storageClassName: desired.storageClass, oldPVReclaimPolicy: "Retain" } },
                  reason: `storage.storageClass ${applied.storageClass || "(default)"} → ${desired.storageClass}`,
                  value: desired.storageClass,
              },
    live: {
        read: (db) => db.spec?.storage?.storageClassName,
        write: (spec, request) => (spec.storage.storageClassName = request.migration!.storageClassName),
    },
    async preflight({ api }, change) {
        const found = await readOrUnknown(() => api.getClusterObject(STORAGE_CLASSES, change.value));
        return found === null ? [`storage.storageClass: StorageClass ${change.value} does not exist (\`kubectl get storageclasses\`)`] : [];
    },
    now: (live) => `, volumes on StorageClass ${live.storageClass ?? "(the cluster's default)"}`,
};

const updateVersion: DayTwoRequestType<"version"> = {
    word: "update",
    steps: steps("UpdateVersion"),
    intent: (s) => s?.updateVersion?.targetVersion,
    field: "version",
    plan: (applied, desired) =>
        applied.version === desired.version
            ? undefined
            : {
                  section: { updateVersion: { targetVersion: desired.version } },
                  reason: `version ${applied.version} → ${desired.version}`,
                  value: desired.version,
              },
    live: {
        read: (db) => db.spec?.version,
        write: (spec, request) => (spec.version = request.updateVersion!.targetVersion),
    },
    async preflight({ api, live }, change) {
        // Unreadable (no RBAC for the cluster-scoped catalog): KubeDB's webhook decides.
        const catalog = (await readOrUnknown(() => api.listClusterObjects(MSSQL_SERVER_VERSIONS))) as unknown as MSSQLServerVersion[] | undefined;
        const problem = catalog ? checkUpgrade(live.version ?? "", change.value, catalog).problem : undefined;
        return problem ? [`version: ${problem}`] : [];
    },
};

const horizontalScaling: DayTwoRequestType<"replicas"> = {
    word: "scale",
    steps: steps("HorizontalScaleUp"),
    intent: (s) => s?.horizontalScaling?.replicas,
    field: "replicas",
    plan: (applied, desired, settings) =>
        settings.topology !== "AvailabilityGroup" || applied.replicas === desired.replicas
            ? undefined
            : {
                  section: { horizontalScaling: { replicas: desired.replicas } },
                  reason: `replicas ${applied.replicas} → ${desired.replicas}`,
                  value: desired.replicas,
              },
    live: {
        read: (db) => db.spec?.replicas,
        write: (spec, request) => (spec.replicas = request.horizontalScaling!.replicas),
    },
};

const verticalScaling: DayTwoRequestType<"resources"> = {
    word: "resize",
    steps: steps("VerticalScaling"),
    intent: (s) => s?.verticalScaling?.mssqlserver?.resources,
    field: "resources",
    plan: (applied, desired) =>
        Object.keys(desired.resources).length === 0 || sameResources(applied.resources, desired.resources)
            ? undefined
            : {
                  section: { verticalScaling: { mssqlserver: { resources: desired.resources } } },
                  reason: `resources ${describeResources(applied.resources)} → ${describeResources(desired.resources)}`,
                  value: desired.resources,
              },
    live: {
        read: (db) => mssqlContainer(db.spec)?.resources,
        write: (spec, request) => {
            const mssql = mssqlContainer(spec);
            if (mssql) mssql.resources = request.verticalScaling!.mssqlserver.resources;
        },
    },
    now: (live) => `, mssql container resources ${stableJson(live.resources ?? {})}`,
};

const reconfigure: DayTwoRequestType<"mssqlConf"> = {
    word: "config",
    steps: steps("UpdateConfiguration"),
    // Stryker disable next-line EqualityOperator: intents are only compared with each other (sameIntent), and `!== true` is the negation of `=== true`, so equal stays equal
    intent: (s) => s?.configuration && [s.configuration.applyConfig, s.configuration.removeCustomConfig === true],
    field: "mssqlConf",
    plan(applied, desired) {
        if (applied.mssqlConf === desired.mssqlConf) return undefined;
        // KubeDB merges `applyConfig` into the custom configuration it has: a setting the new text
        // drops would stay. So a change that drops one first removes the custom configuration.
        const dropped = droppedSettings(applied.mssqlConf, desired.mssqlConf);
        if (desired.mssqlConf === "" || dropped.length > 0) {
            const reason =
                desired.mssqlConf === ""
                    ? "mssqlConf removed (back to SQL Server's defaults)"
                    : `mssqlConf drops ${dropped.join(", ")}: custom configuration removed first, then the new text applied`;
            return { section: { configuration: { removeCustomConfig: true } }, reason, value: "" };
        }
        return {
            section: { configuration: { applyConfig: { [MSSQL_CONF]: desired.mssqlConf } } },
            reason: applied.mssqlConf === "" ? "mssqlConf set" : "mssqlConf changed",
            value: desired.mssqlConf,
        };
    },
    live: {
        read: (db) => db.spec?.configuration?.inline?.[MSSQL_CONF],
        write(spec, request) {
            if (request.configuration!.removeCustomConfig) delete spec.configuration;
            else
                spec.configuration = {
                    inline: { [MSSQL_CONF]: mergeMssqlConf(spec.configuration?.inline?.[MSSQL_CONF], request.configuration!.applyConfig![MSSQL_CONF]) },
                };
        },
    },
    now: (_live, db) =>
        db.spec?.configuration
            ? `, a custom configuration in spec.configuration (${Object.keys(db.spec.configuration).join(", ")})`
            : ", no custom configuration in its spec",
};

const restart: DayTwoRequestType<"restartGeneration"> = {
    word: "restart",
    steps: steps("RestartPods"),
    // A restart asks for nothing but itself: its type says it all.
    intent: () => undefined,
    field: "restartGeneration",
    plan: (applied, desired) =>
        applied.restartGeneration === desired.restartGeneration
            ? undefined
            : {
                  section: { restart: {} },
                  reason: `restart.generation ${applied.restartGeneration} → ${desired.restartGeneration}`,
                  value: desired.restartGeneration,
              },
};

/**
 * The order requests run in, one at a time:
 *   1. VolumeExpansion   `storage.size`          — room first: what follows may need it;
 *   2. StorageMigration  `storage.storageClass`  — moves the (already grown) volumes;
 *   3. UpdateVersion     `version`               — before scaling, so new replicas join on it;
 *   4. HorizontalScaling `replicas` (AG)
 *   5. VerticalScaling   `resources`
 *   6. Reconfigure       `mssqlConf`             — after an update, so the settings suit the new version;
 *                                                 two of them when the new text drops a setting (remove, then apply);
 *   7. Restart           `restart.generation`    — last: it restarts whatever the others left.
 */
export const DAY_TWO_REQUEST_TYPES = {
    VolumeExpansion: volumeExpansion,
    StorageMigration: storageMigration,
    UpdateVersion: updateVersion,
    HorizontalScaling: horizontalScaling,
    VerticalScaling: verticalScaling,
    Reconfigure: reconfigure,
    Restart: restart,
} satisfies Partial<Record<OpsRequestType, RequestType>>;

export type DayTwoRequestTypeName = keyof typeof DAY_TWO_REQUEST_TYPES;

export const REQUEST_TYPES: Record<OpsRequestType, RequestType> = {
    RotateAuth: {
        word: "rotate-auth",
        steps: steps("UpdateCredential"),
        intent: (s) => s?.authentication?.secretRef?.name,
    },
    ReconfigureTLS: {
        word: "tls",
        steps: steps("UpdateCertificates"),
        intent(s) {
            const tls = s?.tls as
                | {
                      rotateCertificates?: boolean;
                      remove?: boolean;
                      issuerRef?: { kind: string; name: string };
                      clientTLS?: boolean;
                      certificates?: { alias: string }[];
                  }
                | undefined;
            return (
                tls && [
                    // Stryker disable next-line EqualityOperator: intents are only compared with each other (sameIntent); negating a field on both sides keeps equal equal
                    tls.rotateCertificates === true,
                    // Stryker disable next-line EqualityOperator: intents are only compared with each other (sameIntent); negating a field on both sides keeps equal equal
                    tls.remove === true,
                    tls.issuerRef?.kind,
                    tls.issuerRef?.name,
                    tls.clientTLS,
                    (tls.certificates ?? []).map((c) => c.alias),
                ]
            );
        },
    },
    ...DAY_TWO_REQUEST_TYPES,
};

/**
 * Whether an existing request asks for what we would ask: the same type, database and the fields
 * of that type's intent. Nothing else counts (KubeDB's webhook adds defaults, e.g. a timeout).
 */
export function sameIntent(existing: Spec, wanted: Spec): boolean {
    const type = wanted?.type;
    if (existing?.type !== type || existing?.databaseRef?.name !== wanted?.databaseRef?.name) return false;
    const entry = type === undefined ? undefined : REQUEST_TYPES[type];
    return entry === undefined || stableJson(entry.intent(existing)) === stableJson(entry.intent(wanted));
}
