/**
 * The provider behind {@link SaCredential}'s Secret: one `sa` credential Secret per
 * credential version, created through the API, never edited, never deleted (the rotation removes
 * superseded ones once the database is seen using the new one).
 *
 * - check, on the first deployment only: a database that does not exist but whose credential
 *   Secrets were retained (deletionPolicy Halt, then `pulumi destroy`) is resumed on the one its
 *   data knows (retainedCredential.ts); several with no way to tell them apart are refused, so
 *   `pulumi preview` already says so and nothing is created.
 * - create: resumed → no new Secret: the database is created with the retained one, and the
 *   connection Secret gets its password (read from it, kept only as a secret output). Otherwise the
 *   version's Secret is created (an identical one left by an earlier release of this program is
 *   adopted, so an upgrade changes nothing).
 * - update: a new credential version (its name changes with the password) → its own new Secret.
 * - delete: nothing; a credential Secret outlives the stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { KubeApi, kubeApi, statusCode } from "../kube/client";
import { credentialSecretManifest } from "./manifests";
import { ambiguousRetainedCredential, findRetainedCredential } from "./retainedCredential";
import { isOwn } from "../core/names";
import { isUnknown, withoutKubeconfig } from "../resourceProtocol";
import { report } from "../ops/report";

export interface CredentialSecretInputs {
    namespace: string;
    database: string;
    /** Name of this credential version's Secret (`<database>-auth-<suffix>`). */
    versionSecretName: string;
    /** This version's password (a secret input). */
    password: string;
    /** Annotations of the version's Secret (generation, period; never the password). */
    annotations: Record<string, string>;
    /** Whether the password is the user's (`saPassword`) rather than generated. */
    passwordGiven: boolean;
    /** Resume a re-created database on the credential Secret its data knows. */
    resumeRetained: boolean;
    /**
     * Set by check on the first deployment: the retained Secret to resume on, or "" (none). Kept
     * from then on: it records what the database was created with.
     */
    retained?: string;
    kubeconfig?: string;
}

export interface CredentialSecretOutputs extends Omit<CredentialSecretInputs, "kubeconfig"> {
    /** The Secret the database was created with: the retained one when resumed, else the version's. */
    initialSecretName: string;
    /** The Secret of the current credential: what the rotation makes the database use. */
    secretName: string;
    /** Its password (secret output). */
    password: string;
    /** This version's own password (secret output), to notice the next version. */
    versionPassword: string;
    /** The retained Secret this stack resumed on, or "none". */
    resumedFrom: string;
}

/** Keys whose change is a new credential version (the kubeconfig, the resume decision and a new release are not). */
const VERSION_KEYS: readonly (keyof CredentialSecretInputs)[] = ["namespace", "database", "versionSecretName", "password", "annotations", "passwordGiven"];

export function diffCredentialSecret(olds: Partial<CredentialSecretOutputs>, news: CredentialSecretInputs): pulumi.dynamic.DiffResult {
    // `password` in the outputs is the password in use (a resumed one); compare the version's own.
    const oldVersion = { ...olds, password: olds.versionPassword ?? olds.password } as Partial<CredentialSecretInputs>;
    const changes = VERSION_KEYS.some((k) => JSON.stringify(oldVersion[k]) !== JSON.stringify(news[k]));
    // Another database is another credential: replaced, and check chooses again for it.
    const replaces = (["namespace", "database"] as const).filter((k) => olds[k] !== undefined && olds[k] !== news[k]);
    return { changes: changes || replaces.length > 0, replaces, deleteBeforeReplace: false };
}

/** The first deployment's decision, made at check so that a preview shows it (or the refusal). */
export async function checkCredentialSecret(
    olds: Partial<CredentialSecretInputs>,
    news: CredentialSecretInputs,
    api?: KubeApi,
): Promise<pulumi.dynamic.CheckResult> {
    const sameDatabase = olds.namespace === news.namespace && olds.database === news.database;
    if (olds.versionSecretName !== undefined && sameDatabase) return { inputs: { ...news, retained: olds.retained ?? "" } };
    if (!news.resumeRetained) return { inputs: { ...news, retained: "" } };
    // A cluster made by the same program is not known at its first preview: decide at create.
    if ([news.namespace, news.database, news.kubeconfig].some(isUnknown)) return { inputs: news };
    const choice = await findRetainedCredential(api ?? kubeApi(news.kubeconfig), news.namespace, news.database, news.versionSecretName);
    if (choice.kind === "ambiguous") {
        return { inputs: news, failures: [{ property: "database", reason: ambiguousRetainedCredential(news.namespace, news.database, choice.secrets) }] };
    }
    if (choice.kind === "resume") {
        // Shown by `pulumi preview`, before anything is created.
        report(
            `MSSQLServer ${news.namespace}/${news.database} does not exist and its credential Secret ${choice.secret} was retained ` +
                `(${choice.why}): the database will be created on it, with the password its data knows`,
        );
    }
    return { inputs: { ...news, retained: choice.kind === "resume" ? choice.secret : "" } };
}

/** Creates the version's Secret, or adopts an identical one of ours (the same name and password). */
async function ensureVersionSecret(api: KubeApi, inputs: CredentialSecretInputs): Promise<void> {
    const { namespace, database, versionSecretName: name } = inputs;
    const manifest = credentialSecretManifest({ name, namespace, database, password: inputs.password, annotations: inputs.annotations });
    try {
        await api.createSecret(namespace, manifest);
        return;
    } catch (error) {
        if (statusCode(error) !== 409) throw error;
    }
    const existing = await api.getSecret(namespace, name);
    if (isOwn(existing, database, "credential") && decoded(existing?.data?.password) === inputs.password) return;
    throw new Error(
        `Secret ${namespace}/${name} already exists and is not this credential (other labels or another password); ` +
            "remove it or let the next rotation draw a new name (`pulumi config set --path rotation.generation <n+1>`)",
    );
}

function decoded(base64: string | undefined): string | undefined {
    return base64 === undefined ? undefined : Buffer.from(base64, "base64").toString("utf8");
}

/** The credential for a new resource: resumed on the retained Secret, or the version's own. */
export async function createCredentialSecret(inputs: CredentialSecretInputs, api: KubeApi = kubeApi(inputs.kubeconfig)): Promise<CredentialSecretOutputs> {
    const { namespace, database, versionSecretName } = inputs;
    const base = { ...withoutKubeconfig(inputs), versionPassword: inputs.password };
    let retained = inputs.retained;
    if (retained === undefined) {
        // Not decided at check (the cluster was not known yet): decide now, the same way.
        const checked = await checkCredentialSecret({}, inputs, api);
        if (checked.failures?.length) throw new Error(checked.failures[0].reason);
        retained = (checked.inputs as CredentialSecretInputs).retained ?? "";
    }
    if (retained) {
        const secret = await api.getSecret(namespace, retained);
        const password = decoded(secret?.data?.password);
        if (!password) {
            throw new Error(
                `the retained credential Secret ${namespace}/${retained} chosen for re-creating MSSQLServer ${namespace}/${database} ` +
                    "is gone or has no password since the preview; nothing was created for the database: run `pulumi up` again to choose again",
            );
        }
        // What the user wrote down is a request for that password: resume, then rotate to it.
        if (inputs.passwordGiven && inputs.password !== password) {
            await ensureVersionSecret(api, inputs);
            report(
                `resuming MSSQLServer ${namespace}/${database} on its retained credential Secret ${retained}; ` +
                    `saPassword differs from it, so the database is then rotated to Secret ${versionSecretName}`,
            );
            return { ...base, retained, initialSecretName: retained, secretName: versionSecretName, password: inputs.password, resumedFrom: retained };
        }
        report(`resuming MSSQLServer ${namespace}/${database} on its retained credential Secret ${retained} ` + "(the password its data knows); no rotation");
        return { ...base, retained, initialSecretName: retained, secretName: retained, password, resumedFrom: retained };
    }
    await ensureVersionSecret(api, inputs);
    return { ...base, retained: "", initialSecretName: versionSecretName, secretName: versionSecretName, password: inputs.password, resumedFrom: "none" };
}

/**
 * A new credential version: its own new Secret. From now on a database created again (deleted
 * outside the stack, or by a destroy that stopped half way) is created with it, as before this
 * resource existed: once the rotation succeeds it is the password the data knows.
 */
export async function updateCredentialSecret(
    olds: CredentialSecretOutputs,
    news: CredentialSecretInputs,
    api: KubeApi = kubeApi(news.kubeconfig),
): Promise<CredentialSecretOutputs> {
    await ensureVersionSecret(api, news);
    return {
        ...withoutKubeconfig(news),
        versionPassword: news.password,
        retained: olds.retained ?? "",
        initialSecretName: news.versionSecretName,
        secretName: news.versionSecretName,
        password: news.password,
        resumedFrom: olds.resumedFrom,
    };
}

export const credentialSecretProvider: pulumi.dynamic.ResourceProvider = {
    async check(olds: Partial<CredentialSecretInputs>, news: CredentialSecretInputs) {
        return checkCredentialSecret(olds, news);
    },
    async diff(_id: string, olds: Partial<CredentialSecretOutputs>, news: CredentialSecretInputs) {
        return diffCredentialSecret(olds, news);
    },
    async create(inputs: CredentialSecretInputs) {
        return { id: `${inputs.namespace}/${inputs.versionSecretName}`, outs: await createCredentialSecret(inputs) };
    },
    async update(_id: string, olds: CredentialSecretOutputs, news: CredentialSecretInputs) {
        return { outs: await updateCredentialSecret(olds, news) };
    },
    // A credential Secret outlives the stack: the data may still know its password.
    async delete() {},
};
