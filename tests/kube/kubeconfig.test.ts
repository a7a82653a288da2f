/** The `kubeconfig` config key: text or a path, read once, checked to be a kubeconfig, never echoed in an error. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkKubeconfigText, looksLikeKubeconfigText, readKubeconfig, resolveKubeconfig } from "../../components/kube/kubeconfig";
import { Problems } from "../../components/core/problems";
import { ConfigError } from "../../components/core/problems";

describe("kubeconfig config key", () => {
    const text = "apiVersion: v1\nkind: Config\nclusters: []\n";
    const write = (contents: string) => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kc-")), "config");
        fs.writeFileSync(file, contents);
        return file;
    };

    it("passes kubeconfig text through and leaves an absent key to the ambient kubeconfig", () => {
        assert.equal(resolveKubeconfig(text), text);
        assert.equal(resolveKubeconfig(undefined), undefined);
    });

    it("reads a path once, so the provider and the waiters use the same text", () => {
        assert.equal(resolveKubeconfig(write(text)), text);
    });

    it("says what is wrong with an unreadable value without echoing it", () => {
        const secretish = "/nowhere/token-abc123-very-secret";
        assert.throws(
            () => resolveKubeconfig(secretish),
            (e: Error) =>
                e instanceof ConfigError &&
                /"kubeconfig": is neither kubeconfig text nor the path of a readable file \(ENOENT\)/.test(e.message) &&
                !e.message.includes("token-abc123"),
        );
    });

    it("refuses a file that is not a kubeconfig, without echoing its path or contents", () => {
        const file = write("password: token-abc123-very-secret\n");
        assert.throws(
            () => resolveKubeconfig(file),
            (e: Error) =>
                e instanceof ConfigError &&
                /"kubeconfig": names a file that has none of a kubeconfig's fields \(apiVersion, kind, /.test(e.message) &&
                !e.message.includes("token-abc123") &&
                !e.message.includes(file),
        );
    });

    it("refuses kubeconfig text that is not a kubeconfig", () => {
        assert.throws(() => resolveKubeconfig("kind: Pod\nmetadata: {}\n"), /"kubeconfig": has a "kind" other than Config/);
    });

    it("accepts what client-go loads: JSON, an empty Config, a full one", () => {
        assert.equal(checkKubeconfigText('{"apiVersion":"v1","kind":"Config"}'), undefined);
        assert.equal(checkKubeconfigText("apiVersion: v1\nkind: Config\n"), undefined);
        assert.equal(
            checkKubeconfigText(
                [
                    "apiVersion: v1",
                    "kind: Config",
                    "current-context: c",
                    "clusters:",
                    "- name: k",
                    "  cluster:",
                    "    server: https://k.example:6443",
                    "users:",
                    "- name: u",
                    "  user:",
                    "    exec:",
                    "      apiVersion: client.authentication.k8s.io/v1",
                    "      command: aws",
                    "contexts:",
                    "- name: c",
                    "  context:",
                    "    cluster: k",
                    "    user: u",
                    "",
                ].join("\n"),
            ),
            undefined,
        );
    });

    it("refuses a current context whose cluster is missing", () => {
        assert.match(
            checkKubeconfigText("apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context:\n    cluster: gone\n")!,
            /current context whose cluster is not among its clusters/,
        );
    });

    it("tells text from a path by how it starts, like the Kubernetes provider", () => {
        for (const textual of ["apiVersion: v1", "  kind: Config", "\tclusters: []", '{"kind":"Config"}', "current-context: c", "a\nb"]) {
            assert.equal(looksLikeKubeconfigText(textual), true, textual);
        }
        for (const file of ["/home/me/.kube/config", "~/.kube/clusters", "myclusters.yaml", "x kind: Config", "kubeconfig"]) {
            assert.equal(looksLikeKubeconfigText(file), false, file);
        }
    });

    it("expands ~ to the home directory, and only at the start", () => {
        const home = fs.mkdtempSync(path.join(os.tmpdir(), "home-"));
        const realHome = process.env.HOME;
        process.env.HOME = home;
        try {
            fs.writeFileSync(path.join(home, "kc"), text);
            assert.equal(resolveKubeconfig("~/kc"), text);
            const p = new Problems();
            assert.equal(readKubeconfig(p, "cluster.kubeconfig", "kc~"), undefined);
            assert.throws(
                () => p.throwIfAny(),
                (e: ConfigError) =>
                    e.problems.length === 1 &&
                    e.problems[0] ===
                        '"cluster.kubeconfig": is neither kubeconfig text nor the path of a readable file (ENOENT); set it to the kubeconfig\'s contents or its path',
            );
        } finally {
            process.env.HOME = realHome;
            fs.rmSync(home, { recursive: true, force: true });
        }
    });

    it("gives the line of a YAML error, never its text", () => {
        const what = "it must be kubeconfig text (apiVersion: v1, kind: Config, clusters, users, contexts) or the path of a kubeconfig file";
        assert.equal(checkKubeconfigText("apiVersion: v1\nkind: Config\nclusters: : secret-ish\n"), `is not valid YAML (line 3); ${what}`);
        assert.equal(checkKubeconfigText("~\n"), `is not valid YAML; ${what}`);
    });

    it("refuses YAML that is not a mapping", () => {
        for (const text of ["- a\n- b\n", "just text\n", "42\n"])
            assert.match(checkKubeconfigText(text)!, /^is not a YAML mapping; it must be kubeconfig text/, text);
    });

    it("checks kind and apiVersion only where given", () => {
        assert.equal(checkKubeconfigText("apiVersion: v1\nclusters: []\n"), undefined);
        assert.equal(checkKubeconfigText("kind: Config\n"), undefined);
        assert.match(checkKubeconfigText("apiVersion: v2\nkind: Config\n")!, /^has an "apiVersion" other than v1/);
        assert.match(checkKubeconfigText("apiVersion: v1\nkind: Pod\n")!, /^has a "kind" other than Config/);
    });

    it("needs clusters, users and contexts to be lists, or empty", () => {
        assert.match(checkKubeconfigText("clusters: {}\n")!, /^has "clusters" that is not a list/);
        assert.match(checkKubeconfigText("users: x\n")!, /^has "users" that is not a list/);
        assert.match(checkKubeconfigText("contexts: 1\n")!, /^has "contexts" that is not a list/);
        assert.equal(checkKubeconfigText("clusters: null\nusers:\ncontexts: ~\n"), undefined);
    });

    it("says which entry client-node cannot load, and nothing of a file it could not read", () => {
        const cluster = (i: number) => `- name: k${i}\n  cluster:\n    server: https://k${i}.example:6443\n`;
        const eleven = "apiVersion: v1\nkind: Config\nclusters:\n" + [...Array(10).keys()].map(cluster).join("") + "- name: k10\n";
        assert.equal(checkKubeconfigText(eleven), "is not a usable kubeconfig: clusters[10].cluster is missing");
        assert.equal(checkKubeconfigText("contexts:\n- name: c\n"), "is not a usable kubeconfig: contexts[0].context is missing");
        const tokenFile = (file: string) => `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token-file: ${file}\n`;
        assert.equal(
            checkKubeconfigText(tokenFile("/nonexistent/token-abc123")),
            "is not a usable kubeconfig: a file it refers to (e.g. a token-file or certificate) cannot be read",
        );
        assert.equal(
            checkKubeconfigText(tokenFile(os.tmpdir())),
            "is not a usable kubeconfig: an entry could not be loaded",
            "a directory is no token file (EISDIR)",
        );
    });

    it("checks the current context only when one is named, and by its name", () => {
        assert.equal(checkKubeconfigText('current-context: ""\n'), undefined);
        assert.equal(checkKubeconfigText("current-context: null\nclusters: []\n"), undefined);
        const contexts = "clusters:\n- name: k\n  cluster:\n    server: https://k.example:6443\ncontexts:\n- name: a\n  context:\n    cluster: k\n";
        assert.equal(checkKubeconfigText(`current-context: a\n${contexts}`), undefined);
        assert.equal(checkKubeconfigText(`current-context: b\n${contexts}`), "names a current-context that is not among its contexts");
    });
});
