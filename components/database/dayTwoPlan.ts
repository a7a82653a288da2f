/**
 * The one place that turns a change of the database's day-2 settings into KubeDB ops requests
 * (after KubeDB's GitOps operator). Pure: preview, tests and the provider use it alike.
 *
 * The request types, their order and what each plans are the table in ops/requestTypes.ts; one
 * request at a time (the stack then runs ReconfigureTLS, then RotateAuth). Each request carries the
 * desired value of its own field only; after it succeeded that field counts as applied, and the
 * next one is planned from there.
 */
import { DayTwoSections } from "../api/kubedb";
import { DAY_TWO_REQUEST_TYPES, DayTwoRequestType, DayTwoRequestTypeName, DayTwoSettings, DayTwoState } from "../ops/requestTypes";

export { DayTwoSettings, DayTwoState, Topology } from "../ops/requestTypes";

/** The order requests run in: the table's. */
export const DAY_TWO_ORDER = Object.keys(DAY_TWO_REQUEST_TYPES) as DayTwoRequestTypeName[];

export interface DayTwoStep {
    type: DayTwoRequestTypeName;
    /** The request's own section (`volumeExpansion`, `updateVersion`, …). */
    section: DayTwoSections;
    /** What it does, for progress lines, the ledger and messages, e.g. "version 2022-cu16 → 2022-cu19". */
    reason: string;
    /** The state once it succeeded. */
    after: DayTwoState;
}

/** The table's entry for a type, with its field's type erased (every entry reads and writes its own field). */
export const dayTwoRequestType = (type: DayTwoRequestTypeName): DayTwoRequestType => DAY_TWO_REQUEST_TYPES[type] as unknown as DayTwoRequestType;

/** The first request (in DAY_TWO_ORDER) that brings `applied` closer to `desired`, or undefined when they agree. */
export function nextDayTwoStep(applied: DayTwoState, desired: DayTwoState, settings: DayTwoSettings): DayTwoStep | undefined {
    for (const type of DAY_TWO_ORDER) {
        const entry = dayTwoRequestType(type);
        const change = entry.plan(applied, desired, settings);
        if (change) return { type, section: change.section, reason: change.reason, after: { ...applied, [entry.field]: change.value } };
    }
    return undefined;
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
