/**
 * kubedb-mssql components: SQL Server on Kubernetes through KubeDB, TLS from cert-manager,
 * credential rotation through KubeDB ops requests.
 */
export * from "./api/meta";
export * from "./api/kubedb";
export * as certManager from "./api/certManager";
export { KubernetesCluster, KubernetesClusterArgs, kubernetesCluster } from "./cluster";
export { CaIssuer, CaIssuerArgs, planCaIssuer } from "./caIssuer";
export { ChangeGuard, ChangeGuardArgs, refusedConfigChanges } from "./changeGuard";
export { DayTwoChanges, DayTwoChangesArgs } from "./dayTwoChanges";
export { DAY_TWO_ORDER, DayTwoState, DayTwoStep, planDayTwo } from "./ops/dayTwoPlan";
export { checkUpgrade, admittedTargets } from "./ops/catalog";
export { Certificate, CertificateArgs } from "./certificate";
export { ConnectionSecret, ConnectionSecretArgs } from "./connectionSecret";
export { SaCredential, SaCredentialArgs, GENERATED_PASSWORD } from "./credential";
export { CredentialRotation, CredentialRotationArgs } from "./credentialRotation";
export { MssqlServer, MssqlServerArgs, resolveMssqlServerArgs } from "./mssqlServer";
export { SqlServer, SqlServerArgs, SqlServerOutputs } from "./sqlServer";
export { PACKAGE_RESOURCES, PackageResource } from "./packageResources";
export { TlsLifecycle, TlsLifecycleArgs } from "./tlsLifecycle";
export { planTlsChange, TlsState, TlsPlan } from "./ops/tlsPlan";
export { StackConfig, parseStackConfig, readStackConfig } from "./config";
export { ConfigError } from "./validation";
export { currentPeriod } from "./schedule";
export {
    waitForOpsRequest,
    WaitForOpsRequestOptions,
    OpsRequestResult,
    OpsRequestProgress,
    OpsRequestError,
    OpsRequestFailure,
    OpsRequestOutcome,
    opsRequestFailure,
} from "./ops/waitForOpsRequest";
export * as manifests from "./manifests";
export { names } from "./names";
