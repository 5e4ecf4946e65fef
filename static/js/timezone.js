// Pre-select the browser's time zone in any <select data-detect-timezone>, so diary days land
// on the right date from the first check-in (the most reported bug of other diaries).
(function () {
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  document.querySelectorAll("select[data-detect-timezone]").forEach(function (select) {
    if (select.dataset.userChanged) return;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === zone) { select.value = zone; break; }
    }
  });
})();
