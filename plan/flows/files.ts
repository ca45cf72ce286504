import * as fs from "node:fs";
import * as path from "node:path";
import { PlanResult } from "../plan";
import { flowsMermaid, flowsSvg } from "./draw";

/** Writes `<dir>/flows-<stack>.mmd` and `.svg`; returns the paths written, relative to the working directory. */
export function writeFlowPictures(result: PlanResult, dir: string): string[] {
    fs.mkdirSync(dir, { recursive: true });
    const title = `Flows of stack ${result.stack}`;
    const files: Array<[string, string]> = [
        [path.join(dir, `flows-${result.stack}.mmd`), flowsMermaid(result.flows, title)],
        [path.join(dir, `flows-${result.stack}.svg`), flowsSvg(result.flows, title)],
    ];
    for (const [file, text] of files) fs.writeFileSync(file, text);
    return files.map(([file]) => path.relative(process.cwd(), file));
}
