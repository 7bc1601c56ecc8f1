// The chat widget: turns the "Chat with us" link on every resident page into a chat panel that
// talks to the chat API (/chat/api/...). Without JavaScript the link opens the chat page, which
// does the same through plain form posts. The conversation id is kept in sessionStorage (no
// cookie); a reply from a member of staff arrives by polling.

const POLL_MS = 3000;
const STORE = "borough-chat";

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

class ChatWidget {
  constructor(root) {
    this.root = root;
    this.api = root.dataset.api;
    this.words = root.dataset;
    this.lastSeq = 0;
    this.status = "assistant";
    this.timer = null;
    this.id = sessionStorage.getItem(STORE);
    this.build();
  }

  build() {
    const link = this.root.querySelector("a");
    this.chatPage = link.getAttribute("href");
    // On a page with its own button to press (Continue, Accept and send, Save), the launcher
    // sits at the end of the page under it: a secondary button there, so the page's own
    // button is the one green button (GOV.UK: one primary button a page).
    const inPage = this.root.classList.contains("app-chat-widget--in-page");
    const kind = inPage ? "govuk-button govuk-button--secondary" : "govuk-button";
    this.launcher = el("button", {
      type: "button",
      class: `${kind} govuk-!-margin-bottom-0 app-chat-widget__launcher`,
      "aria-expanded": "false",
      "aria-controls": "app-chat-panel",
    }, this.words.title);
    link.replaceWith(this.launcher);

    this.panel = el("section", {
      id: "app-chat-panel",
      class: "app-chat-widget__panel",
      "aria-labelledby": "app-chat-title",
      hidden: "",
    });
    const header = el("div", { class: "app-chat-widget__header" });
    header.append(el("h2", { id: "app-chat-title", class: "govuk-heading-s govuk-!-margin-bottom-0" }, this.words.title));
    this.closer = el("button", { type: "button", class: "govuk-button govuk-button--secondary govuk-!-margin-bottom-0" }, this.words.close);
    // "Exit this page" (GOV.UK pattern): someone who must hide the chat leaves at once, the
    // conversation is forgotten by this tab, and Back does not return to it (location.replace).
    const actions = el("div", { class: "app-chat-widget__actions" });
    if (this.words.exitUrl && this.words.exit) {
      const exit = el("a", {
        href: this.words.exitUrl,
        role: "button",
        draggable: "false",
        rel: "nofollow noreferrer",
        class: "govuk-button govuk-button--warning govuk-!-margin-bottom-0 app-chat-widget__exit",
      }, this.words.exit);
      exit.addEventListener("click", (event) => {
        event.preventDefault();
        sessionStorage.removeItem(STORE);
        window.location.replace(exit.href);
      });
      actions.append(exit);
    }
    actions.append(this.closer);
    header.append(actions);
    // The log scrolls, so it takes keyboard focus (tabindex 0) for arrow-key scrolling.
    this.log = el("ol", { class: "app-chat__log app-chat-widget__log", "aria-labelledby": "app-chat-title", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
    this.form = el("form", { class: "app-chat-widget__form", novalidate: "" });
    this.group = el("div", { class: "govuk-form-group govuk-!-margin-bottom-2" });
    this.group.append(el("label", { class: "govuk-label govuk-label--s", for: "app-chat-input" }, this.words.label));
    this.error = el("p", { id: "app-chat-error", class: "govuk-error-message", hidden: "" });
    this.group.append(this.error);
    this.input = el("textarea", { id: "app-chat-input", class: "govuk-textarea govuk-!-margin-bottom-0", rows: "2", name: "message", autocomplete: "off" });
    this.group.append(this.input);
    this.form.append(this.group);
    this.form.append(el("button", { type: "submit", class: "govuk-button govuk-!-margin-bottom-0" }, this.words.send));
    this.panel.append(header, this.log, this.form);
    this.root.append(this.panel);

    this.launcher.addEventListener("click", () => (this.panel.hidden ? this.open() : this.close()));
    this.closer.addEventListener("click", () => this.close());
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send(this.input.value);
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        this.send(this.input.value);
      }
    });
  }

  async open() {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.input.focus();
    if (this.id) {
      const ok = await this.fetchMessages(true);
      if (ok) return;
      this.id = null;
    }
    await this.start();
  }

  close() {
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.focus();
    this.stopPolling();
  }

  messagesUrl() {
    return `${this.api}${this.id}/messages/`;
  }

  async request(url, options = {}) {
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        ...options,
      });
      const data = await response.json();
      if (!response.ok) {
        this.showError((data.error && data.error.message) || this.words.failed);
        return null;
      }
      return data;
    } catch {
      this.showError(this.words.failed);
      return null;
    }
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = false;
    this.group.classList.add("govuk-form-group--error");
    this.input.setAttribute("aria-describedby", "app-chat-error");
  }

  clearError() {
    this.error.hidden = true;
    this.error.textContent = "";
    this.group.classList.remove("govuk-form-group--error");
    this.input.removeAttribute("aria-describedby");
  }

  async start() {
    const data = await this.request(this.api, { method: "POST", body: "{}" });
    if (data) {
      this.id = data.id;
      sessionStorage.setItem(STORE, this.id);
      this.show(data);
    }
    return data;
  }

  async send(text) {
    this.clearError();
    // A chat an agent has closed: the next message starts a new one.
    if ((!this.id || this.status === "closed") && !(await this.start())) return;
    const data = await this.request(this.messagesUrl(), {
      method: "POST",
      body: JSON.stringify({ text }),
    });
    if (data) {
      this.input.value = "";
      this.show(data);
    }
    this.input.focus();
  }

  async fetchMessages(quiet = false) {
    try {
      const response = await fetch(`${this.messagesUrl()}?after=${this.lastSeq}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return false;
      this.show(await response.json());
      return true;
    } catch {
      if (!quiet) this.showError(this.words.failed);
      return false;
    }
  }

  show(data) {
    this.status = data.status;
    for (const message of data.messages) {
      if (message.seq <= this.lastSeq) continue;
      this.lastSeq = message.seq;
      this.log.querySelectorAll(".app-chat__choices").forEach((node) => node.remove());
      const item = el("li", { class: `app-chat__message app-chat__message--${message.sender}` });
      item.append(el("span", { class: "app-chat__sender" }, message.name));
      const body = el("div", { class: "app-chat__text" });
      const pageLanguage = (document.documentElement.lang || "en").slice(0, 2);
      if (message.language && message.language.slice(0, 2) !== pageLanguage) {
        body.lang = message.language; // WCAG 3.1.2: read in its own language
      }
      message.text.split("\n").forEach((line, index) => {
        if (index) body.append(el("br"));
        body.append(document.createTextNode(line));
      });
      item.append(body);
      if (message.links.length) {
        const links = el("ul", { class: "govuk-list app-chat__links" });
        for (const link of message.links) {
          const li = el("li");
          li.append(el("a", { class: "govuk-link", href: link.url }, link.text));
          links.append(li);
        }
        item.append(links);
      }
      if (message.choices.length) {
        const choices = el("div", { class: "app-chat__choices" });
        for (const choice of message.choices) {
          const button = el("button", { type: "button", class: "govuk-button govuk-button--secondary govuk-!-margin-bottom-1 govuk-!-margin-right-1" }, choice);
          button.addEventListener("click", () => this.send(choice));
          choices.append(button);
        }
        item.append(choices);
      }
      this.log.append(item);
      item.scrollIntoView({ block: "nearest" });
    }
    if (this.status === "waiting" || this.status === "live") this.startPolling();
    else this.stopPolling();
  }

  startPolling() {
    if (this.timer || this.panel.hidden) return;
    this.timer = setInterval(() => this.fetchMessages(true), POLL_MS);
  }

  stopPolling() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

export function initChat(scope = document) {
  for (const root of scope.querySelectorAll('[data-module="app-chat"]')) {
    if (!root.dataset.chatReady) {
      root.dataset.chatReady = "true";
      new ChatWidget(root);
    }
  }
}
