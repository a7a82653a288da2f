/** Comparing two program runs the way Pulumi's diff would: per resource, the input paths that changed. */
import { strict as assert } from "assert";
import { ProgramRun, Registration } from "./program";

/** The registrations that differ between two runs, by type and name, with the changed input paths. */
export function changes(a: ProgramRun, b: ProgramRun): Record<string, string[]> {
    const diff: Record<string, string[]> = {};
    const paths = (x: unknown, y: unknown, at: string, out: string[]) => {
        if (JSON.stringify(x) === JSON.stringify(y)) return;
        if (x && y && typeof x === "object" && typeof y === "object" && !Array.isArray(x)) {
            for (const k of new Set([...Object.keys(x), ...Object.keys(y as object)])) {
                paths((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], at ? `${at}.${k}` : k, out);
            }
        } else out.push(at);
    };
    const key = (r: Registration) => `${r.type}::${r.name}`;
    const byKey = new Map(a.registrations.map((r) => [key(r), r]));
    for (const r of b.registrations) {
        const before = byKey.get(key(r));
        const out: string[] = [];
        if (!before) out.push("(new)");
        else paths(before.inputs, r.inputs, "", out);
        if (out.length) diff[key(r)] = out.filter((p) => p !== "__provider").sort();
    }
    assert.equal(a.registrations.length, b.registrations.length, "the same resources exist before and after");
    return diff;
}
