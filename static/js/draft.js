// Nothing typed into a check-in is lost to a dropped connection or a closed tab.
// The form works without this file; with it
// - what the patient enters is kept on this device (localStorage) until the server has saved it,
// - a save tapped while offline waits and is sent by itself when the connection is back,
// - a page opened with an unsaved entry offers to restore it (with the version it was based on,
//   so a day changed elsewhere meanwhile is reported as a conflict, never overwritten),
// - logging out (forms marked data-clear-drafts) or a deleted account (the page after it has
//   data-forget-drafts) removes every draft.
// Drafts are keyed by an opaque per-account id and the day, and expire after a week.
(function () {
  "use strict";
  var PREFIX = "flaremap-draft:";
  var MAX_AGE_MS = 7 * 24 * 3600 * 1000;
  var SKIPPED = { csrfmiddlewaretoken: true, action: true };

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }  // blocked or private mode
  }
  var store = storage();
  if (!store) return;

  function draftKeys() {
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) keys.push(key);
    }
    return keys;
  }

  function read(key) {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }

  draftKeys().forEach(function (key) {
    var draft = read(key);
    if (!draft || !(Date.now() - draft.saved < MAX_AGE_MS)) store.removeItem(key);
  });
  function forgetAll() { draftKeys().forEach(function (k) { store.removeItem(k); }); }
  if (document.querySelector("[data-forget-drafts]")) forgetAll();  // the account was deleted
  Array.prototype.forEach.call(document.querySelectorAll("form[data-clear-drafts]"), function (f) {
    f.addEventListener("submit", forgetAll);  // logging out
  });

  var form = document.querySelector("form[data-draft]");
  if (!form) return;
  var key = PREFIX + form.dataset.draft;
  var status = document.querySelector("[data-draft-status]");  // outside the form: its buttons are no edits
  var leaving = false;  // the form is being posted: later edits events must not undo that
  var waiting = false;  // a save tapped offline waits for the connection
  var versionField = form.elements.version;
  var pageVersion = versionField ? versionField.value : "";

  // The fields a draft keeps and restores: what the patient can edit, not the token or buttons.
  function editable(el) {
    return el.name && !SKIPPED[el.name] && !el.disabled && el.type !== "submit" && el.type !== "button";
  }

  function fields() {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!editable(el)) return;
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) values.push([el.name, el.value]);
      } else {
        values.push([el.name, el.value]);
      }
    });
    return values;
  }

  // Kept only when it differs from what the page showed (a tap that changed nothing leaves no
  // draft behind), unless the server has not saved it yet (submitted, or sent back with errors).
  function keep(submitted) {
    var values = fields();
    if (!submitted && JSON.stringify(values) === shown) {
      store.removeItem(key);
      return;
    }
    var draft = {
      saved: Date.now(),
      base: versionField ? versionField.value : "",  // restoring a draft puts its base back here
      submitted: submitted,
      values: values
    };
    try { store.setItem(key, JSON.stringify(draft)); } catch (e) { /* storage full: the form still posts */ }
  }

  function say(text, actions) {
    if (!status) return;
    status.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    status.appendChild(p);
    (actions || []).forEach(function (action) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-secondary";
      button.textContent = action[0];
      button.addEventListener("click", action[1]);
      status.appendChild(button);
    });
    status.hidden = false;
  }

  function restore(draft) {
    var byName = {};
    draft.values.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!editable(el)) return;
      var values = byName[el.name] || [];
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.name === "version") {
        el.value = draft.base;  // the version the entry was based on: the server detects conflicts
      } else {
        el.value = values.length ? values[0] : "";
      }
      el.dispatchEvent(new Event("change", { bubbles: true }));
      var filled = el.type === "radio" || el.type === "checkbox" ? el.checked : el.type !== "hidden" && el.value;
      for (var parent = el.closest("details"); filled && parent; parent = parent.parentElement.closest("details")) {
        parent.open = true;  // show what was restored
      }
    });
  }

  function clock(ms) {
    var moment = new Date(ms);
    return moment.toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" });
  }

  var shown = JSON.stringify(fields());
  var draft = read(key);
  var parts = form.dataset.draft.split(":");  // owner, day, headache
  var savedNow = document.querySelector(".message-success");
  if (form.querySelector(".form-errors")) {
    shown = null;  // the server sent the form back with what was posted: it is not saved
    keep(false);
  } else if (draft && draft.submitted && (draft.base !== pageVersion || savedNow)) {
    store.removeItem(key);  // the save went through
  } else if (draft) {
    say("You have an entry for this day from " + clock(draft.saved) + " that was not saved yet. It is kept on this device.", [
      ["Restore it", function () {
        restore(draft);
        keep(false);
        say("Restored. Check it and tap Save.");
      }],
      ["Discard", function () {
        store.removeItem(key);
        status.hidden = true;
      }]
    ]);
  }
  if (status && status.hidden) offerOtherDays();

  // An entry left unsaved on another day (the diary day rolled over at 04:00, or a past day was
  // being edited) is pointed to from here, so it is not forgotten.
  function offerOtherDays() {
    var others = draftKeys().map(function (k) { return k.slice(PREFIX.length).split(":"); })
      .filter(function (p) { return p[0] === parts[0] && (p[1] !== parts[1] || p[2] !== parts[2]); })
      .sort();
    if (!others.length) return;
    var other = others[others.length - 1];
    var ymd = other[1].split("-").map(Number);
    var label = new Date(ymd[0], ymd[1] - 1, ymd[2]).toLocaleDateString([], {
      weekday: "long", day: "numeric", month: "long"
    });
    say("An entry for " + label + " was not saved yet. It is kept on this device.");
    var link = document.createElement("a");
    link.className = "button button-secondary";
    link.href = form.getAttribute("action").replace(parts[1], other[1]) +
      (other[2] ? "?attack=" + encodeURIComponent(other[2]) : "");
    link.textContent = "Open " + label;
    status.appendChild(link);
  }

  // Every edit the patient makes (typing, sliders, chips, body-map taps, "Clear", "Now") is
  // kept once the page's own handlers have run.
  ["input", "change", "click"].forEach(function (type) {
    form.addEventListener(type, function (event) {
      if (!event.isTrusted) return;
      window.setTimeout(function () { if (!leaving) keep(waiting); }, 0);
    });
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) leaving = false;  // back from a failed post: editing goes on
  });
  // Losing the connection while filling in says, once, that nothing typed is lost.
  var OFFLINE_NOTE = "You are offline. What you enter is kept on this device; tap Save as usual.";
  window.addEventListener("offline", function () {
    if (status && status.hidden) say(OFFLINE_NOTE);
  });
  window.addEventListener("online", function () {
    if (status && !waiting && status.textContent === OFFLINE_NOTE) status.hidden = true;
  });
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.name === "action") return;  // "Same as yesterday" without JS
    keep(true);
    if (navigator.onLine !== false) {
      leaving = true;
      return;
    }
    event.preventDefault();
    say("You are offline. Your entry is kept on this device and will be saved as soon as you are back online.");
    if (status) status.scrollIntoView({ block: "start" });  // the Save button is at the bottom
    if (waiting) return;
    waiting = true;
    window.addEventListener("online", function () {
      say("Back online: saving…");
      keep(true);
      leaving = true;
      HTMLFormElement.prototype.submit.call(form);
    }, { once: true });
  });
})();
