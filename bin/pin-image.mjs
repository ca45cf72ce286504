#!/usr/bin/env node
// Moves a stack's image pin to a new build: `node bin/pin-image.mjs <image> <tag> <digest> <stack>...`.
// Sets agent-estate:images.pins.<image> to {tag, digest} in Pulumi.<stack>.yaml, rewriting that one value and
// nothing else (comments and layout stay). A stack whose own file does not pin the image is refused: the first
// pin of an image is a human's choice. images.yml runs it after each build of main.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";

const [image, tag, digest, ...stacks] = process.argv.slice(2);
if (!image || !tag || !/^sha256:[0-9a-f]{64}$/.test(digest ?? "") || stacks.length === 0) {
    console.error("usage: node bin/pin-image.mjs <image> <tag> <sha256:digest> <stack>...");
    process.exit(2);
}
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
let failed = false;
for (const stack of stacks) {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        console.error(`${stack}: ${path.basename(file)} does not exist`);
        failed = true;
        continue;
    }
    const text = fs.readFileSync(file, "utf8");
    const node = parseDocument(text).getIn(["config", "agent-estate:images", "pins", image], true);
    if (!node?.range) {
        console.error(`${stack}: ${path.basename(file)} has no agent-estate:images.pins.${image}; pin it by hand first`);
        failed = true;
        continue;
    }
    const [start, end] = node.range;
    fs.writeFileSync(file, `${text.slice(0, start)}{ tag: ${JSON.stringify(tag)}, digest: "${digest}" }${text.slice(end)}`);
    console.log(`${stack}: ${image} → ${tag}@${digest}`);
}
process.exit(failed ? 1 : 0);
