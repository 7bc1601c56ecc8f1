// Start GOV.UK Frontend's components on browsers that support ES modules. Every page works
// without this file: it only adds enhancements (error summary focus, character counts, menus,
// the chat widget).
import { initAll } from "./govuk-frontend.min.js";
import { initChat } from "./chat.mjs";

initAll();
initChat();
