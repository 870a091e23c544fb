// The review page: evidence from a text selection, findings pointing at their spans, and the
// lease heartbeat that keeps the claim with this reviewer while the page is open.
(function () {
  "use strict";
  // Django's JavaScript catalog (i18n/js/) translates; without it the page reads in English.
  const gettext = window.gettext || function (text) { return text; };

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
          problem.textContent = gettext("The selection splits a character; select whole characters.");
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

  // A finding's marks show while its item is hovered (a preview) and stay shown once it is
  // chosen, until another finding is chosen, Escape is pressed or the reader clicks elsewhere.
  // Hover alone cannot hold them: scrolling to the span moves the item from under the mouse.
  function setUpFindings() {
    const items = Array.from(document.querySelectorAll(".fd-finding-item"));
    if (!items.length) { return; }
    let chosen = null;

    function findingIds(mark) { return (mark.dataset.finding || "").split(" "); }

    function show(id) {
      document.querySelectorAll("mark.fd-finding").forEach(function (mark) {
        mark.classList.toggle("fd-finding-active", id !== null && findingIds(mark).indexOf(id) >= 0);
      });
    }

    function choose(item) {
      chosen = item;
      items.forEach(function (other) {
        other.classList.toggle("fd-finding-chosen", other === item);
        if (other === item) { other.setAttribute("aria-current", "true"); } else { other.removeAttribute("aria-current"); }
      });
      show(item ? item.dataset.finding : null);
    }

    function pick(item) {
      const id = item.dataset.finding;
      choose(item);
      // Scroll to the span in a source's text, else to the one in the claim.
      const marks = Array.from(document.querySelectorAll("mark.fd-finding")).filter(function (mark) {
        return findingIds(mark).indexOf(id) >= 0;
      });
      const target = marks.find(function (mark) { return mark.closest(".fd-snapshot"); }) || marks[0];
      if (target) { target.scrollIntoView({ block: "center", behavior: "smooth" }); }
    }

    items.forEach(function (item) {
      item.addEventListener("mouseenter", function () { show(item.dataset.finding); });
      item.addEventListener("mouseleave", function () { show(chosen ? chosen.dataset.finding : null); });
      item.addEventListener("click", function () { pick(item); });
      item.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          pick(item);
        }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && chosen) { choose(null); }
    });
    document.addEventListener("click", function (event) {
      if (chosen && !event.target.closest(".fd-finding-item")) { choose(null); }
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
              // The server's wording, time zone included, as the page said it at load.
              until.textContent = data.until;
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
