// Tap-to-mark body map. Each SVG area becomes a button that drives the <select> of the same
// WPI area (the no-JavaScript input, kept in the "list" below the map): a tap cycles
// none -> mild 3 -> moderate 6 -> severe 9 -> none; + and - fine-tune 1-10.
(function () {
  "use strict";
  var root = document.querySelector("[data-bodymap]");
  if (!root) return;
  var form = root.closest("form");
  var steps = root.dataset.steps.split(",").map(Number);
  var labels = JSON.parse(root.dataset.labels);
  var panel = root.querySelector("[data-panel]");
  var announce = root.querySelector("[data-announce]");
  var counter = form.querySelector("[data-marked-count]");
  var selected = null;

  function select(code) { return form.elements["pain_" + code]; }
  function value(code) { var v = select(code).value; return v ? Number(v) : 0; }
  function areas(code) { return root.querySelectorAll('.area[data-area="' + code + '"]'); }
  function nameOf(code) { return areas(code)[0].dataset.label; }
  function describe(code) {
    var v = value(code);
    return v ? v + " of 10, " + labels[v] : "no pain";
  }

  function paint(code) {
    var v = value(code);
    Array.prototype.forEach.call(areas(code), function (area) {
      area.dataset.level = String(v);
      area.querySelector("text").textContent = v ? String(v) : "";
      area.setAttribute("aria-label", nameOf(code) + ": " + describe(code));
      area.classList.toggle("selected", code === selected);
    });
  }

  function count() {
    var marked = 0;
    Array.prototype.forEach.call(form.querySelectorAll("select[name^=pain_]"), function (s) {
      if (s.value) marked += 1;
    });
    if (counter) counter.textContent = marked + " marked";
  }

  function showPanel(code) {
    if (!panel) return;
    panel.hidden = false;
    panel.querySelector("[data-panel-name]").textContent = nameOf(code);
    panel.querySelector("[data-panel-value]").textContent = describe(code);
  }

  function setValue(code, v) {
    var previous = selected;
    selected = code;
    select(code).value = v ? String(v) : "";
    if (previous && previous !== code) paint(previous);
    paint(code);
    count();
    showPanel(code);
    if (announce) announce.textContent = nameOf(code) + ": " + describe(code);
  }

  function nextStep(v) {
    for (var i = 0; i < steps.length; i++) if (steps[i] > v) return steps[i];
    return 0;
  }

  Array.prototype.forEach.call(root.querySelectorAll("svg"), function (svg) {
    svg.removeAttribute("aria-hidden");
  });
  Array.prototype.forEach.call(root.querySelectorAll(".area"), function (area) {
    var code = area.dataset.area;
    area.setAttribute("role", "button");
    area.setAttribute("tabindex", "0");
    area.addEventListener("click", function () { setValue(code, nextStep(value(code))); });
    area.addEventListener("keydown", function (event) {
      var v = value(code);
      if (event.key === "Enter" || event.key === " ") setValue(code, nextStep(v));
      else if (event.key === "+" || event.key === "ArrowUp") setValue(code, Math.min(10, v + 1));
      else if (event.key === "-" || event.key === "ArrowDown") setValue(code, Math.max(0, v - 1));
      else if (event.key === "Delete" || event.key === "Backspace") setValue(code, 0);
      else return;
      event.preventDefault();
    });
    paint(code);
  });

  if (panel) {
    Array.prototype.forEach.call(panel.querySelectorAll("[data-step]"), function (button) {
      button.addEventListener("click", function () {
        if (!selected) return;
        var v = value(selected) + Number(button.dataset.step);
        setValue(selected, Math.max(0, Math.min(10, v)));
      });
    });
    panel.querySelector("[data-clear]").addEventListener("click", function () {
      if (selected) setValue(selected, 0);
    });
  }

  // The list stays available (exact values, screen readers); keep both in step.
  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    if (name.indexOf("pain_") === 0) { paint(name.slice(5)); count(); }
  });
  var list = form.querySelector("[data-pain-list]");
  if (list) list.open = false;

  // On a phone show one view at a time (bigger targets); wide screens show both.
  var tabs = root.querySelector(".bodymap-tabs");
  var views = root.querySelectorAll(".bodymap-view");
  function show(name) {
    Array.prototype.forEach.call(views, function (view) { view.hidden = view.dataset.view !== name; });
    Array.prototype.forEach.call(tabs.querySelectorAll("[data-show-view]"), function (tab) {
      tab.setAttribute("aria-pressed", String(tab.dataset.showView === name));
    });
  }
  if (tabs) {
    tabs.hidden = false;
    Array.prototype.forEach.call(tabs.querySelectorAll("[data-show-view]"), function (tab) {
      tab.addEventListener("click", function () { show(tab.dataset.showView); });
    });
    show("front");
  }
  root.classList.add("js-bodymap");
})();
