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
 * The Secret is made by credentialSecretProvider, which also resumes a database re-created after
 * `pulumi destroy` on the credential Secret its retained data knows (no new password, no rotation).
 * Secrets are kept on `pulumi up` and `pulumi destroy`: the database may still use one.
 * CredentialRotation deletes superseded ones once the database is seen using the new one.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CredentialSecretInputs, CredentialSecretOutputs } from "./credentialSecretProvider";
import { PackageResource } from "../packageResources";
import { KubernetesCluster, waiterKubeconfig } from "../kube/cluster";
import { ANNOTATION_GENERATION, ANNOTATION_PERIOD, credentialFingerprint, names } from "../core/names";
import { MAX_DATABASE_NAME_LENGTH } from "../database/settings";
import { checkBoolean, checkDatabaseName, checkDnsLabel, checkGeneration, checkSaPassword } from "../core/checks";
import { checkRfc3339 } from "../core/durations";
import { Problems } from "../core/problems";

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
    /**
     * When the database does not exist yet but credential Secrets of it were retained (deletionPolicy
     * Halt, then `pulumi destroy`): create it with the one its data knows instead of a new password.
     * Default: true.
     */
    resumeRetained?: boolean;
    /**
     * The cluster (kubernetesCluster) the Secret is created in. Default: the ambient kubeconfig, and
     * then no Kubernetes provider may reach this component (opts or a parent).
     */
    cluster?: KubernetesCluster;
}

/** Options of the RandomPassword: 32 characters from all four classes, no character that needs escaping in a connection string. */
export const GENERATED_PASSWORD = {
    length: 32,
    upper: true,
    lower: true,
    numeric: true,
    special: true,
    minUpper: 2,
    minLower: 2,
    minNumeric: 2,
    minSpecial: 2,
    overrideSpecial: "!#%*()-_=+[]<>:?.~",
} as const;

/** Resource options of the credential Secret resource; a plain function so that tests can check them. */
export function credentialSecretOptions(parent: pulumi.Resource, dependsOn?: pulumi.CustomResourceOptions["dependsOn"]): pulumi.CustomResourceOptions {
    // The provider never deletes a credential Secret (retainOnDelete says so to the engine too);
    // both passwords it reports are secret outputs. The component's dependencies (the namespace)
    // hold it back: a component's own do not hold back its children.
    return { parent, dependsOn, retainOnDelete: true, deleteBeforeReplace: false, additionalSecretOutputs: ["password", "versionPassword"] };
}

/** Outputs of the CredentialSecret resource beyond its inputs. */
const CREDENTIAL_SECRET_OUTPUTS: readonly Exclude<keyof CredentialSecretOutputs, keyof CredentialSecretInputs>[] = [
    "secretName",
    "initialSecretName",
    "resumedFrom",
    "versionPassword",
];

/** Checks the args before anything is created; throws one ConfigError naming each arg, never quoting the password. */
export function validateSaCredentialArgs(args: SaCredentialArgs): void {
    const problems = new Problems("SaCredential args");
    problems.add("database", checkDatabaseName(args.database, MAX_DATABASE_NAME_LENGTH));
    problems.add("namespace", checkDnsLabel(args.namespace));
    problems.add("generation", checkGeneration(args.generation ?? 0));
    if (args.periodStart !== undefined && args.periodStart !== "none") problems.add("periodStart", checkRfc3339(args.periodStart));
    // A plain password is checked here; a secret Output was checked where it came from (saPassword).
    if (typeof args.password === "string") problems.add("password", checkSaPassword(args.password));
    if (args.resumeRetained !== undefined) problems.add("resumeRetained", checkBoolean(args.resumeRetained));
    problems.throwIfAny();
}

export class SaCredential extends pulumi.ComponentResource {
    /** Name of the current credential's Secret (not secret: its suffix is random): the one the rotation makes the database use. */
    readonly secretName: pulumi.Output<string>;
    /** The Secret to create the database with: a retained one when resumed, else `secretName`. */
    readonly initialSecretName: pulumi.Output<string>;
    /** The password of `secretName` (secret). */
    readonly password: pulumi.Output<string>;
    /** The retained Secret the database was resumed on, or "none". */
    readonly resumedFrom: pulumi.Output<string>;
    /** The credential Secret resource: depend on it to run after the Secret exists. */
    readonly secret: pulumi.Resource;

    constructor(name: string, args: SaCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubedb-mssql:credential:SaCredential", name, {}, opts);
        validateSaCredentialArgs(args);
        const kubeconfig = waiterKubeconfig(this, "SaCredential", name, args.cluster);
        const generation = args.generation ?? 0;
        const periodStart = args.periodStart ?? "none";
        const keepers = { generation: String(generation), period: periodStart };

        const password =
            args.password !== undefined
                ? pulumi.secret(args.password)
                : new random.RandomPassword(`${name}-password`, { ...GENERATED_PASSWORD, keepers }, { parent: this }).result;

        // Keys the fingerprint; created once per database and never rotated.
        const fingerprintKey = new random.RandomBytes(`${name}-fingerprint-key`, { length: 32 }, { parent: this }).hex;
        const fingerprint = pulumi.unsecret(
            pulumi.all([fingerprintKey, password]).apply(([key, value]) => credentialFingerprint(key, { generation, period: periodStart, password: value })),
        );
        // A fresh random suffix whenever the credential changes: a Secret name is never reused, even
        // when a password comes back (an earlier Secret of that name may still exist).
        const suffix = new random.RandomId(`${name}-version`, { byteLength: 5, keepers: { credential: fingerprint } }, { parent: this }).hex;

        const secretInputs: Record<keyof CredentialSecretInputs, pulumi.Input<unknown> | undefined> = {
            namespace: args.namespace,
            database: args.database,
            versionSecretName: suffix.apply((hex) => names.credentialSecret(args.database, hex)),
            password: pulumi.secret(password),
            annotations: { [ANNOTATION_GENERATION]: String(generation), [ANNOTATION_PERIOD]: periodStart },
            passwordGiven: args.password !== undefined,
            resumeRetained: args.resumeRetained ?? true,
            retained: undefined,
            kubeconfig,
        };
        const secret = new PackageResource(
            "CredentialSecret",
            `${name}-secret`,
            secretInputs,
            CREDENTIAL_SECRET_OUTPUTS,
            credentialSecretOptions(this, opts?.dependsOn),
        );
        this.secret = secret;
        this.secretName = secret.output("secretName");
        this.initialSecretName = secret.output("initialSecretName");
        this.password = pulumi.secret(secret.output<string>("password"));
        this.resumedFrom = secret.output("resumedFrom");

        this.registerOutputs({ secretName: this.secretName, initialSecretName: this.initialSecretName, resumedFrom: this.resumedFrom });
    }
}
