/**
 * The rotation schedule. Boundaries are counted from a fixed anchor (the Unix epoch unless
 * `rotation.anchor` says otherwise), never from "now" or the last run: every machine computes the
 * same boundaries, they never drift, and the first `pulumi up` (or preview) after a boundary sees
 * a new period and so a new password.
 */
import { checkInterval, checkRfc3339, parseInterval, parseRfc3339 } from "../core/durations";
import { Problems } from "../core/problems";

export interface RotationPeriod {
    /** Start of the current period, RFC 3339 (UTC); "none" when there is no schedule. */
    start: string;
    /** When the next period starts; undefined when there is no schedule. */
    next?: string;
}

/** The period `now` falls in; the interval (at most 3650d) and the anchor (a real date) are checked first. */
export function currentPeriod(interval: string | undefined, anchor: string, now: number): RotationPeriod {
    if (interval === undefined) return { start: "none" };
    const problems = new Problems();
    problems.add("rotation.interval", checkInterval(interval));
    problems.add("rotation.anchor", checkRfc3339(anchor));
    problems.throwIfAny();
    const length = parseInterval(interval)!;
    const origin = parseRfc3339(anchor)!;
    const index = Math.floor((now - origin) / length);
    const start = origin + index * length;
    return { start: new Date(start).toISOString(), next: new Date(start + length).toISOString() };
}
