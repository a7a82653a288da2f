/**
 * The stack config of this project's program: Pulumi's raw `project:key` map turned into the
 * SqlServer component's settings. Only the program (index.ts, through stack/sqlServerArgs.ts)
 * imports this; the library takes the same settings as args (database/settings.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../components/core/problems";
import { DatabaseSettings, KNOWN_KEYS, parseDatabaseValues } from "../components/database/settings";

/** The project name, and so the prefix of every config key (`kubedb-mssql:version`). */
export const PROJECT = "kubedb-mssql";

/** An own property (never one inherited from Object.prototype, such as `constructor`). */
const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/** Keys whose values are secrets: they must be set with `--secret` and never appear in messages. */
export const SECRET_KEYS = ["saPassword", "kubeconfig"] as const;

/**
 * Turns Pulumi's raw config map (`project:key` → string; objects as JSON text, also as flat
 * dotted keys such as `rotation.generation`) into one object per top-level key.
 */
export function collectRawConfig(raw: Record<string, string>, project = PROJECT): { values: Record<string, unknown>; problems: Problems } {
    const problems = new Problems();
    const values: Record<string, unknown> = {};
    const prefix = `${project}:`;
    const entries = Object.entries(raw)
        .filter(([k]) => k.startsWith(prefix))
        .sort(([a], [b]) => a.length - b.length);
    for (const [fullKey, text] of entries) {
        const key = fullKey.slice(prefix.length);
        const path = key.split(".");
        const top = path[0];
        if (!has(KNOWN_KEYS, top) || path.includes("__proto__")) {
            problems.add(key, `unknown config key; known keys are ${Object.keys(KNOWN_KEYS).join(", ")}`);
            continue;
        }
        const value = (SECRET_KEYS as readonly string[]).includes(top) ? text : parseValue(text);
        // A flat dotted key ("rotation.generation") sets a field inside the object-valued key.
        let target: unknown = values;
        let conflict: string | undefined;
        for (const [i, segment] of path.slice(0, -1).entries()) {
            const object = target as Record<string, unknown>;
            if (!has(object, segment)) object[segment] = {};
            target = object[segment];
            if (typeof target !== "object" || target === null || Array.isArray(target)) {
                conflict = path.slice(0, i + 1).join(".");
                break;
            }
        }
        if (conflict !== undefined) {
            problems.add(key, `conflicts with "${conflict}", which is not an object`);
            continue;
        }
        (target as Record<string, unknown>)[path[path.length - 1]] = value;
    }
    return { values, problems };
}

/** JSON where the text is JSON (objects, booleans, numbers), else the text. */
function parseValue(text: string): unknown {
    const trimmed = text.trim();
    // "12345678901234567890" (a valid namespace) stays text: as a number it would lose digits.
    if (/^-?\d+$/.test(trimmed) && !Number.isSafeInteger(Number(trimmed))) return text;
    if (/^[[{]/.test(trimmed) || trimmed === "true" || trimmed === "false" || /^-?\d+(\.\d+)?$/.test(trimmed)) {
        try {
            return JSON.parse(trimmed);
        } catch {
            // Not JSON after all ("{size: 10Gi}"): the text itself, for the checks to refuse.
        }
    }
    return text;
}

export interface ParseOptions {
    project?: string;
}

/**
 * Advice that does not stop the program: a secret key stored in plain text in the stack file (the
 * program still treats the value as a secret everywhere).
 */
export function configWarnings(raw: Record<string, string>, secretKeys: readonly string[], project = PROJECT): string[] {
    return SECRET_KEYS.filter((key) => `${project}:${key}` in raw && !secretKeys.includes(key)).map(
        (key) => `config "${key}" is stored in plain text in the stack's config file; store it encrypted with \`pulumi config set --secret ${key} ...\``,
    );
}

/**
 * Validates the whole config and applies defaults. Throws one ConfigError listing every problem,
 * each naming its key, what is allowed and what was given (never a secret's value).
 */
export function parseStackConfig(raw: Record<string, string>, options: ParseOptions = {}): DatabaseSettings {
    const { values, problems } = collectRawConfig(raw, options.project ?? PROJECT);
    return parseDatabaseValues(values, problems);
}

/** Reads this program's config from the Pulumi runtime and parses it. */
export function readStackConfig(): DatabaseSettings {
    const raw = pulumi.runtime.allConfig();
    const project = pulumi.getProject();
    const config = parseStackConfig(raw, { project });
    // The runtime exports isConfigSecret without declaring it.
    const isSecret = (pulumi.runtime as unknown as { isConfigSecret: (key: string) => boolean }).isConfigSecret;
    const secretKeys = Object.keys(raw)
        .filter((k) => isSecret(k))
        .map((k) => k.slice(project.length + 1));
    for (const warning of configWarnings(raw, secretKeys, project)) void pulumi.log.warn(warning);
    return config;
}
