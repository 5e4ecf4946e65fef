// Check-in enhancements. The form works without this file; it only
// - turns each 0-10 radio scale into a slider that shows the meaning of its value,
// - makes "Same as yesterday" fill the form in place instead of reloading it.
(function () {
  "use strict";
  var form = document.getElementById("checkin");
  if (!form) return;

  function anchorWord(labels, value) {
    var word = "";
    Object.keys(labels).map(Number).sort(function (a, b) { return a - b; }).forEach(function (key) {
      if (key <= value) word = labels[key];
    });
    return word;
  }

  function enhanceScale(fieldset) {
    var radios = Array.prototype.slice.call(fieldset.querySelectorAll("input[type=radio]"));
    if (!radios.length) return;
    var labels = {};
    try { labels = JSON.parse(fieldset.dataset.labels || "{}"); } catch (e) { labels = {}; }
    var values = radios.map(function (radio) { return Number(radio.value); });
    var min = Math.min.apply(null, values);
    var max = Math.max.apply(null, values);
    var legend = fieldset.querySelector("legend");

    var head = document.createElement("div");
    head.className = "slider-head";
    var output = document.createElement("output");
    output.className = "slider-value";
    output.setAttribute("aria-hidden", "true");
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "slider-clear";
    clear.textContent = "Clear";
    clear.setAttribute("aria-label", "Clear " + (legend ? legend.textContent.trim() : "rating"));
    head.appendChild(output);
    head.appendChild(clear);
    var range = document.createElement("input");
    range.type = "range";
    range.className = "slider";
    range.min = String(min);
    range.max = String(max);
    range.step = "1";
    range.setAttribute("aria-label", legend ? legend.textContent.trim() : "Rating");
    var help = fieldset.getAttribute("aria-describedby");
    if (help) range.setAttribute("aria-describedby", help);

    function current() {
      for (var i = 0; i < radios.length; i++) if (radios[i].checked) return Number(radios[i].value);
      return null;
    }
    function render() {
      var value = current();
      var unset = value === null;
      range.classList.toggle("unset", unset);
      output.classList.toggle("unset", unset);
      clear.hidden = unset;
      if (unset) {
        range.value = String(Math.round((min + max) / 2));
        output.textContent = "Not rated yet – tap the scale";
        range.setAttribute("aria-valuetext", "Not rated");
      } else {
        var word = anchorWord(labels, value);
        range.value = String(value);
        output.textContent = value + (word ? " · " + word : "");
        range.setAttribute("aria-valuetext", value + (word ? ", " + word : ""));
      }
    }
    function choose(value) {
      radios.forEach(function (radio) { radio.checked = Number(radio.value) === value; });
      render();
    }
    range.addEventListener("input", function () { choose(Number(range.value)); });
    // A tap on the track where the (hidden) thumb rests fires no "input": it still rates.
    function tapped() { if (current() === null) choose(Number(range.value)); }
    range.addEventListener("click", tapped);
    range.addEventListener("pointerup", tapped);
    range.addEventListener("change", tapped);
    clear.addEventListener("click", function () {
      radios.forEach(function (radio) { radio.checked = false; });
      render();
      range.focus();
    });
    var chips = fieldset.querySelector(".chips-scale");
    fieldset.insertBefore(head, chips);
    fieldset.insertBefore(range, chips);
    fieldset.classList.add("enhanced");
    render();
  }

  Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-scale]"), enhanceScale);

  // "Same as yesterday": copy yesterday's areas and medication into empty fields, in place.
  var carry = form.querySelector("button[data-carry]");
  var announce = form.querySelector("[data-announce]");
  if (carry) {
    carry.addEventListener("click", function (event) {
      var data;
      try { data = JSON.parse(carry.dataset.carry); } catch (e) { return; }
      event.preventDefault();
      var areas = 0, meds = 0;
      Object.keys(data.pain || {}).forEach(function (name) {
        var select = form.elements[name];
        if (select && !select.value) {
          select.value = String(data.pain[name]);
          select.dispatchEvent(new Event("change", { bubbles: true }));
          areas += 1;
        }
      });
      Object.keys(data.meds || {}).forEach(function (key) {
        var take = form.elements[key + "_take"];
        if (!take || take.checked) return;
        var dose = data.meds[key];
        take.checked = true;
        if (dose.time) form.elements[key + "_time"].value = dose.time;
        if (dose.amount) form.elements[key + "_amount"].value = dose.amount;
        if (dose.quantity) form.elements[key + "_quantity"].value = dose.quantity;
        meds += 1;
      });
      carry.textContent = "Copied from yesterday";
      carry.disabled = true;
      if (announce) {
        announce.textContent = "Copied " + areas + " body area" + (areas === 1 ? "" : "s") +
          " and " + meds + " medication" + (meds === 1 ? "" : "s") + " from yesterday. Check and save.";
      }
    });
  }
})();

// One-tap times under a time field (e.g. "Now", "1 h ago", "On waking" for a headache's start).
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-quick-times]"), function (box) {
    var input = document.getElementById(box.dataset.target);
    var wake = document.getElementById("id_final_wake");
    var choices;
    try { choices = JSON.parse(box.dataset.quickTimes); } catch (e) { return; }
    if (!input || input.disabled || !choices.length) return;
    choices.forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "quick-time";
      button.textContent = choice[0];
      button.addEventListener("click", function () {
        var value = choice[1] === "wake" ? (wake && wake.value) : choice[1];
        if (!value) { if (wake) wake.focus(); return; }
        input.value = value;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      box.appendChild(button);
    });
    box.hidden = false;
  });
})();

// Sleep: "Got out of bed" follows "Woke up for good" until the patient changes it, and
// "Use my usual times" fills the times in place (without JS it is a submit button that does
// the same on the server). Nothing is filled in unless the patient taps.
(function () {
  "use strict";
  var form = document.getElementById("checkin");
  if (!form) return;
  var bed = form.elements.bedtime, wake = form.elements.final_wake, rise = form.elements.rise_time;
  if (!wake || !rise) return;
  var follows = !rise.value || rise.value === wake.value;
  function follow() {
    if (follows) {
      rise.value = wake.value;
      rise.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
  wake.addEventListener("input", follow);
  wake.addEventListener("change", follow);
  rise.addEventListener("input", function () { follows = rise.value === wake.value || !rise.value; });
  var usual = form.querySelector("button[data-usual-sleep]");
  if (usual && bed) {
    usual.addEventListener("click", function (event) {
      event.preventDefault();
      var times = usual.dataset.usualSleep.split(" ");
      bed.value = times[0];
      wake.value = times[1];
      bed.dispatchEvent(new Event("change", { bubbles: true }));
      wake.dispatchEvent(new Event("change", { bubbles: true }));
      follow();
    });
  }
})();

// Body map: "No body pain today" and marked areas exclude each other; ticking it clears the
// marks (visibly), marking an area unticks it.
(function () {
  "use strict";
  var form = document.getElementById("checkin");
  var none = form && form.elements.no_body_pain;
  if (!none) return;
  function selects() { return form.querySelectorAll("select[name^=pain_]"); }
  function anyMarked() {
    return Array.prototype.some.call(selects(), function (s) { return !!s.value; });
  }
  none.addEventListener("change", function () {
    if (!none.checked) return;
    Array.prototype.forEach.call(selects(), function (s) {
      if (s.value) {
        s.value = "";
        s.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });
  function sync(event) {
    if (event.target === none) return;
    if (none.checked && anyMarked()) none.checked = false;
  }
  form.addEventListener("click", sync);
  form.addEventListener("change", sync);
  form.addEventListener("keydown", function (event) { setTimeout(function () { sync(event); }, 0); });
})();
