/**
 * Real key pairs and X.509 certificates the tests make themselves, with the openssl CLI (present
 * wherever the e2e tools build): e.g. a user's own CA behind an existing ClusterIssuer, which the
 * real cert-manager then signs with.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface KeyPair {
    /** PEM certificate. */
    cert: string;
    /** PEM private key (PKCS#8). */
    key: string;
}

export interface CertificateRequest {
    commonName: string;
    dnsNames?: string[];
    ipAddresses?: string[];
    isCA?: boolean;
    /** Go duration as cert-manager takes it, e.g. `2160h`. Default 2160h (90 days). */
    duration?: string;
    algorithm?: "RSA" | "ECDSA" | "Ed25519";
}

function hours(duration: string | undefined): number {
    const match = /^(\d+)h$/.exec(duration ?? "2160h");
    return match ? Number(match[1]) : 2160;
}

function run(dir: string, args: string[]): void {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

/** Issues a certificate for `request`, self-signed when `issuer` is undefined. */
export function issue(request: CertificateRequest, issuer?: KeyPair): KeyPair {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubedb-mssql-pki-"));
    try {
        const algorithm = request.algorithm ?? "ECDSA";
        run(
            dir,
            algorithm === "RSA"
                ? ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "tls.key"]
                : algorithm === "Ed25519"
                  ? ["genpkey", "-algorithm", "ED25519", "-out", "tls.key"]
                  : ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "tls.key"],
        );
        const sans = [...(request.dnsNames ?? []).map((d) => `DNS:${d}`), ...(request.ipAddresses ?? []).map((ip) => `IP:${ip}`)];
        const extensions = [
            request.isCA ? "basicConstraints=critical,CA:TRUE" : "basicConstraints=critical,CA:FALSE",
            request.isCA ? "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" : "keyUsage=critical,digitalSignature,keyEncipherment",
            ...(request.isCA ? [] : ["extendedKeyUsage=serverAuth,clientAuth"]),
            ...(sans.length ? [`subjectAltName=${sans.join(",")}`] : []),
        ];
        fs.writeFileSync(path.join(dir, "ext.cnf"), extensions.join("\n") + "\n");
        const days = String(Math.max(1, Math.ceil(hours(request.duration) / 24)));
        const subject = `/CN=${request.commonName.replace(/[/=]/g, "-")}`;
        if (!issuer) {
            run(dir, [
                "req",
                "-x509",
                "-new",
                "-key",
                "tls.key",
                "-subj",
                subject,
                "-days",
                days,
                "-extensions",
                "v3",
                "-config",
                writeConfig(dir, extensions),
                "-out",
                "tls.crt",
            ]);
        } else {
            fs.writeFileSync(path.join(dir, "ca.crt"), issuer.cert);
            fs.writeFileSync(path.join(dir, "ca.key"), issuer.key, { mode: 0o600 });
            run(dir, ["req", "-new", "-key", "tls.key", "-subj", subject, "-out", "tls.csr"]);
            run(dir, [
                "x509",
                "-req",
                "-in",
                "tls.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-set_serial",
                `0x${Date.now().toString(16)}${Math.floor(Math.random() * 1e6).toString(16)}`,
                "-days",
                days,
                "-extfile",
                "ext.cnf",
                "-out",
                "tls.crt",
            ]);
        }
        return { cert: fs.readFileSync(path.join(dir, "tls.crt"), "utf8"), key: fs.readFileSync(path.join(dir, "tls.key"), "utf8") };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function writeConfig(dir: string, extensions: string[]): string {
    const file = path.join(dir, "req.cnf");
    fs.writeFileSync(file, ["[req]", "distinguished_name=dn", "[dn]", "[v3]", ...extensions, ""].join("\n"));
    return file;
}
