// Start GOV.UK Frontend's components on browsers that support ES modules. Every page works
// without this file: it only adds enhancements (error summary focus, character counts, menus,
// the chat widget).
import { initAll } from "./govuk-frontend.min.js";
import { initChat } from "./chat.mjs";

initAll();
initChat();

// The hub's work queue on a phone: the filters fold away when none is in use, so the cases
// come first instead of a screen of drop-downs (they are open everywhere else, and without
// JavaScript).
if (window.matchMedia("(max-width: 40.0525em)").matches) {
  for (const filters of document.querySelectorAll("details[data-app-filters]:not([data-applied])")) {
    filters.open = false;
  }
}
