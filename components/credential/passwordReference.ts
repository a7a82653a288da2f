/**
 * PasswordReference — the sa password read from a Kubernetes Secret the user keeps (for instance
 * one External Secrets Operator writes from a secret store): `saPasswordSecret: { name, key }`.
 *
 * A custom resource of the package, so that its check runs in `pulumi preview` too: it reads the
 * Secret with the stack's kubeconfig and refuses a missing Secret or key, or a value that breaks
 * SQL Server's password policy, naming the Secret and the key but never the value. It hands the
 * password on as a secret, with a keyed fingerprint of it (HMAC-SHA256 under a random key of its
 * own, kept secret in the state; never a bare hash, which a guess could be checked against): the
 * diff compares fingerprints, so a preview shows whether a rotation is due. The password then takes
 * the path of a changed `saPassword`: a new credential Secret, one RotateAuth request, the
 * connection Secret after it succeeded. When the cluster cannot be reached at preview, it says it
 * cannot know, and `pulumi up` reads the Secret then.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHmac, randomBytes } from "crypto";
import { KubeApi, describeApiError, kubeApi, statusCode } from "../kube/client";
import { checkDnsLabel, checkDnsSubdomain, checkSaPassword } from "../core/checks";
import { isUnknown, withoutKubeconfig } from "../resourceProtocol";
import { report } from "../ops/report";
import { DATA_KEY } from "./connectionShape";

export interface PasswordReferenceInputs {
    /** The database's namespace: the Secret lives there. */
    namespace: string;
    database: string;
    /** The Secret's name and the key that holds the password. */
    name: string;
    key: string;
    kubeconfig?: string;
    /** Set by check: the fingerprint's key (secret), drawn once and kept. */
    fingerprintKey?: string;
    /** Set by check when the Secret could be read: the password (secret) and its fingerprint. */
    password?: string;
    fingerprint?: string;
}

export type PasswordReferenceOutputs = Omit<PasswordReferenceInputs, "kubeconfig"> & { fingerprintKey: string; password: string; fingerprint: string };

/** What reading the referenced Secret gave: the password, a refusal naming the input at fault, or no answer. */
export type ReferenceRead =
    { kind: "value"; password: string } | { kind: "refused"; property: "name" | "key"; reason: string } | { kind: "unreachable"; why: string };

/** How messages name the reference: the config key, the Secret and the key — never the value. */
export function describeReference(ref: { namespace: string; name: string; key: string }): string {
    return `saPasswordSecret (Secret ${ref.namespace}/${ref.name}, key "${ref.key}")`;
}

/** A keyed fingerprint of the password: equal passwords give equal fingerprints under one key; it tells nothing of the password. */
export function passwordFingerprint(key: string, password: string): string {
    return "hmac-sha256:" + createHmac("sha256", key).update(`kubedb-mssql/password-reference/v1\0${password}`).digest("hex").slice(0, 32);
}

/** Reads and checks the referenced password. An answer of the API server (404 aside) is a refusal; no answer at all is `unreachable`. */
export async function readReferencedPassword(api: KubeApi, ref: { namespace: string; name: string; key: string }): Promise<ReferenceRead> {
    const what = describeReference(ref);
    let secret;
    try {
        secret = await api.getSecret(ref.namespace, ref.name);
    } catch (error) {
        if (statusCode(error) === undefined) return { kind: "unreachable", why: describeApiError(error) };
        return { kind: "refused", property: "name", reason: `${what}: cannot be read: ${describeApiError(error)}` };
    }
    if (!secret) {
        return {
            kind: "refused",
            property: "name",
            reason: `${what}: the Secret does not exist in namespace ${ref.namespace}; create it (or let your secret store's operator create it) before \`pulumi up\`, or correct saPasswordSecret.name`,
        };
    }
    const data = (secret.data ?? {}) as Record<string, string>;
    if (data[ref.key] === undefined) {
        const keys = Object.keys(data);
        return {
            kind: "refused",
            property: "key",
            reason: `${what}: the Secret has no key "${ref.key}" (its keys: ${keys.length ? keys.join(", ") : "none"}); correct saPasswordSecret.key`,
        };
    }
    const password = Buffer.from(data[ref.key], "base64").toString("utf8");
    const problem = checkSaPassword(password);
    if (problem) return { kind: "refused", property: "key", reason: `${what}: the password it holds ${problem}; nothing was sent to the database` };
    return { kind: "value", password };
}

/** The reference's own shape, for a program that registers it directly. */
function checkShape(news: PasswordReferenceInputs): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const add = (property: string, reason: string | undefined) => reason && failures.push({ property, reason: `saPasswordSecret.${property}: ${reason}` });
    if (!isUnknown(news.namespace)) add("namespace", checkDnsLabel(news.namespace));
    if (!isUnknown(news.name)) add("name", checkDnsSubdomain(news.name));
    if (!isUnknown(news.key) && (typeof news.key !== "string" || !DATA_KEY.test(news.key))) add("key", "is not a Secret data key");
    return failures;
}

/** Reads the Secret at check (so at preview too); the fingerprint key is kept from the last run. */
export async function checkPasswordReference(
    olds: Partial<PasswordReferenceInputs>,
    news: PasswordReferenceInputs,
    api?: KubeApi,
): Promise<pulumi.dynamic.CheckResult> {
    const { namespace, database, name, key, kubeconfig } = news;
    const inputs: PasswordReferenceInputs = {
        namespace,
        database,
        name,
        key,
        kubeconfig,
        fingerprintKey: olds.fingerprintKey ?? randomBytes(32).toString("hex"),
    };
    const failures = checkShape(news);
    if (failures.length) return { inputs, failures };
    if ([namespace, name, key, kubeconfig].some(isUnknown)) {
        report(`${describeReference(news)}: the cluster is not known yet, so whether a rotation is due is not known until \`pulumi up\` reads the Secret`);
        return { inputs };
    }
    const read = await readReferencedPassword(api ?? kubeApi(kubeconfig), news);
    if (read.kind === "refused") return { inputs, failures: [{ property: read.property, reason: read.reason }] };
    if (read.kind === "unreachable") {
        report(
            `${describeReference(news)}: the cluster cannot be reached (${read.why}), so whether a rotation is due is not known; \`pulumi up\` reads the Secret`,
        );
        return { inputs };
    }
    const fingerprint = passwordFingerprint(inputs.fingerprintKey!, read.password);
    if (olds.fingerprint !== undefined && olds.fingerprint !== fingerprint) {
        report(`${describeReference(news)}: the password changed since the last run; the database is rotated to it (RotateAuth)`);
    }
    return { inputs: { ...inputs, password: read.password, fingerprint } };
}

/** A new value (or one not known at preview), or another Secret or key, is a change; a new kubeconfig is not. */
export function diffPasswordReference(olds: Partial<PasswordReferenceOutputs>, news: PasswordReferenceInputs): pulumi.dynamic.DiffResult {
    const moved = (["namespace", "database", "name", "key"] as const).some((k) => olds[k] !== news[k]);
    return { changes: moved || news.fingerprint === undefined || olds.fingerprint !== news.fingerprint, replaces: [], deleteBeforeReplace: false };
}

/** The outputs: what check read, or (when it could not) the Secret read now; refused or unreachable → nothing downstream runs. */
export async function resolvePasswordReference(inputs: PasswordReferenceInputs, api?: KubeApi): Promise<PasswordReferenceOutputs> {
    const fingerprintKey = inputs.fingerprintKey ?? randomBytes(32).toString("hex");
    if (inputs.password !== undefined && inputs.fingerprint !== undefined) return { ...withoutKubeconfig(inputs), fingerprintKey } as PasswordReferenceOutputs;
    const read = await readReferencedPassword(api ?? kubeApi(inputs.kubeconfig), inputs);
    if (read.kind === "refused") throw new Error(read.reason);
    if (read.kind === "unreachable") throw new Error(`${describeReference(inputs)}: cannot be read (${read.why}); nothing was sent to the database`);
    return { ...withoutKubeconfig(inputs), fingerprintKey, password: read.password, fingerprint: passwordFingerprint(fingerprintKey, read.password) };
}

export const passwordReferenceProvider: pulumi.dynamic.ResourceProvider = {
    async check(olds: Partial<PasswordReferenceInputs>, news: PasswordReferenceInputs) {
        return checkPasswordReference(olds, news);
    },
    async diff(_id: string, olds: Partial<PasswordReferenceOutputs>, news: PasswordReferenceInputs) {
        return diffPasswordReference(olds, news);
    },
    async create(inputs: PasswordReferenceInputs) {
        return { id: `${inputs.namespace}/${inputs.name}/${inputs.key}`, outs: await resolvePasswordReference(inputs) };
    },
    async update(_id: string, _olds: PasswordReferenceOutputs, news: PasswordReferenceInputs) {
        return { outs: await resolvePasswordReference(news) };
    },
    // The Secret is the user's: nothing of it is ever changed or deleted.
    async delete() {},
};
