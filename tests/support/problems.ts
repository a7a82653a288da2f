/** The problems a check collects, as "key": text lines. */
import { ConfigError, Problems } from "../../components/core/problems";

/** The problems collected in `problems`, as "key": text lines. */
export function listed(problems: Problems): string[] {
    try {
        problems.throwIfAny();
    } catch (error) {
        return (error as ConfigError).problems;
    }
    return [];
}

/** The problems `check` adds. */
export function problemsFrom(check: (p: Problems) => void): string[] {
    const problems = new Problems();
    check(problems);
    return listed(problems);
}
