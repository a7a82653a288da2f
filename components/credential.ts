/**
 * SaCredential — the `sa` credential Secret for one credential version.
 *
 * The password comes from `@pulumi/random` (a RandomPassword that meets SQL Server's policy, whose
 * keepers are the rotation generation and schedule period, never the password) or from the user's
 * secret config. Each version gets a Secret of its own, `<database>-auth-<random suffix>`; the
 * suffix is drawn again whenever a keyed fingerprint of the version changes (the fingerprint says
 * nothing about the password), so a new password means a new Secret, a name is never reused, and
 * the Secret the database uses is never edited.
 *
 * Old versions are kept on `pulumi up` and `pulumi destroy` (retainOnDelete): the database may
 * still use one. CredentialRotation deletes them once the database is seen using the new one.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { credentialSecretManifest } from "./manifests";
import { ANNOTATION_GENERATION, ANNOTATION_PERIOD, credentialFingerprint, names } from "./names";
import { MAX_DATABASE_NAME_LENGTH } from "./config";
import { Problems, checkDatabaseName, checkDnsLabel, checkInteger, checkRfc3339, checkSaPassword } from "./validation";

export interface SaCredentialArgs {
    /** Name of the database; the Secret is `<database>-auth-<random suffix>`. Required. */
    database: string;
    /** Namespace of the database. Required. */
    namespace: string;
    /** Rotation generation: a new value gives a new version. Default: 0. */
    generation?: number;
    /** Start of the current rotation period (RFC 3339, see schedule.ts), or "none". Default: "none". */
    periodStart?: string;
    /**
     * The password to use (secret). Default: generated. Must satisfy SQL Server's policy
     * (checkSaPassword: checked here when it is a plain string; the stack config checks `saPassword`).
     */
    password?: pulumi.Input<string>;
}

/** Options of the RandomPassword: 32 characters from all four classes, no character that needs escaping in a connection string. */
export const GENERATED_PASSWORD = {
    length: 32,
    upper: true, lower: true, numeric: true, special: true,
    minUpper: 2, minLower: 2, minNumeric: 2, minSpecial: 2,
    overrideSpecial: "!#%*()-_=+[]<>:?.~",
} as const;

/** Resource options of a credential Secret; a plain function so that tests can check them. */
export function credentialSecretOptions(parent: pulumi.Resource): pulumi.CustomResourceOptions {
    // retainOnDelete: replacing or destroying never removes a Secret the database may still use.
    return { parent, retainOnDelete: true, deleteBeforeReplace: false };
}

/** Checks the args before anything is created; throws one ConfigError naming each arg, never quoting the password. */
export function validateSaCredentialArgs(args: SaCredentialArgs): void {
    const problems = new Problems("SaCredential args");
    problems.add("database", checkDatabaseName(args.database, MAX_DATABASE_NAME_LENGTH));
    problems.add("namespace", checkDnsLabel(args.namespace));
    problems.add("generation", checkInteger(args.generation ?? 0, 0, 1_000_000));
    if (args.periodStart !== undefined && args.periodStart !== "none") problems.add("periodStart", checkRfc3339(args.periodStart));
    // A plain password is checked here; a secret Output was checked where it came from (saPassword).
    if (typeof args.password === "string") problems.add("password", checkSaPassword(args.password));
    problems.throwIfAny();
}

export class SaCredential extends pulumi.ComponentResource {
    /** Name of this version's Secret (not secret: its suffix is random). */
    readonly secretName: pulumi.Output<string>;
    /** The password (secret). */
    readonly password: pulumi.Output<string>;
    readonly secret: k8s.core.v1.Secret;

    constructor(name: string, args: SaCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubedb-mssql:credential:SaCredential", name, {}, opts);
        validateSaCredentialArgs(args);
        const generation = args.generation ?? 0;
        const periodStart = args.periodStart ?? "none";
        const keepers = { generation: String(generation), period: periodStart };

        this.password = args.password !== undefined
            ? pulumi.secret(args.password)
            : new random.RandomPassword(`${name}-password`, { ...GENERATED_PASSWORD, keepers }, { parent: this }).result;

        // Keys the fingerprint; created once per database and never rotated.
        const fingerprintKey = new random.RandomBytes(`${name}-fingerprint-key`, { length: 32 }, { parent: this }).hex;
        const fingerprint = pulumi.unsecret(pulumi.all([fingerprintKey, this.password]).apply(([key, password]) =>
            credentialFingerprint(key, { generation, period: periodStart, password })));
        // A fresh random suffix whenever the credential changes: a Secret name is never reused, even
        // when a password comes back (an earlier Secret of that name may still exist).
        const suffix = new random.RandomId(`${name}-version`, { byteLength: 5, keepers: { credential: fingerprint } }, { parent: this }).hex;
        this.secretName = suffix.apply((hex) => names.credentialSecret(args.database, hex));

        this.secret = new k8s.core.v1.Secret(`${name}-secret`, credentialSecretManifest({
            name: this.secretName,
            namespace: args.namespace,
            database: args.database,
            password: this.password,
            annotations: { [ANNOTATION_GENERATION]: String(generation), [ANNOTATION_PERIOD]: periodStart },
        }), credentialSecretOptions(this));

        this.registerOutputs({ secretName: this.secretName });
    }
}
