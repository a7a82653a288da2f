// ESLint (flat config): the recommended JavaScript and typescript-eslint rules, formatting left to
// Prettier (eslint-config-prettier). `npm run lint` runs both; `npm run format` rewrites.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

export default tseslint.config(
    { ignores: ["node_modules/", "dist/", "reports/", ".stryker-tmp/", "tests/e2e/tools/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    prettier,
    {
        rules: {
            // `_`-prefixed names are deliberately unused (a destructured key left out).
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
        },
    },
);
