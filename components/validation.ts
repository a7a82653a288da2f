/**
 * Pure checks shared by the stack config and the component args. Each returns `undefined` when the
 * value is fine, or the sentence that explains what is allowed. Callers add the key name and
 * collect every problem into one {@link ConfigError}, so a user fixes a bad config in one go.
 */
import { isIP } from "net";
import { RunError } from "@pulumi/pulumi";

/**
 * Everything wrong with a config or a component's args, reported together, before anything is
 * created. A RunError: the CLI shows its message as a plain program error, without "unhandled
 * exception" and a stack trace, because it is the user's input that is wrong, not the program.
 */
export class ConfigError extends RunError {
    constructor(
        readonly problems: string[],
        context = "configuration",
    ) {
        super(`Invalid ${context} (nothing was created):\n` + problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "ConfigError";
    }
}

/** Collects problems as `"<key>": <what is wrong>` lines; `throwIfAny` raises one ConfigError. */
export class Problems {
    private readonly list: string[] = [];

    constructor(private readonly context: string = "configuration") {}

    add(key: string, problem: string | undefined): void {
        if (problem !== undefined) this.list.push(`"${key}": ${problem}`);
    }

    get count(): number {
        return this.list.length;
    }

    throwIfAny(): void {
        if (this.list.length > 0) throw new ConfigError(this.list, this.context);
    }
}

/** Shows a user's value in an error without risking a wall of text. Never call this with a password. */
export function shown(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? text.slice(0, 77) + "..." : text;
}

/**
 * A name read from config: `pulumi config set` hands a program `123` or `true` as a number or a
 * boolean, so a name that looks like one arrives as one. Returns its decimal text (the name the
 * user typed); anything else is returned unchanged for the checks to refuse.
 */
export function nameText(value: unknown): unknown {
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
    if (typeof value === "boolean") return String(value);
    return value;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function checkDnsLabel(value: unknown, maxLength = 63): string | undefined {
    if (typeof value !== "string" || value.length === 0) return `must be a non-empty string, got ${shown(value)}`;
    if (value.length > maxLength || !DNS1123_LABEL.test(value)) {
        return `${shown(value)} is not a DNS-1123 label: use at most ${maxLength} lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. "mssql-prod")`;
    }
    return undefined;
}

export function checkDnsSubdomain(value: unknown): string | undefined {
    if (typeof value !== "string" || value.length === 0) return `must be a non-empty string, got ${shown(value)}`;
    if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
        return `${shown(value)} is not a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters`;
    }
    return undefined;
}

/** KubeDB's MSSQLServer names (the CRD's `^[a-z]([-a-z0-9]*[a-z0-9])?$`), short enough for KubeDB's suffixes. */
export function checkDatabaseName(value: unknown, maxLength: number): string | undefined {
    return (
        checkDnsLabel(value, maxLength) ??
        (/^[a-z]/.test(value as string) ? undefined : `${shown(value)} must start with a letter (KubeDB's rule for database names)`)
    );
}

/**
 * A DNS name for a certificate: a subdomain, optionally with one leading wildcard label. DNS is
 * case-insensitive, so upper case is fine; every label has at most 63 characters.
 */
export function checkDnsName(value: unknown): string | undefined {
    if (typeof value !== "string") return `must be a string, got ${shown(value)}`;
    const bare = (value.startsWith("*.") ? value.slice(2) : value).toLowerCase();
    return checkDnsSubdomain(bare) === undefined && bare.split(".").every((label) => label.length <= 63)
        ? undefined
        : `${shown(value)} is not a valid DNS name (e.g. "mssql.example.com" or "*.mssql.svc")`;
}

/** An IP address as Go's net.ParseIP reads it (cert-manager's parser): IPv4, IPv6, IPv4-mapped IPv6; no zone. */
export function checkIpAddress(value: unknown): string | undefined {
    if (typeof value !== "string") return `must be a string, got ${shown(value)}`;
    return isIP(value) !== 0 && !value.includes("%")
        ? undefined
        : `${shown(value)} is not an IPv4 or IPv6 address (e.g. "10.0.0.5", "2001:db8::5" or "::ffff:192.0.2.1")`;
}

// ------------------------------------------------------------------------------------ Quantities

/** A Kubernetes quantity as an exact fraction `num / den` (den > 0). */
export interface Quantity {
    num: bigint;
    den: bigint;
}

/** Kubernetes' quantity syntax (resource.ParseQuantity): a decimal number, then a binary or decimal suffix or an integer exponent. */
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([KMGTPE]i)|([numkMGTPE])|[eE]([+-]?\d+))?$/;
const BINARY_POWER: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_POWER: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
/** Kubernetes caps a quantity at 2^63-1; anything larger is silently changed. */
const MAX_QUANTITY: Quantity = { num: 2n ** 63n - 1n, den: 1n };

/**
 * The text of a quantity from config: a string as is, a number (`pulumi config set --path
 * storage.size 10737418240` stores one) as its decimal text; undefined for anything else.
 */
export function quantityText(value: unknown): string | undefined {
    if (typeof value === "string") return value;
    if (Number.isFinite(value)) return String(value);
    return undefined;
}

/**
 * Parses a Kubernetes quantity ("10Gi", "500M", "0.5", "250m", "1e10", "10E9", "10737418240")
 * exactly, or returns undefined.
 */
export function parseQuantity(value: unknown): Quantity | undefined {
    const text = quantityText(value);
    const match = text === undefined ? null : QUANTITY.exec(text);
    if (!match) return undefined;
    const [, sign, digits, binary, decimal, exponent] = match;
    const [whole, fraction = ""] = digits.split(".");
    // The pattern guarantees digits on one side of the point at least.
    let num = BigInt(whole + fraction);
    if (sign === "-") num = -num;
    let den = 10n ** BigInt(fraction.length);
    const power10 = decimal ? DECIMAL_POWER[decimal] : exponent ? Math.max(-100, Math.min(100, Number(exponent))) : 0;
    if (binary) num *= 2n ** BigInt(10 * BINARY_POWER[binary]);
    if (power10 >= 0) num *= 10n ** BigInt(power10);
    else den *= 10n ** BigInt(-power10);
    return { num, den };
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareQuantities(a: Quantity, b: Quantity): number {
    const left = a.num * b.den;
    const right = b.num * a.den;
    return left < right ? -1 : left > right ? 1 : 0;
}

export const GIBIBYTE: Quantity = { num: 2n ** 30n, den: 1n };
/** SQL Server does not start with less memory than this. */
export const SQL_SERVER_MIN_MEMORY: Quantity = { num: 2n * 2n ** 30n, den: 1n };

function checkPositiveQuantity(value: unknown, example: string): string | undefined {
    const q = parseQuantity(value);
    if (q === undefined || q.num <= 0n)
        return `${shown(value)} is not a positive Kubernetes quantity; use a number with an optional unit (Ki, Mi, Gi, Ti, Pi, Ei; k, M, G, T, P, E; m for milli) or exponent, e.g. ${example}`;
    if (compareQuantities(q, MAX_QUANTITY) > 0) return `${shown(value)} is larger than a Kubernetes quantity can hold (2^63-1)`;
    return undefined;
}

/** A storage size: a positive quantity of at least `min` bytes (1Gi by default). */
export function checkStorageQuantity(value: unknown, min: Quantity = GIBIBYTE): string | undefined {
    const problem = checkPositiveQuantity(value, `"10Gi", "500G", "1Ti", "10737418240" or "1e10"`);
    if (problem) return problem;
    if (compareQuantities(parseQuantity(value)!, min) < 0) return `${shown(value)} is too small; SQL Server needs at least "1Gi" of data volume`;
    return undefined;
}

/** A CPU, memory or other resource quantity in a resources block. */
export function checkResourceQuantity(value: unknown): string | undefined {
    return checkPositiveQuantity(value, `"500m", "2", "4Gi" or "4294967296"`);
}

const RESOURCE_NAMES = ["cpu", "memory", "ephemeral-storage"] as const;
const HUGEPAGES = /^hugepages-(.+)$/;

/**
 * The resources of a container as Kubernetes admits them and SQL Server starts with: known
 * resource names (cpu, memory, ephemeral-storage, hugepages-<size>), positive quantities, no
 * request above its limit, hugepages requested exactly as limited (and only beside cpu or memory),
 * and a memory limit of at least 2Gi. Adds problems under `key`; returns the blocks with quantities as text.
 */
export function checkResources(
    problems: Problems,
    key: string,
    requests: unknown,
    limits: unknown,
): { requests?: Record<string, string>; limits?: Record<string, string> } {
    const result: { requests?: Record<string, string>; limits?: Record<string, string> } = {};
    const parsed: Record<"requests" | "limits", Record<string, Quantity>> = { requests: {}, limits: {} };
    for (const [part, block] of [
        ["requests", requests],
        ["limits", limits],
    ] as const) {
        if (block === undefined) continue;
        if (typeof block !== "object" || block === null || Array.isArray(block)) {
            problems.add(`${key}.${part}`, `must be an object with fields ${RESOURCE_NAMES.join(", ")} or hugepages-<size>, got ${shown(block)}`);
            continue;
        }
        const texts: Record<string, string> = {};
        for (const [name, value] of Object.entries(block)) {
            const at = `${key}.${part}.${name}`;
            const huge = HUGEPAGES.exec(name);
            if (!(RESOURCE_NAMES as readonly string[]).includes(name) && !huge) {
                problems.add(at, `unknown resource; allowed: ${RESOURCE_NAMES.join(", ")}, hugepages-<page size> (e.g. hugepages-2Mi)`);
                continue;
            }
            const page = huge ? parseQuantity(huge[1]) : undefined;
            if (huge && (page === undefined || page.num <= 0n || page.num % page.den !== 0n)) {
                problems.add(at, `${shown(huge[1])} is not a page size; use e.g. hugepages-2Mi or hugepages-1Gi`);
                continue;
            }
            const problem = checkResourceQuantity(value);
            problems.add(at, problem);
            if (problem) continue;
            const q = parseQuantity(value)!;
            // A whole number of pages: q / page is an integer.
            if (page && (q.num * page.den) % (page.num * q.den) !== 0n) {
                problems.add(at, `${shown(value)} is not a whole number of ${huge![1]} pages`);
                continue;
            }
            // SQL Server refuses to start below 2 GB of memory: the limit is what it sees (a lower
            // request only lowers what the scheduler reserves).
            if (part === "limits" && name === "memory" && compareQuantities(q, SQL_SERVER_MIN_MEMORY) < 0) {
                problems.add(at, `${shown(value)} is less than the "2Gi" (2147483648 bytes) of memory SQL Server needs to start`);
            }
            parsed[part][name] = q;
            texts[name] = quantityText(value)!;
        }
        result[part] = texts;
    }
    for (const [name, request] of Object.entries(parsed.requests)) {
        const limit = parsed.limits[name];
        const given = quantityText((requests as Record<string, unknown>)[name]);
        if (HUGEPAGES.test(name)) {
            if (limit === undefined)
                problems.add(`${key}.limits.${name}`, `is missing; Kubernetes requires a limit equal to the request (${shown(given)}) for hugepages`);
            else if (compareQuantities(request, limit) !== 0)
                problems.add(
                    `${key}.requests.${name}`,
                    `${shown(given)} must equal the limit ${shown(quantityText((limits as Record<string, unknown>)[name]))}; Kubernetes does not overcommit hugepages`,
                );
        } else if (limit !== undefined && compareQuantities(request, limit) > 0) {
            problems.add(
                `${key}.requests.${name}`,
                `${shown(given)} is more than the limit ${shown(quantityText((limits as Record<string, unknown>)[name]))} ("${key}.limits.${name}"); a request may not exceed its limit`,
            );
        }
    }
    const names = [...Object.keys(parsed.requests), ...Object.keys(parsed.limits)];
    if (names.some((n) => HUGEPAGES.test(n)) && !names.some((n) => n === "cpu" || n === "memory")) {
        problems.add(key, "requests hugepages without cpu or memory; Kubernetes requires one of them beside hugepages");
    }
    return result;
}

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

// -------------------------------------------------------------------------------------- Passwords

export const SA_PASSWORD_MIN_LENGTH = 8;
export const SA_PASSWORD_MAX_LENGTH = 128;

/**
 * SQL Server's password policy for `sa`: 8–128 characters from at least three of upper case,
 * lower case, digits and symbols; nothing a connection string would break on. The message never
 * contains the password itself.
 */
export function checkSaPassword(value: unknown): string | undefined {
    if (typeof value !== "string") return "must be a string";
    if (value.length < SA_PASSWORD_MIN_LENGTH || value.length > SA_PASSWORD_MAX_LENGTH) {
        return `is too ${value.length < SA_PASSWORD_MIN_LENGTH ? "short" : "long"}; SQL Server requires ${SA_PASSWORD_MIN_LENGTH} to ${SA_PASSWORD_MAX_LENGTH} characters`;
    }
    const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
    if (classes < 3) {
        return `uses ${classes} of the 4 character classes; SQL Server requires at least three of upper case, lower case, digits and symbols`;
    }
    // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
    if (/[\u0000-\u001f\u007f]/.test(value)) return "contains control characters; use printable characters only";
    // Connection-string parsers trim values: the password apps get would not be the password.
    if (/^\s|\s$/.test(value)) return "starts or ends with white space, which connection strings drop; remove it (spaces inside are fine)";
    // A quote or semicolon would have to be escaped in every ADO.NET and JDBC connection string we publish.
    if (/[;'"{}]/.test(value)) return "contains one of ; ' \" { } which break connection strings; use other symbols";
    return undefined;
}

// ---------------------------------------------------------------------------------------- General

export function checkOneOf<T extends string>(value: unknown, allowed: readonly T[]): string | undefined {
    return typeof value === "string" && (allowed as readonly string[]).includes(value)
        ? undefined
        : `${shown(value)} is not allowed; use one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`;
}

export function checkInteger(value: unknown, min: number, max: number): string | undefined {
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
        ? undefined
        : `${shown(value)} is not allowed; use a whole number from ${min} to ${max}`;
}

export function checkBoolean(value: unknown): string | undefined {
    return typeof value === "boolean" ? undefined : `must be true or false, got ${shown(value)}`;
}

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Kubernetes labels: `[prefix/]name` keys (name ≤ 63, prefix a DNS subdomain) and values of at most 63 characters. */
export function checkLabels(problems: Problems, key: string, labels: unknown): void {
    if (labels === undefined) return;
    if (typeof labels !== "object" || labels === null || Array.isArray(labels)) {
        problems.add(key, `must be an object of label names to values, got ${shown(labels)}`);
        return;
    }
    for (const [name, value] of Object.entries(labels)) {
        const slash = name.lastIndexOf("/");
        const [prefix, local] = slash < 0 ? [undefined, name] : [name.slice(0, slash), name.slice(slash + 1)];
        if ((prefix !== undefined && checkDnsSubdomain(prefix) !== undefined) || local.length > 63 || !LABEL_NAME.test(local)) {
            problems.add(
                `${key}.${name}`,
                "is not a label name: an optional DNS subdomain and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
            );
        } else if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value)) {
            problems.add(
                `${key}.${name}`,
                `${shown(value)} is not a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`,
            );
        }
    }
}
