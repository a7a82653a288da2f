/** The `kubeconfig` config key: text or a path, read once, never echoed in an error. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { resolveKubeconfig } from "../components/kubeconfig";

describe("kubeconfig config key", () => {
    const text = "apiVersion: v1\nkind: Config\nclusters: []\n";

    it("passes kubeconfig text through and leaves an absent key to the ambient kubeconfig", () => {
        assert.equal(resolveKubeconfig(text), text);
        assert.equal(resolveKubeconfig(undefined), undefined);
    });

    it("reads a path once, so the provider and the waiters use the same text", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kc-")), "config");
        fs.writeFileSync(file, text);
        assert.equal(resolveKubeconfig(file), text);
    });

    it("says what is wrong with an unreadable value without echoing it", () => {
        const secretish = "/nowhere/token-abc123-very-secret";
        assert.throws(() => resolveKubeconfig(secretish), (e: Error) =>
            /config "kubeconfig": neither kubeconfig text nor the path of a readable file \(ENOENT\)/.test(e.message) && !e.message.includes("token-abc123"));
    });
});
