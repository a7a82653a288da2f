/**
 * The package schema: every component and custom resource the plugin serves, each arg and output
 * typed and documented with its default, secrets marked secret, closed sets as enums. SDKs for
 * every language are generated from it; `pulumi package get-schema` prints it.
 *
 * Each component's properties are declared against its TypeScript args (`PropsOf<…>`), so that an
 * arg added to a component and forgotten here (or the reverse) fails the type check.
 */
import { MAX_GENERATION } from "../components/core/checks";
import { DEFAULT_STEP_TIMEOUT } from "../components/core/durations";
import { DELETION_POLICIES, ISSUER_KINDS, SECONDARY_ACCESS_MODES, VOLUME_EXPANSION_MODES } from "../components/api/kubedb";
import { PRIVATE_KEY_ALGORITHMS, PRIVATE_KEY_ROTATION_POLICIES } from "../components/api/certManager";
import { SqlServerArgs, SqlServerOutputs } from "../components/database/sqlServer";
import { ChangeGuardArgs } from "../components/database/changeGuard";
import { SaCredentialArgs } from "../components/credential/saCredential";
import { CaIssuerArgs } from "../components/tls/caIssuer";
import { MssqlServerArgs } from "../components/database/mssqlServer";
import { DayTwoChangesArgs } from "../components/database/dayTwoChanges";
import { TlsLifecycleArgs } from "../components/tls/tlsLifecycle";
import { CredentialRotationArgs } from "../components/credential/credentialRotation";
import { ConnectionSecretArgs } from "../components/credential/connectionSecret";
import { CertificateArgs } from "../components/tls/certificate";
import { PACKAGE_NAME, PACKAGE_RESOURCES } from "../components/packageResources";
import { DEFAULT_VERSION, EDITIONS } from "../components/database/settings";

export interface PropertySpec {
    type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
    $ref?: string;
    items?: PropertySpec;
    additionalProperties?: PropertySpec;
    description?: string;
    default?: string | number | boolean;
    secret?: boolean;
}

interface ObjectSpec {
    type: "object";
    description?: string;
    properties: Record<string, PropertySpec>;
    required?: string[];
}

interface EnumSpec {
    type: "string";
    description: string;
    enum: { value: string; name?: string }[];
}

export interface ResourceSpec {
    description: string;
    isComponent?: boolean;
    inputProperties: Record<string, PropertySpec>;
    requiredInputs: string[];
    properties: Record<string, PropertySpec>;
    required: string[];
    aliases?: { type: string }[];
}

/** One property per arg of `T` (the component's TypeScript args): none missing, none extra. */
type PropsOf<T, Replaced extends string = never, Added extends string = never> = Record<Exclude<keyof T, Replaced> | Added, PropertySpec>;

const t = (name: string) => `#/types/${PACKAGE_NAME}:index:${name}`;
const str = (description: string, dflt?: string): PropertySpec => ({ type: "string", description, ...(dflt === undefined ? {} : { default: dflt }) });
const int = (description: string, dflt?: number): PropertySpec => ({ type: "integer", description, ...(dflt === undefined ? {} : { default: dflt }) });
const bool = (description: string, dflt?: boolean): PropertySpec => ({ type: "boolean", description, ...(dflt === undefined ? {} : { default: dflt }) });
const strings = (description: string): PropertySpec => ({ type: "array", items: { type: "string" }, description });
const stringMap = (description: string): PropertySpec => ({ type: "object", additionalProperties: { type: "string" }, description });
// An enum's default is said in the description: Pulumi's Go generator emits an invalid type for a
// `$ref` with a `default` (the package name, dash included, as a Go package).
const ref = (name: string, description: string): PropertySpec => ({ $ref: t(name), description });
const secret = (p: PropertySpec): PropertySpec => ({ ...p, secret: true });
const any = (description: string): PropertySpec => ({ $ref: "pulumi.json#/Any", description });
const enumOf = (description: string, values: readonly string[]): EnumSpec => ({ type: "string", description, enum: values.map((value) => ({ value })) });
const object = (description: string, properties: Record<string, PropertySpec>, required: string[] = []): ObjectSpec => ({
    type: "object",
    description,
    properties,
    ...(required.length ? { required } : {}),
});

const KUBECONFIG = secret(
    str(
        "Kubeconfig text or the path of a kubeconfig file, for the Kubernetes resources and the request waiters alike. Default: the ambient kubeconfig (`KUBECONFIG`, `~/.kube/config`).",
    ),
);
const STEP_TIMEOUT = str("KubeDB's per-step timeout of each request (a Go duration, at least 1m).", DEFAULT_STEP_TIMEOUT);
const OPS_TIMEOUT = int("How long `pulumi up` waits for each request, in minutes (1 to 1440).", 30);
const DATABASE = str("Name of the MSSQLServer.");
const NAMESPACE = str("Namespace of the MSSQLServer.");

const TYPES: Record<string, ObjectSpec | EnumSpec> = {
    IssuerKind: enumOf("Kind of a cert-manager issuer.", ISSUER_KINDS),
    DeletionPolicy: enumOf("What deleting the MSSQLServer does to its data: Halt keeps the volumes and Secrets.", DELETION_POLICIES),
    SecondaryAccessMode: enumOf("What clients may do on an availability group's secondaries.", SECONDARY_ACCESS_MODES),
    VolumeExpansionMode: enumOf(
        "How a VolumeExpansion request grows the volumes: Online while SQL Server runs, Offline with the pods stopped.",
        VOLUME_EXPANSION_MODES,
    ),
    PrivateKeyAlgorithm: enumOf("Private key algorithm of the bootstrapped CA.", PRIVATE_KEY_ALGORITHMS),
    PrivateKeyRotationPolicy: enumOf("cert-manager's private key rotation policy.", PRIVATE_KEY_ROTATION_POLICIES),
    IssuerRef: object(
        "A cert-manager issuer.",
        { kind: ref("IssuerKind", "Issuer (in the database's namespace) or ClusterIssuer. Default: Issuer."), name: str("Its name.") },
        ["name"],
    ),
    SecretRef: object("A Secret.", { namespace: str("Its namespace."), name: str("Its name.") }, ["namespace", "name"]),
    AvailabilityGroup: object("An availability group instead of a Standalone server. Cannot change after creation.", {
        databases: strings("Databases joined to the group (created by you). Default: none."),
        secondaryAccessMode: ref("SecondaryAccessMode", "Default: Passive."),
    }),
    Storage: object("Data volume per replica.", {
        size: str("A Kubernetes quantity, at least 1Gi; a larger one later is a VolumeExpansion request, a smaller one is refused.", "10Gi"),
        storageClass: str("StorageClass; a change later is a StorageMigration request. Default: the cluster's default class."),
        expansionMode: ref("VolumeExpansionMode", "Default: Online."),
    }),
    Resources: object(
        "Resources of the mssql container, as Kubernetes quantities (cpu, memory with a limit of at least 2Gi, ephemeral-storage, hugepages-<size>); a request may not exceed its limit.",
        {
            requests: stringMap("Requests. Default: KubeDB's."),
            limits: stringMap("Limits. Default: KubeDB's."),
        },
    ),
    Restart: object("Restarts.", { generation: int(`Bump to restart the database through a Restart request (0 to ${MAX_GENERATION}).`, 0) }),
    CertificateSubject: object("Subject of a certificate.", {
        organizations: strings("Organizations."),
        organizationalUnits: strings("Organizational units."),
    }),
    CertificateSettings: object("One of KubeDB's certificates.", {
        dnsNames: strings("Extra DNS names besides those KubeDB adds for its services."),
        ipAddresses: strings("Extra IP addresses."),
        duration: str("Lifetime, a Go duration (at least 1h). Default: cert-manager's (90 days)."),
        renewBefore: str("When to renew before expiry, a Go duration. Default: cert-manager's."),
        subject: ref("CertificateSubject", "Subject. Default: none."),
    }),
    Certificates: object("KubeDB's certificates by alias; a change later is a ReconfigureTLS request.", {
        server: ref("CertificateSettings", "The server certificate."),
        client: ref("CertificateSettings", "The client certificate."),
        endpoint: ref("CertificateSettings", "The availability group's endpoint certificate (availability groups only)."),
    }),
    CaSettings: object("The CA the program bootstraps when no issuer is named.", {
        kind: ref("IssuerKind", "Kind of the bootstrapped CA issuer. Default: Issuer."),
        duration: str("CA lifetime (a Go duration).", "87600h"),
        renewBefore: str("When to renew the CA before expiry.", "720h"),
        algorithm: ref("PrivateKeyAlgorithm", "Default: ECDSA; a change re-keys the CA and re-issues the certificates."),
        clusterResourceNamespace: str("cert-manager's cluster resource namespace, where a ClusterIssuer's CA Secret lives.", "cert-manager"),
    }),
    TlsRotation: object("Certificate rotation.", {
        generation: int(`Bump to re-issue every certificate through a ReconfigureTLS request (0 to ${MAX_GENERATION}).`, 0),
    }),
    Tls: object("TLS of the database (KubeDB requires it for SQL Server).", {
        issuer: ref(
            "IssuerRef",
            "An existing issuer to issue the certificates from; a change later is a ReconfigureTLS request. Default: a CA bootstrapped by the package.",
        ),
        clientTLS: bool("Whether clients must connect with TLS.", true),
        certificates: ref("Certificates", "Certificate settings by alias. Default: KubeDB's."),
        ca: ref("CaSettings", "The bootstrapped CA (not with issuer)."),
        privateKeyRotationPolicy: ref(
            "PrivateKeyRotationPolicy",
            "Of the bootstrapped CA's certificate only (not with issuer). Default: cert-manager's, Always.",
        ),
        rotation: ref("TlsRotation", "Certificate rotation. Default: generation 0."),
    }),
    Rotation: object("Rotation of the sa credential.", {
        generation: int(`Bump to rotate the sa password now (0 to ${MAX_GENERATION}).`, 0),
        interval: str("Rotate at every boundary of this interval: whole m, h, d or w, 1h to 3650d (not with saPassword). Default: no schedule."),
        anchor: str("RFC 3339 instant the interval boundaries count from.", "1970-01-01T00:00:00Z"),
    }),
    PasswordSecretRef: object(
        "A key of a Secret in the database's namespace that holds the sa password (e.g. written by External Secrets Operator).",
        { name: str("The Secret's name."), key: str("The data key holding the password.") },
        ["name", "key"],
    ),
    ConnectionKeys: object(
        "Which connection values to write, each under which data key ([-._a-zA-Z0-9]+); a value not listed is not written.",
        Object.fromEntries(
            (
                [
                    ["host", "The in-cluster host name of the primary."],
                    ["port", "The port (1433)."],
                    ["username", "The user name (sa)."],
                    ["password", "The password (Secret only)."],
                    ["connectionString", "An ADO.NET connection string (Secret only)."],
                    ["jdbcUrl", "A JDBC URL (Secret only)."],
                    ["odbcConnectionString", "An ODBC connection string (Secret only)."],
                    ["caCrt", "The PEM CA bundle clients verify the server with."],
                ] as const
            ).map(([value, what]) => [value, str(`${what} Its data key.`)]),
        ),
    ),
    ConnectionConfigMap: object(
        "A ConfigMap for the connection values that are not secret.",
        {
            name: str("Its name (in the database's namespace)."),
            keys: ref("ConnectionKeys", "host, port, username, caCrt only. Default: host, port, username, ca.crt."),
        },
        ["name"],
    ),
    ConnectionCaConfigMap: object("A ConfigMap that holds the CA clients trust.", { name: str("Its name."), caKey: str("The data key holding the CA.") }, [
        "name",
        "caKey",
    ]),
    Connection: object("Where applications find the connection details.", {
        secretName: str("Name of the app-facing Secret; a rename creates the new one before deleting the old. Default: <name>-connection."),
        keys: ref(
            "ConnectionKeys",
            "The Secret's values and keys. Default: host, port, username, password, connection-string (ADO.NET), jdbc-url, ca.crt (no ODBC string).",
        ),
        configMap: ref("ConnectionConfigMap", "A ConfigMap for the values that are not secret. Default: none."),
    }),
    Timeouts: object("How long to wait.", {
        readyMinutes: int("Wait for Ready, in minutes (1 to 1440). Default: 25 Standalone, 40 availability group."),
        opsRequestMinutes: int("Wait for each ops request, including other unfinished requests of the database before it, in minutes (1 to 1440).", 30),
        opsStepTimeout: str("KubeDB's per-step timeout (a Go duration, at least 1m).", DEFAULT_STEP_TIMEOUT),
    }),
    Permissions: object(
        "What the stack uses that needs permissions beyond the namespace's (docs/rbac).",
        {
            clusterIssuers: bool("Whether ClusterIssuers are used."),
            bootstrapsClusterIssuer: bool("Whether the CA is a bootstrapped ClusterIssuer."),
            clusterResourceNamespace: str("cert-manager's cluster resource namespace."),
            namedStorageClass: bool("Whether a StorageClass is named."),
            connectionConfigMap: str("The ConfigMap of connection.configMap, if any."),
            existingIssuer: ref("IssuerRef", "The issuer named in tls.issuer."),
        },
        ["clusterIssuers", "bootstrapsClusterIssuer", "clusterResourceNamespace"],
    ),
    TlsStatus: object("TLS in use.", {
        issuer: ref("IssuerRef", "The issuer KubeDB issues from."),
        clientTLS: bool("Whether clients must use TLS."),
        caSecret: ref("SecretRef", "The CA Secret (bootstrapped CA)."),
        certificateSecrets: stringMap("Certificate Secrets by alias."),
        rotationGeneration: int("The rotation generation."),
        lastRequest: str("Last ReconfigureTLS request, or empty."),
        lastPhase: str("Initial, Withdrawn or its phase."),
        lastAction: str("What it did."),
        caFingerprint: str("SHA-256 fingerprint of the CA clients trust."),
        caNotAfter: str("When that CA expires (RFC 3339)."),
    }),
    DayTwoStatus: object("Day-2 state read back from the MSSQLServer.", {
        version: str("Version."),
        replicas: int("Replicas."),
        storageSize: str("Storage size."),
        autoOps: bool("Whether KubeDB may create requests."),
        lastRequest: str("Last request, or empty."),
        lastPhase: str("Initial, Withdrawn or its phase."),
        lastAction: str("What it did."),
    }),
    CredentialRotationStatus: object("The sa credential in use; never a password.", {
        generation: int("Rotation generation."),
        interval: str("Interval, or none."),
        periodStart: str("Start of the current period, or none."),
        nextScheduledRotation: str("Next boundary, or none."),
        activeSecret: str("The Secret the database references."),
        appliedSecret: str("The Secret this package last made it use."),
        lastRequest: str("Last RotateAuth request, or empty."),
        lastPhase: str("Initial or its phase."),
        activeSince: str("When the credential became active (RFC 3339)."),
        resumedFrom: str("The retained Secret a re-created database was resumed on, or none."),
    }),
};

const sqlServerInputs: PropsOf<SqlServerArgs> = {
    acceptEula: bool("Accept the SQL Server EULA (https://go.microsoft.com/fwlink/?LinkId=746388). Required; must be true."),
    namespace: str("Namespace of the database, a DNS label (created if missing, never deleted). Cannot change after creation.", "mssql"),
    name: str("Name of the MSSQLServer (a DNS label starting with a letter, at most 40 characters). Cannot change after creation.", "mssql"),
    version: str("KubeDB MSSQLServerVersion; a later change is an UpdateVersion request to a version the catalog admits.", DEFAULT_VERSION),
    edition: str(`SQL Server edition (MSSQL_PID): ${EDITIONS.join(", ")}, or a product key. Cannot change after creation.`, "Developer"),
    replicas: int("Replicas: 1 for Standalone; for an availability group 1 to 9 (default 3), a change is a HorizontalScaling request."),
    availabilityGroup: ref("AvailabilityGroup", "An availability group. Default: Standalone."),
    storage: ref("Storage", "Data volume per replica. Default: 10Gi, Online expansion, the default StorageClass."),
    deletionPolicy: ref("DeletionPolicy", "What `pulumi destroy` does to the data. Default: Halt."),
    resources: ref("Resources", "Resources of the mssql container; a change is a VerticalScaling request. Default: KubeDB's."),
    mssqlConf: str("Content of mssql.conf (at most 64 KiB); a change is a Reconfigure request. Default: none."),
    restart: ref("Restart", "Restarts. Default: generation 0."),
    autoOps: bool("Let KubeDB's recommendation engine create ops requests on its own.", false),
    tls: ref("Tls", "TLS. Default: a bootstrapped CA, client TLS on."),
    saPassword: secret(str("The sa password (SQL Server's password policy); a change is a RotateAuth request. Default: generated (32 characters).")),
    saPasswordSecret: ref(
        "PasswordSecretRef",
        "Read the sa password from this Secret at every preview and update; a changed value is a RotateAuth request. Not with saPassword, rotation.interval or a rotation.generation bump. Default: none.",
    ),
    rotation: ref("Rotation", "Credential rotation. Default: generation 0, no schedule."),
    connection: ref(
        "Connection",
        "The app-facing Secret's name and keys, and an optional ConfigMap. Default: <name>-connection with today's keys, no ConfigMap.",
    ),
    timeouts: ref("Timeouts", "How long to wait. Default: see the type."),
    kubeconfig: KUBECONFIG,
    adoptStackRoot: bool(
        "Take over the resources that this project's own stack program made at the top of its stack in releases before the provider plugin (only for those stacks).",
        false,
    ),
};

const sqlServerOutputs: PropsOf<SqlServerOutputs> = {
    databaseName: str("Name of the MSSQLServer."),
    databaseNamespace: str("Its namespace."),
    primaryHost: str("In-cluster host name of the primary."),
    secondaryHost: str("In-cluster host name of the secondaries, or none (Standalone)."),
    port: int("SQL Server's port."),
    connectionSecret: str("The Secret applications mount: host, port, username, password, ca.crt and connection strings."),
    tlsStatus: ref("TlsStatus", "TLS in use."),
    dayTwo: ref("DayTwoStatus", "Day-2 state read back from the database."),
    credentialRotation: ref("CredentialRotationStatus", "The credential in use; never a password."),
};

const changeGuardInputs: PropsOf<ChangeGuardArgs, "cluster", "kubeconfig"> = {
    name: DATABASE,
    namespace: NAMESPACE,
    availabilityGroup: bool("Whether the database is an availability group.", false),
    edition: str("Edition (MSSQL_PID).", "Developer"),
    permissions: ref(
        "Permissions",
        "When given, each preview and update first asks the API server whether this identity holds every permission it needs. Default: not checked.",
    ),
    kubeconfig: KUBECONFIG,
};

const saCredentialInputs: PropsOf<SaCredentialArgs, "cluster", "kubeconfig"> = {
    database: DATABASE,
    namespace: NAMESPACE,
    generation: int("Rotation generation: a new one is a new credential.", 0),
    periodStart: str("Start of the current schedule period (RFC 3339), or none.", "none"),
    password: secret(str("The sa password. Default: generated.")),
    resumeRetained: bool(
        "On the first deployment of a database that does not exist but whose credential Secrets were retained, create it with the one its data knows.",
        true,
    ),
    kubeconfig: KUBECONFIG,
};

const caIssuerInputs: PropsOf<CaIssuerArgs, never, "kubeconfig"> = {
    database: DATABASE,
    namespace: NAMESPACE,
    existing: ref("IssuerRef", "An existing issuer to use instead of bootstrapping a CA."),
    kind: ref("IssuerKind", "Kind of the bootstrapped CA issuer. Default: Issuer."),
    duration: str("CA lifetime.", "87600h"),
    renewBefore: str("Renew before expiry.", "720h"),
    algorithm: ref("PrivateKeyAlgorithm", "Default: ECDSA."),
    rotationPolicy: ref("PrivateKeyRotationPolicy", "Default: cert-manager's."),
    clusterResourceNamespace: str("cert-manager's cluster resource namespace.", "cert-manager"),
    timeoutMinutes: int("How long to wait for Ready, in minutes.", 10),
    kubeconfig: KUBECONFIG,
};

const mssqlServerInputs: PropsOf<MssqlServerArgs, never, "kubeconfig"> = {
    name: DATABASE,
    namespace: NAMESPACE,
    version: str("KubeDB MSSQLServerVersion."),
    edition: str("Edition (MSSQL_PID).", "Developer"),
    acceptEula: bool("Accept the SQL Server EULA; must be true."),
    replicas: int("Replicas (1 Standalone, 3 availability group)."),
    availabilityGroup: ref("AvailabilityGroup", "An availability group. Default: Standalone."),
    storage: ref("Storage", "Data volume per replica."),
    deletionPolicy: ref("DeletionPolicy", "What deleting does to the data. Default: Halt."),
    resources: ref("Resources", "Resources of the mssql container."),
    authSecretName: str("The credential Secret to create the database with."),
    issuer: ref("IssuerRef", "The issuer of the database's certificates."),
    clientTLS: bool("Whether clients must use TLS.", true),
    certificates: ref("Certificates", "Certificate settings by alias."),
    readyTimeoutMinutes: int("Wait for Ready, in minutes. Default: 25 Standalone, 40 availability group."),
    mssqlConf: str("Content of mssql.conf."),
    autoOps: bool("Let KubeDB create requests on its own.", false),
    kubeconfig: KUBECONFIG,
};

const dayTwoInputs: PropsOf<DayTwoChangesArgs, "cluster", "kubeconfig"> = {
    database: DATABASE,
    namespace: NAMESPACE,
    availabilityGroup: bool("Whether the database is an availability group.", false),
    version: str("Version to keep the database on."),
    replicas: int("Replicas to keep. Default: 1 Standalone, 3 availability group."),
    resources: ref("Resources", "Resources to keep."),
    storage: ref("Storage", "Storage to keep."),
    mssqlConf: str("mssql.conf to keep."),
    restartGeneration: int("Bump to restart.", 0),
    stepTimeout: STEP_TIMEOUT,
    timeoutMinutes: OPS_TIMEOUT,
    kubeconfig: KUBECONFIG,
};

const tlsLifecycleInputs: PropsOf<TlsLifecycleArgs, "cluster", "kubeconfig"> = {
    database: DATABASE,
    namespace: NAMESPACE,
    issuer: ref("IssuerRef", "The issuer to keep the certificates on."),
    certificates: ref("Certificates", "Certificate settings to keep."),
    clientTLS: bool("Whether clients must use TLS.", true),
    rotationGeneration: int("Bump to re-issue the certificates.", 0),
    caRevision: str("Revision of the CA (CaIssuer.revision): a new one re-issues the certificates from it."),
    clusterResourceNamespace: str("cert-manager's cluster resource namespace.", "cert-manager"),
    stepTimeout: STEP_TIMEOUT,
    timeoutMinutes: OPS_TIMEOUT,
    connectionSecret: str("The connection Secret whose CA is widened during a CA switch. Default: <database>-connection."),
    connectionCaKey: str('Its data key holding the CA, or "" for none.', "ca.crt"),
    connectionConfigMap: ref("ConnectionCaConfigMap", "A connection ConfigMap holding the CA, widened the same way. Default: none."),
    kubeconfig: KUBECONFIG,
};

const credentialRotationInputs: PropsOf<CredentialRotationArgs, "cluster", "kubeconfig"> = {
    database: DATABASE,
    namespace: NAMESPACE,
    secretName: str("The credential Secret the database must use (SaCredential.secretName)."),
    generation: int("Rotation generation, for the record.", 0),
    periodStart: str("Start of the current schedule period, or none.", "none"),
    stepTimeout: STEP_TIMEOUT,
    timeoutMinutes: OPS_TIMEOUT,
    kubeconfig: KUBECONFIG,
};

const connectionSecretInputs: PropsOf<ConnectionSecretArgs, never, "kubeconfig"> = {
    database: DATABASE,
    namespace: NAMESPACE,
    password: secret(str("The sa password.")),
    caBundle: str("The CA certificates clients must trust (PEM)."),
    clientTLS: bool("Whether clients must use TLS.", true),
    secretName: str("Name of the Secret. Default: <database>-connection."),
    keys: ref("ConnectionKeys", "The Secret's values and keys. Default: host, port, username, password, connection-string, jdbc-url, ca.crt."),
    configMap: ref("ConnectionConfigMap", "A ConfigMap for the values that are not secret. Default: none."),
    kubeconfig: KUBECONFIG,
};

const certificateInputs: PropsOf<CertificateArgs, never, "kubeconfig"> = {
    name: str("Name of the Certificate."),
    namespace: str("Its namespace."),
    secretName: str("The Secret it is stored in."),
    issuer: ref("IssuerRef", "Its issuer."),
    commonName: str("Common name."),
    dnsNames: strings("DNS names."),
    isCA: bool("Whether it is a CA.", false),
    duration: str("Lifetime."),
    renewBefore: str("Renew before expiry."),
    algorithm: ref("PrivateKeyAlgorithm", "Private key algorithm."),
    rotationPolicy: ref("PrivateKeyRotationPolicy", "Private key rotation policy."),
    usages: strings("Key usages."),
    labels: stringMap("Labels."),
    timeoutMinutes: int("How long to wait for Ready, in minutes.", 10),
    kubeconfig: KUBECONFIG,
};

/** A component's schema entry; `required` lists what the TypeScript args require. */
function component(description: string, inputs: Record<string, PropertySpec>, requiredInputs: string[], outputs: Record<string, PropertySpec>): ResourceSpec {
    return { description, isComponent: true, inputProperties: inputs, requiredInputs, properties: outputs, required: Object.keys(outputs) };
}

/** A custom resource of the package: its record's main fields; everything else it keeps is in `state`-like fields typed Any. */
function custom(
    kind: keyof typeof PACKAGE_RESOURCES,
    description: string,
    inputs: Record<string, PropertySpec>,
    outputs: Record<string, PropertySpec>,
): ResourceSpec {
    return {
        description,
        inputProperties: inputs,
        requiredInputs: Object.keys(inputs).filter((k) => k !== "kubeconfig"),
        properties: { ...Object.fromEntries(Object.entries(inputs).filter(([k]) => k !== "kubeconfig")), ...outputs },
        required: [],
        ...(PACKAGE_RESOURCES[kind].formerly ? { aliases: [{ type: PACKAGE_RESOURCES[kind].formerly! }] } : {}),
    };
}

const LAST = {
    lastPhase: str("Initial, Withdrawn, or the phase of the last request."),
    lastRequest: str("Name of the last request, or empty."),
};

export const COMPONENT_OUTPUTS = {
    "kubedb-mssql:index:SqlServer": sqlServerOutputs,
    "kubedb-mssql:database:ChangeGuard": {},
    "kubedb-mssql:credential:SaCredential": {
        secretName: str("Name of the current credential's Secret."),
        initialSecretName: str("The Secret to create the database with."),
        password: secret(str("The current password.")),
        resumedFrom: str("The retained Secret resumed on, or none."),
    },
    "kubedb-mssql:tls:CaIssuer": {
        issuer: ref("IssuerRef", "The issuer KubeDB issues from."),
        revision: str("Changes when the CA changes."),
        caSecret: ref("SecretRef", "The CA Secret, for a bootstrapped CA."),
    },
    "kubedb-mssql:database:MssqlServer": {
        name: str("Name."),
        namespace: str("Namespace."),
        primaryHost: str("Host of the primary."),
        secondaryHost: str("Host of the secondaries (availability group)."),
        port: int("Port."),
        certificateSecrets: stringMap("Certificate Secrets by alias."),
    },
    "kubedb-mssql:database:DayTwoChanges": {
        ...LAST,
        lastAction: str("What the last request did."),
        currentVersion: str("Version read back."),
        currentReplicas: int("Replicas read back."),
        currentStorageSize: str("Storage size read back."),
    },
    "kubedb-mssql:tls:TlsLifecycle": {
        ...LAST,
        lastAction: str("What the last request did."),
        caBundle: str("The CA bundle clients trust (PEM)."),
        caFingerprint: str("SHA-256 fingerprint of the CA."),
        caNotAfter: str("When the CA expires."),
    },
    "kubedb-mssql:credential:CredentialRotation": {
        ...LAST,
        appliedSecretName: str("The Secret last made the database's."),
        activeSecretName: str("The Secret the database references."),
        activeSince: str("When the credential became active."),
    },
    "kubedb-mssql:credential:ConnectionSecret": { secretName: str("Name of the connection Secret.") },
    "kubedb-mssql:tls:Certificate": { secretName: str("The Secret the certificate is stored in.") },
} as const satisfies Record<string, Record<string, PropertySpec>>;

export type ComponentToken = keyof typeof COMPONENT_OUTPUTS;

const C = COMPONENT_OUTPUTS;
const RESOURCES: Record<string, ResourceSpec> = {
    "kubedb-mssql:index:SqlServer": component(
        "A whole SQL Server database on KubeDB: namespace, sa credential, CA, MSSQLServer, and every later change as a KubeDB ops request, one at a time, waited on with fail-fast. Its args are the stack config's keys.",
        sqlServerInputs,
        ["acceptEula"],
        C["kubedb-mssql:index:SqlServer"],
    ),
    "kubedb-mssql:database:ChangeGuard": component(
        "Refuses, before anything else is touched, a change no KubeDB request can make (name, namespace, topology, edition), and checks the identity's permissions.",
        changeGuardInputs,
        ["name", "namespace"],
        C["kubedb-mssql:database:ChangeGuard"],
    ),
    "kubedb-mssql:credential:SaCredential": component(
        "The sa credential of the current version: a new Secret per version (never edited, never deleted while the database may use it).",
        saCredentialInputs,
        ["database", "namespace"],
        C["kubedb-mssql:credential:SaCredential"],
    ),
    "kubedb-mssql:tls:CaIssuer": component(
        "The issuer the database's certificates come from: a bootstrapped CA or an existing issuer.",
        caIssuerInputs,
        ["database", "namespace"],
        C["kubedb-mssql:tls:CaIssuer"],
    ),
    "kubedb-mssql:database:MssqlServer": component(
        "The MSSQLServer, created with TLS and the credential, waited on until Ready.",
        mssqlServerInputs,
        ["name", "namespace", "version", "acceptEula", "authSecretName", "issuer"],
        C["kubedb-mssql:database:MssqlServer"],
    ),
    "kubedb-mssql:database:DayTwoChanges": component(
        "Keeps version, replicas, resources, storage and mssql.conf on the args, and restarts: one ops request per change, in a fixed order.",
        dayTwoInputs,
        ["database", "namespace", "version"],
        C["kubedb-mssql:database:DayTwoChanges"],
    ),
    "kubedb-mssql:tls:TlsLifecycle": component(
        "Keeps TLS on the args through ReconfigureTLS requests; widens the connection Secret's CA bundle during a CA switch.",
        tlsLifecycleInputs,
        ["database", "namespace", "issuer"],
        C["kubedb-mssql:tls:TlsLifecycle"],
    ),
    "kubedb-mssql:credential:CredentialRotation": component(
        "Keeps the database on the current credential: one RotateAuth request per new credential Secret.",
        credentialRotationInputs,
        ["database", "namespace", "secretName"],
        C["kubedb-mssql:credential:CredentialRotation"],
    ),
    "kubedb-mssql:credential:ConnectionSecret": component(
        "The Secret applications mount.",
        connectionSecretInputs,
        ["database", "namespace", "password", "caBundle"],
        C["kubedb-mssql:credential:ConnectionSecret"],
    ),
    "kubedb-mssql:tls:Certificate": component(
        "A cert-manager Certificate, waited on until Ready.",
        certificateInputs,
        ["name", "namespace", "secretName", "issuer"],
        C["kubedb-mssql:tls:Certificate"],
    ),
    [PACKAGE_RESOURCES.GuardedConfig.token]: custom(
        "GuardedConfig",
        "The ChangeGuard's record of the last config; its check refuses what no request can change.",
        {
            name: DATABASE,
            namespace: NAMESPACE,
            topology: str("Standalone or AvailabilityGroup."),
            edition: str("Edition."),
            permissions: any("Permissions checked at every check."),
            kubeconfig: KUBECONFIG,
        },
        {},
    ),
    [PACKAGE_RESOURCES.DayTwoLedger.token]: custom(
        "DayTwoLedger",
        "What the database was last brought to by day-2 requests; an update sends the requests.",
        {
            namespace: NAMESPACE,
            database: DATABASE,
            topology: str("Standalone or AvailabilityGroup."),
            version: str("Version."),
            replicas: int("Replicas."),
            resources: any("Resources."),
            storageSize: str("Storage size."),
            storageClass: str("StorageClass, or empty."),
            expansionMode: str("Online or Offline."),
            mssqlConf: str("mssql.conf, or empty."),
            restartGeneration: int("Restart generation."),
            stepTimeout: STEP_TIMEOUT,
            timeoutSeconds: int("How long to wait for each request, in seconds."),
            kubeconfig: KUBECONFIG,
        },
        {
            applied: any("The state last applied."),
            sequence: int("Requests sent so far."),
            ...LAST,
            lastAction: str("What the last request did."),
            currentVersion: str("Version read back."),
            currentReplicas: int("Replicas read back."),
            currentStorageSize: str("Storage size read back."),
        },
    ),
    [PACKAGE_RESOURCES.TlsLedger.token]: custom(
        "TlsLedger",
        "What TLS the database was last brought to; an update sends the ReconfigureTLS request.",
        {
            namespace: NAMESPACE,
            database: DATABASE,
            issuerRef: any("The issuer reference."),
            certificates: any("KubeDB's certificate settings."),
            clientTLS: bool("Client TLS."),
            rotationGeneration: int("Rotation generation."),
            caRevision: str("CA revision."),
            clusterResourceNamespace: str("cert-manager's cluster resource namespace."),
            serverCertSecret: str("The server certificate's Secret."),
            connectionSecret: str("The connection Secret."),
            connectionCaKey: str('Its data key holding the CA ("" for none). Default: ca.crt.'),
            connectionConfigMap: str("The connection ConfigMap holding the CA, if any."),
            connectionConfigMapCaKey: str("Its data key holding the CA."),
            stepTimeout: STEP_TIMEOUT,
            timeoutSeconds: int("How long to wait, in seconds."),
            kubeconfig: KUBECONFIG,
        },
        {
            applied: any("The TLS state last applied."),
            sequence: int("Requests sent so far."),
            ...LAST,
            lastAction: str("What the last request did."),
            caBundle: str("The CA bundle clients trust."),
            caFingerprint: str("SHA-256 fingerprint of the CA."),
            caNotAfter: str("When the CA expires."),
        },
    ),
    [PACKAGE_RESOURCES.RotationLedger.token]: custom(
        "RotationLedger",
        "Which credential Secret the database was last made to use; an update sends the RotateAuth request.",
        {
            namespace: NAMESPACE,
            database: DATABASE,
            secretName: str("The credential Secret the database must use."),
            request: any("The RotateAuth request to send."),
            generation: int("Rotation generation."),
            periodStart: str("Schedule period start, or none."),
            stepTimeout: STEP_TIMEOUT,
            timeoutSeconds: int("How long to wait, in seconds."),
            kubeconfig: KUBECONFIG,
        },
        {
            appliedSecretName: str("The Secret last made the database's."),
            activeSecretName: str("The Secret the database references."),
            ...LAST,
            activeSince: str("When the credential became active."),
            removedSecrets: strings("Superseded credential Secrets removed."),
        },
    ),
    [PACKAGE_RESOURCES.CredentialSecret.token]: custom(
        "CredentialSecret",
        "One sa credential Secret per credential version, created through the API, never edited or deleted by the package.",
        {
            namespace: NAMESPACE,
            database: DATABASE,
            versionSecretName: str("Name of this version's Secret."),
            password: secret(str("This version's password.")),
            annotations: stringMap("Annotations of the Secret (never the password)."),
            passwordGiven: bool("Whether the password is the user's."),
            resumeRetained: bool("Resume a re-created database on its retained Secret."),
            retained: str("The retained Secret chosen, or empty."),
            kubeconfig: KUBECONFIG,
        },
        {
            initialSecretName: str("The Secret the database was created with."),
            secretName: str("The current credential's Secret."),
            versionPassword: secret(str("This version's own password.")),
            resumedFrom: str("The retained Secret resumed on, or none."),
        },
    ),
    [PACKAGE_RESOURCES.PasswordReference.token]: custom(
        "PasswordReference",
        "The sa password read from a Secret of the database's namespace at every check (so in previews too): a missing Secret or key, or a value that breaks SQL Server's password policy, is refused naming them, never the value; a keyed fingerprint tells a changed value.",
        {
            namespace: NAMESPACE,
            database: DATABASE,
            name: str("The Secret's name."),
            key: str("The data key holding the password."),
            kubeconfig: KUBECONFIG,
        },
        {
            password: secret(str("The password (read at check).")),
            fingerprint: str("HMAC-SHA256 of the password under fingerprintKey: tells a change, not the password."),
            fingerprintKey: secret(str("The fingerprint's random key, drawn once.")),
        },
    ),
};

/** Properties of a resource that are secret, inputs and outputs alike. */
export function secretProperties(token: string): string[] {
    const spec = RESOURCES[token];
    if (!spec) return [];
    return [...new Set([...Object.entries(spec.inputProperties), ...Object.entries(spec.properties)].filter(([, p]) => p.secret).map(([k]) => k))];
}

const GO_IMPORT_BASE = "github.com/kubedb-mssql/kubedb-mssql/sdk/go/kubedbmssql";

export function packageSchema(version: string): Record<string, unknown> {
    return {
        name: PACKAGE_NAME,
        displayName: "KubeDB SQL Server",
        version,
        description:
            "Microsoft SQL Server on Kubernetes through KubeDB, secured with cert-manager TLS, its credentials rotated and every day-2 change made from configuration.",
        keywords: ["kubernetes", "kubedb", "sqlserver", "mssql", "cert-manager", "category/database", "kind/component"],
        license: "Apache-2.0",
        repository: "https://github.com/kubedb-mssql/kubedb-mssql",
        publisher: "kubedb-mssql",
        meta: { moduleFormat: "(.*)" },
        language: {
            nodejs: { packageName: "@kubedb-mssql/kubedb-mssql", dependencies: { "@pulumi/pulumi": "^3.0.0" }, respectSchemaVersion: true },
            python: { packageName: "pulumi_kubedb_mssql", requires: { pulumi: ">=3.0.0,<4.0.0" }, respectSchemaVersion: true },
            go: {
                importBasePath: `${GO_IMPORT_BASE}`,
                generateResourceContainerTypes: true,
                respectSchemaVersion: true,
                // Pulumi's Go generator names the index module's enums, seen from another module, by the
                // package name ("kubedb-mssql.DeletionPolicy", not Go); this alias maps it to the root package.
                packageImportAliases: { [`${GO_IMPORT_BASE}/${PACKAGE_NAME}`]: "kubedbmssql" },
            },
            csharp: { rootNamespace: "KubedbMssql", packageReferences: { Pulumi: "3.*" }, respectSchemaVersion: true },
        },
        config: {},
        provider: { description: "The kubedb-mssql provider: no configuration (each resource takes its own kubeconfig)." },
        types: Object.fromEntries(Object.entries(TYPES).map(([name, spec]) => [`${PACKAGE_NAME}:index:${name}`, spec])),
        resources: RESOURCES,
    };
}
