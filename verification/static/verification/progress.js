// Live progress of a claim's machine check: polls a small JSON endpoint while the run is open.
(function () {
  "use strict";
  // Django's JavaScript catalog (i18n/js/) translates; without it the page reads in English.
  const gettext = window.gettext || function (text) { return text; };
  const interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\(\w+\)s/g, function (name) { return String(values[name.slice(2, -2)]); });
  };
  const POLL_MS = 2000;

  function start(box) {
    const url = box.dataset.url;
    const label = document.getElementById("fd-check-label");
    const elapsed = document.getElementById("fd-check-elapsed");
    const bar = document.getElementById("fd-check-bar");
    const reload = document.getElementById("fd-check-reload");
    const claimStatus = document.getElementById("fd-check-claim-status")
      || document.getElementById("fd-claim-status");
    let wasOpen = box.dataset.state === "queued" || box.dataset.state === "running";

    function show(data) {
      const run = data.run;
      box.dataset.state = run.state;
      label.textContent = run.label;
      if (elapsed) {
        elapsed.textContent = run.elapsed_seconds === undefined ? "" : interpolate(
          gettext("%(seconds)s s"),
          { seconds: Math.round(run.elapsed_seconds).toLocaleString(document.documentElement.lang || undefined) },
          true,
        );
      }
      if (bar) {
        bar.hidden = !run.open;
        bar.max = Math.max(run.sources_total || 0, 1);
        bar.value = run.sources_done || 0;
      }
      if (claimStatus) { claimStatus.textContent = data.claim_status_label; }
      // The claim page's read-only Status field says the same, not the status at page load.
      const statusField = document.querySelector(".field-status .readonly");
      if (statusField) { statusField.textContent = data.claim_status_label; }
      // The Sources table's rows follow the same poll: a fetch that fails mid-check shows it.
      (data.sources || []).forEach(function (source) {
        const cell = document.querySelector('#fd-sources tr[data-source="' + source.id + '"] .fd-source-state');
        if (cell) { cell.textContent = source.label; }
      });
      if (wasOpen && !run.open && reload) { reload.hidden = false; }
      wasOpen = wasOpen || run.open;
      return run.open;
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          // Keep polling while the run is open; a finished page stops asking.
          if (show(data)) { window.setTimeout(poll, POLL_MS); }
        })
        .catch(function () { window.setTimeout(poll, POLL_MS * 5); });
    }

    if (wasOpen) { poll(); }
    // A check started from another tab (or by re-run on this page) is picked up too.
    box.addEventListener("fd-check-started", function () { wasOpen = true; poll(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const box = document.getElementById("fd-check");
    if (box && box.dataset.url) { start(box); }
  });
})();
