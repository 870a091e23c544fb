// The review page: evidence from a text selection, findings pointing at their spans, and the
// lease heartbeat that keeps the claim with this reviewer while the page is open.
(function () {
  "use strict";

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Offsets are counted in Unicode code points on the server; the browser counts UTF-16 units.
  function codePoints(text) {
    let count = 0;
    for (const _ of text) { count += 1; } // eslint-disable-line no-unused-vars
    return count;
  }

  function isHighSurrogate(code) { return code >= 0xd800 && code <= 0xdbff; }

  function offsetIn(container, node, offset) {
    const range = document.createRange();
    range.setStart(container, 0);
    range.setEnd(node, offset);
    return range.toString();
  }

  function setUpEvidence() {
    const form = document.getElementById("fd-evidence-form");
    const problem = document.getElementById("fd-selection-error");
    if (!form) { return; }
    const preview = document.getElementById("fd-evidence-preview");

    document.addEventListener("selectionchange", function () {
      const selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return; }
      const range = selection.getRangeAt(0);
      const start = range.startContainer.nodeType === Node.ELEMENT_NODE
        ? range.startContainer : range.startContainer.parentElement;
      const container = start && start.closest(".fd-snapshot");
      if (!container || !container.contains(range.endContainer)) { return; }
      const before = offsetIn(container, range.startContainer, range.startOffset);
      const through = offsetIn(container, range.endContainer, range.endOffset);
      const full = container.textContent;
      // Refuse a boundary that splits a surrogate pair (half an emoji, say).
      for (const units of [before.length, through.length]) {
        if (units > 0 && units < full.length && isHighSurrogate(full.charCodeAt(units - 1))) {
          problem.textContent = "The selection splits a character; select whole characters.";
          problem.hidden = false;
          form.hidden = true;
          return;
        }
      }
      problem.hidden = true;
      document.getElementById("fd-evidence-snapshot").value = container.dataset.snapshot;
      document.getElementById("fd-evidence-start").value = codePoints(before);
      document.getElementById("fd-evidence-end").value = codePoints(through);
      preview.textContent = range.toString().slice(0, 300);
      form.hidden = false;
    });
  }

  function setUpFindings() {
    document.querySelectorAll(".fd-finding-item").forEach(function (item) {
      const id = item.dataset.finding;
      function marks() {
        return document.querySelectorAll("mark.fd-finding");
      }
      function toggle(on) {
        marks().forEach(function (mark) {
          const ids = (mark.dataset.finding || "").split(" ");
          mark.classList.toggle("fd-finding-active", on && ids.indexOf(id) >= 0);
        });
      }
      item.addEventListener("mouseenter", function () { toggle(true); });
      item.addEventListener("mouseleave", function () { toggle(false); });
      item.addEventListener("click", function () {
        toggle(true);
        const target = Array.from(marks()).find(function (mark) {
          return mark.closest(".fd-snapshot") && (mark.dataset.finding || "").split(" ").indexOf(id) >= 0;
        });
        if (target) { target.scrollIntoView({ block: "center", behavior: "smooth" }); }
      });
    });
  }

  function setUpHeartbeat() {
    const page = document.querySelector(".fd-review");
    const seconds = page && parseInt(page.dataset.renewSeconds || "", 10);
    if (!seconds) { return; }
    const until = document.getElementById("fd-lease-until");
    const lease = document.getElementById("fd-lease");
    function renew() {
      fetch(page.dataset.actionUrl + "renew/", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.ok) {
            if (until) {
              until.textContent = new Date(data.expires_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
            }
            window.setTimeout(renew, seconds * 1000);
          } else if (lease) {
            lease.textContent = data.message;
            lease.classList.add("fd-warning");
          }
        })
        .catch(function () { window.setTimeout(renew, 15000); });
    }
    window.setTimeout(renew, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpEvidence();
    setUpFindings();
    setUpHeartbeat();
  });
})();
