/** The MSSQLServer object, exactly as sent (checked against the CRD and KubeDB's webhook rules by the tests). */
import { MSSQL_CONF, DeletionPolicy, IssuerKind, KUBEDB_API_VERSION, MSSQLServer, ResourceRequirements, SecondaryAccessMode } from "../api/kubedb";
import { CertificateAliasSettings } from "./settings";
import { issuerRef, kubeDbCertificates } from "../tls/manifests";
export const SQL_SERVER_PORT = 1433;
export const SA_USERNAME = "sa";

export interface MssqlServerManifestArgs {
    name: string;
    namespace: string;
    version: string;
    edition: string;
    replicas: number;
    availabilityGroup?: { databases: string[]; secondaryAccessMode: SecondaryAccessMode };
    storage: { size: string; storageClass?: string };
    deletionPolicy: DeletionPolicy;
    resources?: ResourceRequirements;
    authSecretName: string;
    issuer: { kind: IssuerKind; name: string };
    clientTLS: boolean;
    certificates?: CertificateAliasSettings;
    /** Content of mssql.conf, set at creation (later changes go through Reconfigure requests). */
    mssqlConf?: string;
    /** Whether KubeDB's recommendation engine may create requests on its own. */
    autoOps: boolean;
}

export function mssqlServerManifest(a: MssqlServerManifestArgs): MSSQLServer {
    const container = {
        name: "mssql" as const,
        // KubeDB requires MSSQL_PID and refuses MSSQL_SA_PASSWORD & co.: the password comes from authSecret.
        env: [
            { name: "ACCEPT_EULA", value: "Y" },
            { name: "MSSQL_PID", value: a.edition },
        ],
        ...(a.resources ? { resources: a.resources } : {}),
    };
    const certificates = kubeDbCertificates(a.certificates);
    return {
        apiVersion: KUBEDB_API_VERSION,
        kind: "MSSQLServer",
        metadata: { name: a.name, namespace: a.namespace },
        spec: {
            version: a.version,
            replicas: a.replicas,
            // Standalone is expressed by leaving topology out: KubeDB rejects an empty topology.
            ...(a.availabilityGroup
                ? {
                      topology: {
                          mode: "AvailabilityGroup" as const,
                          availabilityGroup: {
                              databases: a.availabilityGroup.databases,
                              secondaryAccessMode: a.availabilityGroup.secondaryAccessMode,
                          },
                      },
                  }
                : {}),
            authSecret: { kind: "Secret", name: a.authSecretName },
            tls: {
                issuerRef: issuerRef(a.issuer),
                ...(certificates.length > 0 ? { certificates } : {}),
                clientTLS: a.clientTLS,
            },
            storageType: "Durable",
            storage: {
                accessModes: ["ReadWriteOnce"],
                ...(a.storage.storageClass ? { storageClassName: a.storage.storageClass } : {}),
                resources: { requests: { storage: a.storage.size } },
            },
            podTemplate: { spec: { containers: [container] } },
            ...(a.mssqlConf ? { configuration: { inline: { [MSSQL_CONF]: a.mssqlConf } } } : {}),
            // The stack owns the database's lifecycle: no request KubeDB thinks up by itself, unless asked.
            autoOps: { disabled: !a.autoOps },
            deletionPolicy: a.deletionPolicy,
        },
    };
}
