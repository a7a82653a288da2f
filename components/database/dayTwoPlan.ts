/**
 * The one place that turns a change of the database's day-2 settings into KubeDB ops requests
 * (after KubeDB's GitOps operator). Pure: preview, tests and the provider use it alike.
 *
 * Order, one request at a time (the stack then runs ReconfigureTLS, then RotateAuth):
 *   1. VolumeExpansion   `storage.size`          — room first: what follows may need it;
 *   2. StorageMigration  `storage.storageClass`  — moves the (already grown) volumes;
 *   3. UpdateVersion     `version`               — before scaling, so new replicas join on it;
 *   4. HorizontalScaling `replicas` (AG)
 *   5. VerticalScaling   `resources`
 *   6. Reconfigure       `mssqlConf`             — after an update, so the settings suit the new version;
 *                                                 two of them when the new text drops a setting (remove, then apply);
 *   7. Restart           `restart.generation`    — last: it restarts whatever the others left.
 * Each request carries the desired value of its own field only; after it succeeded that field
 * counts as applied, and the next one is planned from there.
 */
import { DayTwoSections, MSSQL_CONF, OpsRequestType, ResourceRequirements, VolumeExpansionMode } from "../api/kubedb";
import { stableJson } from "../core/names";
import { compareQuantities, parseQuantity } from "../core/quantities";

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

export type DayTwoRequestType = Extract<
    OpsRequestType,
    "VolumeExpansion" | "StorageMigration" | "UpdateVersion" | "HorizontalScaling" | "VerticalScaling" | "Reconfigure" | "Restart"
>;

/** The order requests run in (see the file comment). */
export const DAY_TWO_ORDER: readonly DayTwoRequestType[] = [
    "VolumeExpansion",
    "StorageMigration",
    "UpdateVersion",
    "HorizontalScaling",
    "VerticalScaling",
    "Reconfigure",
    "Restart",
];

/** Short words for request names (`<db>-<word>-<fingerprint>` stays a DNS label for a 40-character database name). */
export const REQUEST_WORD: Record<DayTwoRequestType, string> = {
    VolumeExpansion: "expand",
    StorageMigration: "migrate",
    UpdateVersion: "update",
    HorizontalScaling: "scale",
    VerticalScaling: "resize",
    Reconfigure: "config",
    Restart: "restart",
};

export interface DayTwoStep {
    type: DayTwoRequestType;
    /** The request's own section (`volumeExpansion`, `updateVersion`, …). */
    section: DayTwoSections;
    /** What it does, for progress lines, the ledger and messages, e.g. "version 2022-cu16 → 2022-cu19". */
    reason: string;
    /** The state once it succeeded. */
    after: DayTwoState;
}

/** Equal quantities by value; text that is no quantity (or a missing one) only equals itself. */
const sameQuantity = (a: string | undefined, b: string | undefined) => {
    const qa = parseQuantity(a);
    const qb = parseQuantity(b);
    return qa !== undefined && qb !== undefined ? compareQuantities(qa, qb) === 0 : a === b;
};

/** Equal resource requirements, quantities compared by value ("1Gi" = "1024Mi"). */
export function sameResources(a: ResourceRequirements, b: ResourceRequirements): boolean {
    for (const part of ["requests", "limits"] as const) {
        const left = a[part] ?? {};
        const right = b[part] ?? {};
        const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
        for (const key of keys) {
            if (!sameQuantity(left[key], right[key])) return false;
        }
    }
    return true;
}

const describeResources = (r: ResourceRequirements) => (Object.keys(r).length === 0 ? "KubeDB's defaults" : stableJson(r));

/** The first request (in DAY_TWO_ORDER) that brings `applied` closer to `desired`, or undefined when they agree. */
export function nextDayTwoStep(applied: DayTwoState, desired: DayTwoState, settings: DayTwoSettings): DayTwoStep | undefined {
    const step = (type: DayTwoRequestType, section: DayTwoSections, reason: string, change: Partial<DayTwoState>): DayTwoStep => ({
        type,
        section,
        reason,
        after: { ...applied, ...change },
    });
    if (!sameQuantity(applied.storageSize, desired.storageSize)) {
        return step(
            "VolumeExpansion",
            { volumeExpansion: { mode: settings.expansionMode, mssqlserver: desired.storageSize } },
            `storage.size ${applied.storageSize} → ${desired.storageSize} (${settings.expansionMode})`,
            { storageSize: desired.storageSize },
        );
    }
    if (desired.storageClass !== "" && applied.storageClass !== desired.storageClass) {
        return step(
            "StorageMigration",
            { migration: { storageClassName: desired.storageClass, oldPVReclaimPolicy: "Retain" } },
            `storage.storageClass ${applied.storageClass || "(default)"} → ${desired.storageClass}`,
            { storageClass: desired.storageClass },
        );
    }
    if (applied.version !== desired.version) {
        return step("UpdateVersion", { updateVersion: { targetVersion: desired.version } }, `version ${applied.version} → ${desired.version}`, {
            version: desired.version,
        });
    }
    if (settings.topology === "AvailabilityGroup" && applied.replicas !== desired.replicas) {
        return step("HorizontalScaling", { horizontalScaling: { replicas: desired.replicas } }, `replicas ${applied.replicas} → ${desired.replicas}`, {
            replicas: desired.replicas,
        });
    }
    if (Object.keys(desired.resources).length > 0 && !sameResources(applied.resources, desired.resources)) {
        return step(
            "VerticalScaling",
            { verticalScaling: { mssqlserver: { resources: desired.resources } } },
            `resources ${describeResources(applied.resources)} → ${describeResources(desired.resources)}`,
            { resources: desired.resources },
        );
    }
    if (applied.mssqlConf !== desired.mssqlConf) {
        // KubeDB merges `applyConfig` into the custom configuration it has: a setting the new text
        // drops would stay. So a change that drops one first removes the custom configuration.
        const dropped = droppedSettings(applied.mssqlConf, desired.mssqlConf);
        if (desired.mssqlConf === "" || dropped.length > 0) {
            const reason =
                desired.mssqlConf === ""
                    ? "mssqlConf removed (back to SQL Server's defaults)"
                    : `mssqlConf drops ${dropped.join(", ")}: custom configuration removed first, then the new text applied`;
            return step("Reconfigure", { configuration: { removeCustomConfig: true } }, reason, { mssqlConf: "" });
        }
        return step(
            "Reconfigure",
            { configuration: { applyConfig: { [MSSQL_CONF]: desired.mssqlConf } } },
            applied.mssqlConf === "" ? "mssqlConf set" : "mssqlConf changed",
            { mssqlConf: desired.mssqlConf },
        );
    }
    if (applied.restartGeneration !== desired.restartGeneration) {
        return step("Restart", { restart: {} }, `restart.generation ${applied.restartGeneration} → ${desired.restartGeneration}`, {
            restartGeneration: desired.restartGeneration,
        });
    }
    return undefined;
}

/** The `section.key` settings of an mssql.conf text (lower case: mssql-conf treats them so). */
export function mssqlConfSettings(text: string): Set<string> {
    const settings = new Set<string>();
    let section = "";
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        const header = /^\[([^\]]+)\]$/.exec(line);
        if (header) section = header[1].toLowerCase();
        else if (/^[A-Za-z0-9_.-]+\s*=/.test(line)) settings.add(`${section}.${line.split("=")[0].trim().toLowerCase()}`);
    }
    return settings;
}

/** Settings `before` has and `after` lacks, in the order `before` states them. */
export function droppedSettings(before: string, after: string): string[] {
    const kept = mssqlConfSettings(after);
    return [...mssqlConfSettings(before)].filter((s) => !kept.has(s));
}

/** Every request, in order, that brings `applied` to `desired` (for messages, the progress log and tests). */
export function planDayTwo(applied: DayTwoState, desired: DayTwoState, settings: DayTwoSettings): DayTwoStep[] {
    const steps: DayTwoStep[] = [];
    let state = applied;
    for (let next = nextDayTwoStep(state, desired, settings); next && steps.length <= DAY_TWO_ORDER.length; next = nextDayTwoStep(state, desired, settings)) {
        steps.push(next);
        state = next.after;
    }
    return steps;
}

/**
 * Changes of the day-2 settings no request can make, as [config key, why and what to do], from
 * what the config asked for last time. (A shrink or a downgrade is refused against the live
 * database instead, before the first request: the config can be ahead of it after a failed run.)
 */
export function refusedDayTwoChanges(before: DayTwoState, after: DayTwoState): Array<[key: string, problem: string]> {
    const refused: Array<[string, string]> = [];
    if (before.storageClass !== "" && after.storageClass === "") {
        refused.push([
            "storage.storageClass",
            `was ${before.storageClass} and is now unset: no request moves volumes back to "the default class". Name the class to migrate to`,
        ]);
    }
    if (Object.keys(before.resources).length > 0 && Object.keys(after.resources).length === 0) {
        refused.push(["resources", "was set and is now removed: no request goes back to KubeDB's defaults. State the requests and limits you want instead"]);
    }
    return refused;
}
