/** Kubernetes quantities as exact fractions, and the checks of sizes and resources built on them. */
import { ResourceRequirements } from "../api/kubedb";
import { Problems, shown } from "./problems";
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

/** Equal quantities by value ("1Gi" = "1024Mi"); text that is no quantity (or a missing one) only equals itself. */
export function sameQuantity(a: string | undefined, b: string | undefined): boolean {
    const qa = parseQuantity(a);
    const qb = parseQuantity(b);
    return qa !== undefined && qb !== undefined ? compareQuantities(qa, qb) === 0 : a === b;
}

/** Equal resource requirements, quantities compared by value. */
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

/** Every quantity `wanted` states is one `live` has (KubeDB's webhook adds defaults beside them). */
export function coversResources(live: ResourceRequirements | undefined, wanted: ResourceRequirements): boolean {
    return (["requests", "limits"] as const).every((part) =>
        Object.entries(wanted[part] ?? {}).every(([key, value]) => {
            const have = parseQuantity(live?.[part]?.[key]);
            const want = parseQuantity(value);
            return have !== undefined && want !== undefined && compareQuantities(have, want) === 0;
        }),
    );
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
