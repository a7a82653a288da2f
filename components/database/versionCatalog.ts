/**
 * Which versions a database may be updated to, decided as KubeDB's webhook decides it: from the
 * `MSSQLServerVersion` catalog in the cluster. The current version's `spec.updateConstraints`
 * (semver ranges, comma = and, `||` = or) are evaluated against each candidate's `spec.version`;
 * an empty allowlist admits everything the denylist does not name. A deprecated entry cannot be
 * the target, nor can a version older than the current one (KubeDB does not downgrade).
 *
 * KubeDB's versions look like `2022-cu16` (semver `2022.0.0-cu16` to KubeDB's library, which
 * fills a missing minor and patch); ranges are normalized the same way and evaluated with the
 * `semver` package, prerelease parts included.
 */
import * as semverModule from "semver";
import { MSSQLServerVersion } from "../api/kubedb";

const semver = (): typeof semverModule => semverModule;

const LOOSE_VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** `2022-cu16` → `2022.0.0-cu16`; undefined when it is no version at all. */
export function toSemver(version: string): string | undefined {
    const m = LOOSE_VERSION.exec(version.trim());
    if (!m) return undefined;
    const text = `${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}${m[4] ?? ""}${m[5] ?? ""}`;
    return semver().valid(text) ?? undefined;
}

/** A catalog range (`>= 2022-cu16, < 2025-cu1`) in the semver package's syntax; undefined when unreadable. */
export function toSemverRange(range: string): string | undefined {
    const alternatives = range.split("||").map((alternative) => {
        const terms = alternative
            .split(",")
            .map((term) => term.trim())
            .filter((term) => term !== "");
        const converted = terms.map((term) => {
            // Masterminds' "!=" and hyphen ranges have no counterpart here: such a range is reported as unreadable.
            const m = /^(>=|<=|=|>|<|~|\^)?\s*(\S+)$/.exec(term);
            const version = m && toSemver(m[2]);
            return version ? `${m[1] ?? "="}${version}` : undefined;
        });
        return converted.every((c) => c !== undefined) && converted.length > 0 ? converted.join(" ") : undefined;
    });
    if (alternatives.some((a) => a === undefined)) return undefined;
    const text = alternatives.join(" || ");
    return semver().validRange(text, { includePrerelease: true }) ? text : undefined;
}

/** Whether `version` is in any of `ranges` (an unreadable range matches nothing; checkUpgrade names it). */
function satisfiesAny(version: string, ranges: string[]): boolean {
    return ranges.some((range) => {
        const converted = toSemverRange(range);
        return converted !== undefined && semver().satisfies(version, converted, { includePrerelease: true });
    });
}

export interface UpgradeVerdict {
    /** Why the target is refused; undefined when it is admitted. */
    problem?: string;
    /** Every version the current one may go to, oldest first (for the message and the README's runbook). */
    allowed: string[];
}

/** Whether `current` may be updated to `target`, given the catalog entries the cluster has. */
export function checkUpgrade(currentName: string, targetName: string, catalog: MSSQLServerVersion[]): UpgradeVerdict {
    const byName = new Map(catalog.map((v) => [v.metadata.name, v]));
    const current = byName.get(currentName);
    const allowed = current ? admittedTargets(current, catalog) : [];
    const list = allowed.length > 0 ? `allowed targets from ${currentName}: ${allowed.join(", ")}` : `no version is an allowed target from ${currentName}`;
    if (!current)
        return {
            problem: `the database runs ${currentName}, which the cluster's MSSQLServerVersion catalog does not have, so no update path can be checked`,
            allowed,
        };
    const target = byName.get(targetName);
    if (!target) return { problem: `${targetName} is not in the cluster's MSSQLServerVersion catalog (\`kubectl get mssqlserverversions\`); ${list}`, allowed };
    if (target.spec.deprecated) return { problem: `${targetName} is deprecated in the catalog and cannot be used; ${list}`, allowed };
    const from = toSemver(current.spec.version);
    const to = toSemver(target.spec.version);
    if (from && to && semver().lt(to, from)) return { problem: `${targetName} is older than ${currentName}, and KubeDB does not downgrade; ${list}`, allowed };
    const unreadable = readableConstraints(current).unreadable;
    if (unreadable.length > 0) return { problem: `the update constraints of ${currentName} cannot be read (${unreadable.join("; ")}); ${list}`, allowed };
    if (!allowed.includes(targetName))
        return {
            problem: `KubeDB does not support an update from ${currentName} to ${targetName} (the catalog's updateConstraints of ${currentName}); ${list}`,
            allowed,
        };
    return { allowed };
}

function readableConstraints(current: MSSQLServerVersion): { unreadable: string[] } {
    const c = current.spec.updateConstraints ?? {};
    return { unreadable: [...(c.allowlist ?? []), ...(c.denylist ?? [])].filter((r) => toSemverRange(r) === undefined) };
}

/** The catalog entries `current` may go to: not deprecated, not older, admitted by its constraints. */
export function admittedTargets(current: MSSQLServerVersion, catalog: MSSQLServerVersion[]): string[] {
    const from = toSemver(current.spec.version);
    const allowlist = current.spec.updateConstraints?.allowlist ?? [];
    const denylist = current.spec.updateConstraints?.denylist ?? [];
    return catalog
        .filter((candidate) => candidate.metadata.name !== current.metadata.name && !candidate.spec.deprecated)
        .map((candidate) => ({ name: candidate.metadata.name, version: toSemver(candidate.spec.version) }))
        .filter((c): c is { name: string; version: string } => c.version !== undefined && (from === undefined || !semver().lt(c.version, from)))
        .filter((c) => (allowlist.length === 0 || satisfiesAny(c.version, allowlist)) && !satisfiesAny(c.version, denylist))
        .sort((a, b) => semver().compare(a.version, b.version) || a.name.localeCompare(b.name))
        .map((c) => c.name);
}
