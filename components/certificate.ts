/**
 * Certificate — a typed cert-manager Certificate that `pulumi up` waits on until it is Ready.
 * Used for the bootstrapped CA; reusable for any other certificate.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CertificateManifestArgs, certificateManifest } from "./manifests";
import { waitForCondition } from "./waiting";

export interface CertificateArgs extends CertificateManifestArgs {
    /** How long to wait for the Ready condition, in minutes. Default: 10. */
    timeoutMinutes?: number;
}

export class Certificate extends pulumi.ComponentResource {
    /** Name of the Secret that holds `tls.crt`, `tls.key` and `ca.crt`. */
    readonly secretName: string;
    /** The Certificate object; depend on it to start after the certificate is issued. */
    readonly resource: k8s.apiextensions.CustomResource;

    constructor(name: string, args: CertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kubedb-mssql:tls:Certificate", name, {}, opts);
        const manifest = certificateManifest(args);
        this.secretName = manifest.spec.secretName;
        this.resource = new k8s.apiextensions.CustomResource(name, waitForCondition(manifest, "Ready", args.timeoutMinutes ?? 10), {
            parent: this,
            customTimeouts: { create: `${args.timeoutMinutes ?? 10}m`, update: `${args.timeoutMinutes ?? 10}m` },
        });
        this.registerOutputs({ secretName: this.secretName });
    }
}
