"use strict";
// Annotated article panel: turn a mouse selection into a claim, and show the claims under a
// highlight. Offsets are UTF-16 code units within #fd-article-text, whose textContent is exactly
// the article's text (the server renders nothing else inside it); the server converts them to
// code points and refuses a split surrogate pair. Everything shown is set with textContent, never
// as HTML.
(() => {
  const container = document.getElementById("fd-article-text");
  if (!container) {
    return;
  }
  // Django's JavaScript catalog (i18n/js/, loaded by the admin's base page) translates; without
  // it the page still works, in English.
  const gettext = window.gettext || ((text) => text);
  const ngettext = window.ngettext || ((one, many, count) => (count === 1 ? one : many));
  const interpolate = window.interpolate || ((format, values) => format.replace(
    /%\(\w+\)s/g, (name) => String(values[name.slice(2, -2)])));
  const claimsData = document.getElementById("fd-claims-data");
  const claims = claimsData ? JSON.parse(claimsData.textContent) : {};
  const button = document.getElementById("fd-create-claim");
  const statusLine = document.getElementById("fd-selection-status");
  const fullText = container.textContent;
  let chosen = null; // {start, end, text}: the last selection made inside the article text

  // --- Selection -> UTF-16 offsets ------------------------------------------------------------

  function offsetOf(node, offset) {
    const before = document.createRange();
    before.setStart(container, 0);
    before.setEnd(node, offset);
    return before.toString().length;
  }

  function selectionInText() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return null;
    }
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(container)) {
      return null;
    }
    const whole = document.createRange();
    whole.selectNodeContents(container);
    // A selection may start or end outside the text (a triple click, a drag past the end):
    // clip it to the text.
    let start = range.compareBoundaryPoints(Range.START_TO_START, whole) <= 0
      ? 0 : offsetOf(range.startContainer, range.startOffset);
    let end = range.compareBoundaryPoints(Range.END_TO_END, whole) >= 0
      ? fullText.length : offsetOf(range.endContainer, range.endOffset);
    // Leave out white space at either end, as a double click often picks it up.
    while (start < end && /\s/.test(fullText[start])) {
      start += 1;
    }
    while (end > start && /\s/.test(fullText[end - 1])) {
      end -= 1;
    }
    if (start >= end) {
      return null;
    }
    return { start, end, text: fullText.slice(start, end) };
  }

  function describe(text) {
    const compact = text.replace(/\s+/g, " ");
    const chars = Array.from(compact);
    return chars.length > 80 ? `${chars.slice(0, 38).join("")} … ${chars.slice(-38).join("")}` : compact;
  }

  function say(message, warning = false) {
    if (statusLine) {
      statusLine.textContent = message;
      statusLine.classList.toggle("fd-warning", warning);
    }
  }

  let pending = 0;
  document.addEventListener("selectionchange", () => {
    // Measuring a selection in a long article costs a few milliseconds: once per frame is enough.
    if (pending) {
      return;
    }
    pending = window.requestAnimationFrame(() => {
      pending = 0;
      const current = selectionInText();
      const selection = window.getSelection();
      if (current) {
        chosen = current;
        const count = Array.from(current.text).length;
        say(interpolate(
          ngettext(
            "Selected %(count)s character: “%(words)s”.",
            "Selected %(count)s characters: “%(words)s”.",
            count,
          ),
          { count: count.toLocaleString(document.documentElement.lang || undefined), words: describe(current.text) },
          true,
        ));
      } else if (selection && selection.anchorNode && container.contains(selection.anchorNode)) {
        // A click inside the text cleared the selection; focus moving to the button does not.
        chosen = null;
        say(gettext("Select words in the text below with the mouse, then press the button."));
      }
    });
  });

  if (button) {
    button.addEventListener("click", () => {
      const current = selectionInText() || chosen;
      if (!current) {
        say(gettext("Select the words of the claim in the article text first."), true);
        return;
      }
      const query = new URLSearchParams({
        article: button.dataset.article,
        start: String(current.start),
        end: String(current.end),
        text_version: button.dataset.textVersion,
      });
      window.location.assign(`${button.dataset.addUrl}?${query}`);
    });
  }

  // --- Claims under a highlight ---------------------------------------------------------------

  const popover = document.createElement("div");
  popover.className = "fd-popover";
  popover.id = "fd-popover";
  popover.setAttribute("role", "dialog");
  popover.setAttribute("aria-label", gettext("Claims at this place"));
  // The popover sits outside the admin's content: it takes the page's direction explicitly.
  popover.dir = document.documentElement.dir || "auto";
  popover.hidden = true;
  document.body.append(popover);
  let pinned = false;
  let hideTimer = 0;
  let shownFor = null;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function claimIds(mark) {
    return (mark.dataset.claims || "").split(" ").filter((id) => id in claims);
  }

  function setActive(ids, on) {
    for (const id of ids) {
      for (const mark of container.querySelectorAll(`mark[data-claims~="${CSS.escape(id)}"]`)) {
        mark.classList.toggle("fd-active", on);
      }
    }
  }

  function show(mark) {
    window.clearTimeout(hideTimer);
    if (shownFor === mark && !popover.hidden) {
      return;
    }
    if (shownFor) {
      setActive(claimIds(shownFor), false);
    }
    const ids = claimIds(mark);
    popover.replaceChildren();
    for (const id of ids) {
      const claim = claims[id];
      const entry = element("article");
      const words = element("p", "fd-pop-text", claim.text);
      words.dir = "auto"; // a claim in Arabic on an English page, or the reverse
      entry.append(words);
      const meta = element("p", "fd-pop-meta");
      meta.append(element("span", `fd-pop-status fd-status-${claim.status}`, claim.statusLabel));
      meta.append(` ${claim.kind}`);
      if (claim.speaker) {
        meta.append(` · ${interpolate(gettext("speaker: %(speaker)s"), { speaker: claim.speaker }, true)}`);
      }
      meta.append(` · ${interpolate(gettext("anchor: %(anchor)s"), { anchor: claim.anchor }, true)}`);
      entry.append(meta);
      const link = element("a", "fd-pop-link", gettext("Open claim"));
      link.href = claim.url;
      entry.append(link);
      popover.append(entry);
    }
    const box = mark.getBoundingClientRect();
    popover.hidden = false;
    const width = popover.offsetWidth;
    const pageWidth = document.documentElement.clientWidth;
    // Under the highlight's start: its left edge in a left-to-right page, its right edge in a
    // right-to-left one; kept inside the window either way.
    const rtl = popover.dir === "rtl";
    const wanted = rtl ? box.right - width : box.left;
    const left = Math.min(Math.max(8, wanted), pageWidth - width - 8);
    popover.style.left = `${Math.max(8, left) + window.scrollX}px`;
    popover.style.top = `${box.bottom + window.scrollY + 4}px`;
    shownFor = mark;
    setActive(ids, true);
  }

  function hide() {
    popover.hidden = true;
    pinned = false;
    if (shownFor) {
      setActive(claimIds(shownFor), false);
      shownFor = null;
    }
  }

  function hideSoon() {
    window.clearTimeout(hideTimer);
    if (!pinned) {
      hideTimer = window.setTimeout(hide, 300);
    }
  }

  // While the button is down the reader is selecting text, not looking up claims: a popover
  // opened by the drag would lie over the next line, and releasing on it would stretch the
  // selection to the end of the article.
  container.addEventListener("mousedown", (event) => {
    if (event.button === 0 && !popover.hidden) {
      hide();
    }
  });
  container.addEventListener("mouseover", (event) => {
    const mark = event.target.closest("mark.fd-mark");
    if (mark && !pinned && !(event.buttons & 1)) {
      show(mark);
    }
  });
  container.addEventListener("mouseout", (event) => {
    if (event.target.closest("mark.fd-mark")) {
      hideSoon();
    }
  });
  container.addEventListener("click", (event) => {
    const mark = event.target.closest("mark.fd-mark");
    const selection = window.getSelection();
    if (!mark || (selection && !selection.isCollapsed)) {
      return; // a drag to select text is not a click on a claim
    }
    pinned = false;
    show(mark);
    pinned = true;
  });
  popover.addEventListener("mouseenter", () => window.clearTimeout(hideTimer));
  popover.addEventListener("mouseleave", hideSoon);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !popover.hidden) {
      const focusWasInside = popover.contains(document.activeElement);
      hide();
      if (focusWasInside) {
        container.focus();
      }
    }
  });
  document.addEventListener("click", (event) => {
    if (pinned && !popover.contains(event.target) && !container.contains(event.target)) {
      hide();
    }
  });
})();
