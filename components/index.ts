/**
 * kubedb-mssql components: SQL Server on Kubernetes through KubeDB, TLS from cert-manager,
 * credential rotation through KubeDB ops requests.
 */
export * from "./api/meta";
export * from "./api/kubedb";
export * as certManager from "./api/certManager";
export { KubernetesCluster, KubernetesClusterArgs, kubernetesCluster } from "./kube/cluster";
export { CaIssuer, CaIssuerArgs, planCaIssuer } from "./tls/caIssuer";
export { ChangeGuard, ChangeGuardArgs, refusedConfigChanges } from "./database/changeGuard";
export { DayTwoChanges, DayTwoChangesArgs } from "./database/dayTwoChanges";
export { DAY_TWO_ORDER, DayTwoState, DayTwoStep, planDayTwo } from "./database/dayTwoPlan";
export { checkUpgrade, admittedTargets } from "./database/versionCatalog";
export { Certificate, CertificateArgs } from "./tls/certificate";
export { ConnectionSecret, ConnectionSecretArgs } from "./credential/connectionSecret";
export { CONNECTION_VALUES, ConnectionSettings, ConnectionValue, DEFAULT_SECRET_KEYS, parseConnectionShape } from "./credential/connectionShape";
export { passwordFingerprint, readReferencedPassword } from "./credential/passwordReference";
export { SaCredential, SaCredentialArgs, GENERATED_PASSWORD } from "./credential/saCredential";
export { CredentialRotation, CredentialRotationArgs } from "./credential/credentialRotation";
export { MssqlServer, MssqlServerArgs, resolveMssqlServerArgs } from "./database/mssqlServer";
export { SqlServer, SqlServerArgs, SqlServerOutputs } from "./database/sqlServer";
export { PACKAGE_RESOURCES, PackageResource } from "./packageResources";
export { TlsLifecycle, TlsLifecycleArgs } from "./tls/tlsLifecycle";
export { planTlsChange, TlsState, TlsPlan } from "./tls/tlsPlan";
export { DatabaseSettings, parseDatabaseSettings } from "./database/settings";
export { ConfigError } from "./core/problems";
export { currentPeriod } from "./credential/schedule";
export {
    waitForOpsRequest,
    WaitForOpsRequestOptions,
    OpsRequestResult,
    OpsRequestProgress,
    OpsRequestError,
    OpsRequestFailure,
    OpsRequestOutcome,
    opsRequestFailure,
} from "./ops/waiter";
export * as manifests from "./manifests";
export { names } from "./core/names";
