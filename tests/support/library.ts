/** The components used as a library under Pulumi's mocks: the types they register and a program of one component. */
import { ProgramRun, runProgram } from "./program";

export const T = {
    caIssuer: "kubedb-mssql:tls:CaIssuer",
    certificateComponent: "kubedb-mssql:tls:Certificate",
    certificate: "kubernetes:cert-manager.io/v1:Certificate",
    issuer: "kubernetes:cert-manager.io/v1:Issuer",
    clusterIssuer: "kubernetes:cert-manager.io/v1:ClusterIssuer",
    secret: "kubernetes:core/v1:Secret",
    credentialSecret: "kubedb-mssql:credential:CredentialSecret",
    password: "random:index/randomPassword:RandomPassword",
    bytes: "random:index/randomBytes:RandomBytes",
    id: "random:index/randomId:RandomId",
    credential: "kubedb-mssql:credential:SaCredential",
    connection: "kubedb-mssql:credential:ConnectionSecret",
    server: "kubedb-mssql:database:MssqlServer",
    mssql: "kubernetes:kubedb.com/v1alpha2:MSSQLServer",
};

export const WAIT_READY = (minutes: number) => ({ "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": String(minutes * 60) });

export function library(program: () => unknown): Promise<ProgramRun> {
    return runProgram({
        config: {},
        program: () => {
            program();
            return {};
        },
    });
}
