/** Go durations (cert-manager, KubeDB), rotation intervals and RFC 3339 instants: parsed exactly, checked with the limits of whoever reads them. */
import { Problems, shown } from "./problems";
// ------------------------------------------------------------------------------------- Durations

/** Go's longest time.Duration, in seconds: 2562047h47m16.854775807s. */
const MAX_GO_DURATION_SECONDS = 9223372036.854776; // the nearest double

/**
 * A Go duration as cert-manager and KubeDB take it (time.ParseDuration: "2160h", "90m", "1h30m",
 * "1.5h", "500ms"), returned in seconds. Go has no days, so neither do we here.
 */
export function parseGoDuration(value: string): number | undefined {
    const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, μs: 1e-6, ns: 1e-9 };
    const part = /(\d+\.?\d*|\.\d+)(h|ms|m|s|us|µs|μs|ns)/y;
    const sign = value.startsWith("-") ? -1 : 1;
    value = value.replace(/^[+-]/, "");
    if (value === "0") return 0;
    let seconds = 0;
    let at = 0;
    while (at < value.length) {
        part.lastIndex = at;
        const match = part.exec(value);
        if (!match) return undefined;
        seconds += Number(match[1]) * unit[match[2]];
        at = part.lastIndex;
    }
    return at === 0 ? undefined : sign * seconds;
}

export function checkGoDuration(value: unknown, minSeconds = 1): string | undefined {
    const seconds = typeof value === "string" ? parseGoDuration(value) : undefined;
    if (seconds === undefined) return `${shown(value)} is not a duration; use hours, minutes or seconds such as "2160h", "90m" or "1h30m" (no days)`;
    if (seconds < minSeconds) return `${shown(value)} is too short; the minimum is ${formatSeconds(minSeconds)}`;
    if (seconds > MAX_GO_DURATION_SECONDS) return `${shown(value)} is too long; a Go duration holds at most "2562047h"`;
    return undefined;
}

function formatSeconds(seconds: number): string {
    return seconds % 3600 === 0 ? `"${seconds / 3600}h"` : seconds % 60 === 0 ? `"${seconds / 60}m"` : `"${seconds}s"`;
}

/** KubeDB's per-step timeout of every request this project sends, unless configured. */
export const DEFAULT_STEP_TIMEOUT = "10m";

/** A per-step timeout: a Go duration of at least a minute (shorter ones fail requests that are merely slow). */
export function checkStepTimeout(value: unknown): string | undefined {
    return checkGoDuration(value, 60);
}

/** cert-manager's limits: a certificate lives at least 1h and is renewed at least 5m before it expires. */
export const CERT_MIN_DURATION_SECONDS = 3600;
export const CERT_MIN_RENEW_BEFORE_SECONDS = 300;
/** cert-manager's default certificate lifetime (90 days); its default renewBefore is a third of the lifetime. */
export const CERT_MANAGER_DEFAULT_DURATION = "2160h";

/**
 * A certificate's `duration` and `renewBefore`, each optional: checked as Go durations within
 * cert-manager's limits, and the effective renewBefore must be shorter than the effective
 * duration (else cert-manager renews forever). `defaults` are what applies when one is absent:
 * cert-manager's own (2160h, a third of the duration) unless the caller fills its own.
 */
export function checkCertificateDurations(
    problems: Problems,
    key: string,
    duration: unknown,
    renewBefore: unknown,
    defaults: { duration: string; durationBy: string; renewBefore?: string; renewBeforeBy?: string } = {
        duration: CERT_MANAGER_DEFAULT_DURATION,
        durationBy: "cert-manager's default",
    },
): void {
    const durationKey = key ? `${key}.duration` : "duration";
    const renewBeforeKey = key ? `${key}.renewBefore` : "renewBefore";
    if (duration !== undefined) problems.add(durationKey, checkGoDuration(duration, CERT_MIN_DURATION_SECONDS));
    if (renewBefore !== undefined) problems.add(renewBeforeKey, checkGoDuration(renewBefore, CERT_MIN_RENEW_BEFORE_SECONDS));
    const dText = duration ?? defaults.duration;
    const d = typeof dText === "string" ? parseGoDuration(dText) : undefined;
    // Without a renewBefore of its own cert-manager renews at two thirds of the lifetime: always in time.
    const rText = renewBefore ?? defaults.renewBefore;
    const r = typeof rText === "string" ? parseGoDuration(rText) : undefined;
    if (d === undefined || r === undefined || r < d) return;
    if (duration !== undefined && renewBefore !== undefined) {
        problems.add(renewBeforeKey, `${shown(renewBefore)} must be shorter than the duration ${shown(duration)}, or the certificate is renewed forever`);
    } else if (renewBefore !== undefined) {
        problems.add(
            renewBeforeKey,
            `${shown(renewBefore)} must be shorter than the certificate's duration, which is ${defaults.durationBy} "${defaults.duration}" because "${durationKey}" is not set; set a shorter renewBefore or a longer "${durationKey}"`,
        );
    } else {
        problems.add(
            durationKey,
            `${shown(duration)} must be longer than renewBefore, which is ${defaults.renewBeforeBy} "${defaults.renewBefore}" because "${renewBeforeKey}" is not set; set a longer duration or a shorter "${renewBeforeKey}"`,
        );
    }
}

// ------------------------------------------------------------------------------ Rotation schedule

/** The longest rotation interval: about ten years (longer ones would not rotate in a database's life). */
export const MAX_INTERVAL_MS = 3650 * 86_400_000;

/** A rotation interval: whole minutes, hours, days or weeks ("30d", "12h", "2w"), from one hour to 3650d. */
export function parseInterval(value: string): number | undefined {
    const match = /^(\d+)(m|h|d|w)$/.exec(value);
    if (!match) return undefined;
    const unitMs: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
    return Number(match[1]) * unitMs[match[2]];
}

export function checkInterval(value: unknown): string | undefined {
    const ms = typeof value === "string" ? parseInterval(value) : undefined;
    if (ms === undefined) return `${shown(value)} is not an interval; use a whole number with m, h, d or w, such as "30d", "12h" or "2w"`;
    if (ms < 3_600_000) return `${shown(value)} is shorter than one hour; every rotation restarts the database, so the shortest interval is "1h"`;
    if (ms > MAX_INTERVAL_MS) return `${shown(value)} is too long; the longest interval is "3650d" (about ten years)`;
    return undefined;
}

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d)(?::(\d\d)(\.\d+)?)?([Zz]|([+-])(\d\d):(\d\d))$/;

/**
 * Milliseconds since the epoch of an RFC 3339 instant ("2026-01-04T02:00:00Z", lower-case `t`
 * and `z`, an offset, fractional seconds; seconds may be left out), or undefined when it is not
 * one or names a date or time that does not exist (February 30 is not March 2).
 */
export function parseRfc3339(value: unknown): number | undefined {
    const m = typeof value === "string" ? RFC3339.exec(value) : null;
    if (!m) return undefined;
    const [year, month, day, hour, minute, second = 0] = m.slice(1, 7).map((v) => (v === undefined ? undefined : Number(v))) as number[];
    const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeapYear(year) ? 1 : 0);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return undefined;
    let offsetMinutes = 0;
    if (m[9]) {
        const [oh, om] = [Number(m[10]), Number(m[11])];
        if (oh > 23 || om > 59) return undefined;
        offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
    }
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute, second, 0);
    return date.getTime() + Math.floor(Number(`0${m[7] ?? ""}`) * 1000) - offsetMinutes * 60_000;
}

function isLeapYear(year: number): boolean {
    return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function checkRfc3339(value: unknown): string | undefined {
    return parseRfc3339(value) === undefined
        ? `${shown(value)} is not an RFC 3339 instant with a real date and time, such as "2026-01-04T02:00:00Z" or "2026-01-04T03:00:00+01:00"`
        : undefined;
}
