/** The `kubeconfig` config key: text or a path, read once, checked to be a kubeconfig, never echoed in an error. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkKubeconfigText, resolveKubeconfig } from "../components/kubeconfig";
import { ConfigError } from "../components/validation";

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
        assert.throws(() => resolveKubeconfig(secretish), (e: Error) =>
            e instanceof ConfigError
            && /"kubeconfig": is neither kubeconfig text nor the path of a readable file \(ENOENT\)/.test(e.message) && !e.message.includes("token-abc123"));
    });

    it("refuses a file that is not a kubeconfig, without echoing its path or contents", () => {
        const file = write("password: token-abc123-very-secret\n");
        assert.throws(() => resolveKubeconfig(file), (e: Error) =>
            e instanceof ConfigError
            && /"kubeconfig": names a file that has none of a kubeconfig's fields \(apiVersion, kind, /.test(e.message)
            && !e.message.includes("token-abc123") && !e.message.includes(file));
    });

    it("refuses kubeconfig text that is not a kubeconfig", () => {
        assert.throws(() => resolveKubeconfig("kind: Pod\nmetadata: {}\n"), /"kubeconfig": has a "kind" other than Config/);
    });

    it("accepts what client-go loads: JSON, an empty Config, a full one", () => {
        assert.equal(checkKubeconfigText("{\"apiVersion\":\"v1\",\"kind\":\"Config\"}"), undefined);
        assert.equal(checkKubeconfigText("apiVersion: v1\nkind: Config\n"), undefined);
        assert.equal(checkKubeconfigText([
            "apiVersion: v1", "kind: Config", "current-context: c",
            "clusters:", "- name: k", "  cluster:", "    server: https://k.example:6443",
            "users:", "- name: u", "  user:", "    exec:", "      apiVersion: client.authentication.k8s.io/v1", "      command: aws",
            "contexts:", "- name: c", "  context:", "    cluster: k", "    user: u", "",
        ].join("\n")), undefined);
    });

    it("refuses a current context whose cluster is missing", () => {
        assert.match(checkKubeconfigText("apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context:\n    cluster: gone\n")!, /current context whose cluster is not among its clusters/);
    });
});
