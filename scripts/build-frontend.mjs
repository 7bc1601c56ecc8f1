// Build Borough's static assets from the govuk-frontend npm package into build/static.
// Run by `make` (npm run build); the output is served by WhiteNoise.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(root, "build", "static");
const own = join(root, "borough", "frontend");

mkdirSync(join(out, "borough"), { recursive: true });

const css = sass.compile(join(own, "application.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "borough", "application.css"), css.css);

cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "borough", "govuk-frontend.min.js"));
cpSync(join(own, "init.mjs"), join(out, "borough", "init.mjs"));
cpSync(join(own, "chat.mjs"), join(out, "borough", "chat.mjs"));
cpSync(join(own, "map.mjs"), join(out, "borough", "map.mjs"));
// Leaflet, self-hosted (issue 25): only on pages with a map.
const leaflet = join(root, "node_modules", "leaflet", "dist");
cpSync(join(leaflet, "leaflet.js"), join(out, "borough", "leaflet.js"));
cpSync(join(leaflet, "leaflet.css"), join(out, "borough", "leaflet.css"));
cpSync(join(own, "favicon.svg"), join(out, "borough", "favicon.svg"));
cpSync(join(own, "processes.mjs"), join(out, "borough", "processes.mjs"));
// The hub draws processes with the bpmn-js viewer (its script and styles, no modeller).
const bpmn = join(root, "node_modules", "bpmn-js", "dist");
mkdirSync(join(out, "bpmn-js", "assets"), { recursive: true });
cpSync(join(bpmn, "bpmn-viewer.production.min.js"), join(out, "bpmn-js", "bpmn-viewer.production.min.js"));
for (const sheet of ["bpmn-js.css", "diagram-js.css"]) {
  cpSync(join(bpmn, "assets", sheet), join(out, "bpmn-js", "assets", sheet));
}
// Only the fonts folder is needed for print styles; the GOV.UK crown images are not used.
mkdirSync(join(out, "govuk", "assets"), { recursive: true });
cpSync(join(govuk, "assets", "manifest.json"), join(out, "govuk", "assets", "manifest.json"));
console.log(`Built ${css.css.length} bytes of CSS into ${out}`);
