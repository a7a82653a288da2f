/**
 * Pure checks shared by the stack config and the component args. Each returns `undefined` when the
 * value is fine, or the sentence that explains what is allowed. Callers add the key name and
 * collect every problem into one {@link ConfigError}, so a user fixes a bad config in one go.
 */

/** Everything wrong with a config or a component's args, reported together, before anything is created. */
export class ConfigError extends Error {
    constructor(readonly problems: string[], context = "configuration") {
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
    const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    return text.length > 80 ? text.slice(0, 77) + "..." : text;
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

/** A DNS name for a certificate: a subdomain, optionally with one leading wildcard label. */
export function checkDnsName(value: unknown): string | undefined {
    if (typeof value !== "string") return `must be a string, got ${shown(value)}`;
    const bare = value.startsWith("*.") ? value.slice(2) : value;
    return checkDnsSubdomain(bare) === undefined ? undefined : `${shown(value)} is not a valid DNS name (e.g. "mssql.example.com" or "*.mssql.svc")`;
}

export function checkIpAddress(value: unknown): string | undefined {
    if (typeof value !== "string") return `must be a string, got ${shown(value)}`;
    const v4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
    const v6 = /^[0-9a-fA-F:]+$/;
    return v4.test(value) || (value.includes(":") && v6.test(value)) ? undefined : `${shown(value)} is not an IPv4 or IPv6 address`;
}

const BINARY_SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIX: Record<string, number> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, m: 1e-3 };

/** Parses a Kubernetes resource quantity ("10Gi", "500M", "0.5") into a number, or undefined. */
export function parseQuantity(value: string): number | undefined {
    const match = /^(\d+(?:\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$/.exec(value);
    if (!match) return undefined;
    const suffix = match[2] ?? "";
    return Number(match[1]) * (BINARY_SUFFIX[suffix] ?? DECIMAL_SUFFIX[suffix]);
}

/** A storage size: a positive quantity of at least `minBytes`. */
export function checkStorageQuantity(value: unknown, minBytes = 2 ** 30): string | undefined {
    const bytes = typeof value === "string" ? parseQuantity(value) : undefined;
    if (bytes === undefined || bytes <= 0) {
        return `${shown(value)} is not a Kubernetes quantity; use a number with a unit such as "10Gi", "500Gi" or "1Ti"`;
    }
    if (bytes < minBytes) return `${shown(value)} is too small; SQL Server needs at least "1Gi" of data volume`;
    return undefined;
}

/** A CPU or memory quantity in a resources block. */
export function checkResourceQuantity(value: unknown): string | undefined {
    const parsed = typeof value === "string" ? parseQuantity(value) : typeof value === "number" ? value : undefined;
    return parsed === undefined || parsed <= 0 ? `${shown(value)} is not a positive Kubernetes quantity (e.g. "500m", "2", "4Gi")` : undefined;
}

/**
 * A Go duration as cert-manager and KubeDB take it ("2160h", "90m", "1h30m"), returned in
 * seconds. cert-manager does not accept days, so neither do we here.
 */
export function parseGoDuration(value: string): number | undefined {
    if (!/^(\d+(\.\d+)?(h|m|s|ms))+$/.test(value)) return undefined;
    const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
    let seconds = 0;
    for (const part of value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) seconds += Number(part[1]) * unit[part[2]];
    return seconds;
}

export function checkGoDuration(value: unknown, minSeconds = 1): string | undefined {
    const seconds = typeof value === "string" ? parseGoDuration(value) : undefined;
    if (seconds === undefined) return `${shown(value)} is not a duration; use hours, minutes or seconds such as "2160h", "90m" or "1h30m" (no days)`;
    if (seconds < minSeconds) return `${shown(value)} is too short; the minimum is ${minSeconds}s`;
    return undefined;
}

/** A rotation interval: whole minutes, hours, days or weeks ("30d", "12h", "2w"), at least one hour. */
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
    return undefined;
}

export const SA_PASSWORD_MIN_LENGTH = 8;
export const SA_PASSWORD_MAX_LENGTH = 128;

/**
 * SQL Server's password policy for `sa`: 8–128 characters from at least three of upper case,
 * lower case, digits and symbols. The message never contains the password itself.
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
    if (/[\u0000-\u001f\u007f]/.test(value)) return "contains control characters; use printable characters only";
    // A quote or semicolon would have to be escaped in every ADO.NET and JDBC connection string we publish.
    if (/[;'"{}]/.test(value)) return "contains one of ; ' \" { } which break connection strings; use other symbols";
    return undefined;
}

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
