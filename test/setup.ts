// Each test process defers what @pulumi/pulumi requires at import for function serialization, as
// `npm run plan` does (bin/lazy-modules.js): the tests never serialize a function.
import { deferModules } from "../bin/lazy-modules";

deferModules();
