/**
 * Where the connection details go and under which keys: the app-facing Secret's name and keys,
 * which values it holds, and optionally a ConfigMap for the values that are not secret. Pure, so
 * the config parser, the ConnectionSecret component and the tests share one set of rules. The
 * default shape is exactly the `<db>-connection` Secret of earlier releases (same name, keys and
 * content), so a stack upgraded without setting `connection` changes nothing in the cluster.
 */
import { checkDnsSubdomain } from "../core/checks";
import { Problems, shown } from "../core/problems";

/** Every value an application may be given, by the name the config uses for it. */
export const CONNECTION_VALUES = ["host", "port", "username", "password", "connectionString", "jdbcUrl", "odbcConnectionString", "caCrt"] as const;
export type ConnectionValue = (typeof CONNECTION_VALUES)[number];

/** Values that hold the password: only a Secret may carry them. */
export const SECRET_ONLY_VALUES: readonly ConnectionValue[] = ["password", "connectionString", "jdbcUrl", "odbcConnectionString"];

/** Data keys of the default Secret: today's set and names (the ODBC string is opt-in). */
export const DEFAULT_SECRET_KEYS: Readonly<Partial<Record<ConnectionValue, string>>> = {
    host: "host",
    port: "port",
    username: "username",
    password: "password",
    connectionString: "connection-string",
    jdbcUrl: "jdbc-url",
    caCrt: "ca.crt",
};

/** Data keys of a ConfigMap named without keys: every value it may hold. */
export const DEFAULT_CONFIG_MAP_KEYS: Readonly<Partial<Record<ConnectionValue, string>>> = {
    host: "host",
    port: "port",
    username: "username",
    caCrt: "ca.crt",
};

/** A Secret's or ConfigMap's data key, as the API server validates it. */
export const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

/** The connection Secret and ConfigMap as configured (`connection` key / args); every field optional. */
export interface ConnectionSettings {
    /** Name of the app-facing Secret. Default: `<db>-connection`. */
    secretName?: string;
    /** Which values the Secret holds, each under which data key. Default: DEFAULT_SECRET_KEYS. */
    keys?: Partial<Record<ConnectionValue, string>>;
    /** A ConfigMap for values that are not secret (host, port, username, caCrt). Default: none. */
    configMap?: { name: string; keys?: Partial<Record<ConnectionValue, string>> };
}

/** The shape with defaults applied. */
export interface ConnectionShape {
    /** Undefined = the default name `<db>-connection`. */
    secretName?: string;
    secretKeys: Partial<Record<ConnectionValue, string>>;
    configMap?: { name: string; keys: Partial<Record<ConnectionValue, string>> };
}

export const DEFAULT_CONNECTION_SHAPE: ConnectionShape = { secretKeys: DEFAULT_SECRET_KEYS };

const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks `raw` (the `connection` key, or the ConnectionSecret's args) and applies the defaults.
 * `database` is the database's name: the Secret and ConfigMap may not take a name of the package's
 * own objects (`<db>-auth-…`, `<db>-ca`, `<db>-…-cert`). Problems are named under `key`.
 */
export function parseConnectionShape(problems: Problems, key: string, raw: unknown, database: string): ConnectionShape {
    if (raw === undefined || raw === null) return DEFAULT_CONNECTION_SHAPE;
    if (!isObject(raw)) {
        problems.add(key, `must be an object with fields secretName, keys, configMap, got ${shown(raw)}`);
        return DEFAULT_CONNECTION_SHAPE;
    }
    // With key "" (a component's own args) the fields are named as they are.
    const at = (field: string) => (key ? `${key}.${field}` : field);
    for (const field of Object.keys(raw)) {
        if (!["secretName", "keys", "configMap"].includes(field)) problems.add(at(field), "unknown field; allowed: secretName, keys, configMap");
    }
    const shape: ConnectionShape = { secretKeys: DEFAULT_SECRET_KEYS };
    if (raw.secretName !== undefined) {
        const problem = checkObjectName(raw.secretName, database);
        problems.add(at("secretName"), problem);
        if (!problem) shape.secretName = raw.secretName as string;
    }
    if (raw.keys !== undefined) shape.secretKeys = parseKeys(problems, at("keys"), raw.keys, CONNECTION_VALUES);
    if (raw.configMap !== undefined) {
        const cm = raw.configMap;
        if (!isObject(cm)) {
            problems.add(at("configMap"), `must be an object with fields name, keys, got ${shown(cm)}`);
        } else {
            for (const field of Object.keys(cm)) {
                if (!["name", "keys"].includes(field)) problems.add(at(`configMap.${field}`), "unknown field; allowed: name, keys");
            }
            const problem = cm.name === undefined ? "is missing; name the ConfigMap, or remove connection.configMap" : checkObjectName(cm.name, database);
            problems.add(at("configMap.name"), problem);
            const allowed = CONNECTION_VALUES.filter((v) => !SECRET_ONLY_VALUES.includes(v));
            const keys = cm.keys === undefined ? { ...DEFAULT_CONFIG_MAP_KEYS } : parseKeys(problems, at("configMap.keys"), cm.keys, allowed);
            if (!problem) shape.configMap = { name: cm.name as string, keys };
        }
    }
    return shape;
}

function checkObjectName(value: unknown, database: string): string | undefined {
    return checkDnsSubdomain(value) ?? ownObjectProblem(value as string, database);
}

/** Why `name` may not be a Secret the user names: it is one of the database's own (credential, CA, certificate). */
export function ownObjectProblem(name: string, database: string): string | undefined {
    if (name.startsWith(`${database}-auth-`) || name === `${database}-ca` || name === `${database}-selfsigned` || /-cert$/.test(name)) {
        return `${shown(name)} is a name of the database's own objects (credential, CA or certificate Secrets); choose another`;
    }
    return undefined;
}

function parseKeys(problems: Problems, key: string, raw: unknown, allowed: readonly ConnectionValue[]): Partial<Record<ConnectionValue, string>> {
    if (!isObject(raw)) {
        problems.add(key, `must be an object from value names (${allowed.join(", ")}) to data keys, got ${shown(raw)}`);
        return {};
    }
    const keys: Partial<Record<ConnectionValue, string>> = {};
    const byDataKey = new Map<string, string>();
    for (const [value, dataKey] of Object.entries(raw)) {
        if (!(CONNECTION_VALUES as readonly string[]).includes(value)) {
            problems.add(`${key}.${value}`, `unknown value; allowed: ${allowed.join(", ")}`);
            continue;
        }
        if (!allowed.includes(value as ConnectionValue)) {
            problems.add(`${key}.${value}`, `holds the password, so only the connection Secret may carry it; allowed here: ${allowed.join(", ")}`);
            continue;
        }
        if (typeof dataKey !== "string" || !DATA_KEY.test(dataKey) || dataKey.length > 253) {
            problems.add(`${key}.${value}`, `${shown(dataKey)} is not a data key; use letters, digits, '-', '_' and '.' (at most 253)`);
            continue;
        }
        const first = byDataKey.get(dataKey);
        if (first !== undefined) problems.add(`${key}.${value}`, `${shown(dataKey)} is also the key of ${first}; each value needs a key of its own`);
        else byDataKey.set(dataKey, value);
        keys[value as ConnectionValue] = dataKey;
    }
    if (Object.keys(raw).length === 0) problems.add(key, `lists no value; name at least one of ${allowed.join(", ")}`);
    return keys;
}

/** Whether the shape is exactly the default one (`<db>-connection`, today's keys, no ConfigMap). */
export function isDefaultShape(shape: ConnectionShape): boolean {
    return shape.secretName === undefined && shape.configMap === undefined && JSON.stringify(shape.secretKeys) === JSON.stringify(DEFAULT_SECRET_KEYS);
}

/** The values put under their data keys (in the order of CONNECTION_VALUES). */
export function shaped(values: Record<ConnectionValue, string>, keys: Partial<Record<ConnectionValue, string>>): Record<string, string> {
    const data: Record<string, string> = {};
    for (const value of CONNECTION_VALUES) {
        const dataKey = keys[value];
        if (dataKey !== undefined && has(keys, value)) data[dataKey] = values[value];
    }
    return data;
}
