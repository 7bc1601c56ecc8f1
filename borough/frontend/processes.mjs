// Draws a process as its BPMN diagram (bpmn-js viewer, served by Borough) with the number of
// cases waiting at, done with and failed on each step. The table below the diagram has the
// same numbers, so the page says everything without JavaScript.
const container = document.querySelector("[data-process-diagram]");
const xml = JSON.parse(document.getElementById("process-bpmn").textContent);
const counts = JSON.parse(document.getElementById("process-counts").textContent);

function badge(text, kind) {
  const element = document.createElement("span");
  element.className = `borough-process-count borough-process-count--${kind}`;
  element.textContent = text;
  return element;
}

async function draw() {
  if (!container || !window.BpmnJS) return;
  const viewer = new window.BpmnJS({ container });
  await viewer.importXML(xml);
  viewer.get("canvas").zoom("fit-viewport");
  const overlays = viewer.get("overlays");
  for (const [id, count] of Object.entries(counts)) {
    const holder = document.createElement("div");
    holder.className = "borough-process-counts";
    if (count.waiting) holder.append(badge(`${count.waiting} waiting`, "waiting"));
    if (count.done) holder.append(badge(`${count.done} done`, "done"));
    if (count.failed) holder.append(badge(`${count.failed} failed`, "failed"));
    if (holder.childElementCount) {
      try {
        overlays.add(id, { position: { bottom: -4, left: 0 }, html: holder });
      } catch {
        // a step of an older version that this version's diagram does not have
      }
    }
  }
}

window.addEventListener("load", () => {
  draw().catch(() => {
    container.hidden = true; // the table below says the same
  });
});
