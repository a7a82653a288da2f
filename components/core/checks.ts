/**
 * Pure checks shared by the stack config and the component args. Each returns `undefined` when the
 * value is fine, or the sentence that explains what is allowed. Callers add the key name and
 * collect every problem into one {@link ConfigError}, so a user fixes a bad config in one go.
 */
import { Problems, shown } from "./problems";
import { isIP } from "net";
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

/** The largest generation a user may bump to (rotation, TLS rotation, restart): far beyond any real use, safe as a JSON number. */
export const MAX_GENERATION = 1_000_000;

/** A generation counter: a whole number from 0 to {@link MAX_GENERATION}. */
export function checkGeneration(value: unknown): string | undefined {
    return checkInteger(value, 0, MAX_GENERATION);
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
