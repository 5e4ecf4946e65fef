// The tab bar's "More" menu is a <details>: it works without this file. This only closes it
// on a tap outside it or on Escape, as people expect from a menu.
(function () {
  "use strict";
  var menu = document.querySelector(".more-menu");
  if (!menu) return;
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !menu.open) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
})();
