// Tables wider than the screen scroll in their box (.table-wrap): such a box must be reachable by
// keyboard to scroll it (WCAG 2.1.1), so it becomes a named, focusable region while it scrolls.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        var heading = box.closest("section, main").querySelector("h1, h2, caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (heading && !box.getAttribute("aria-label")) box.setAttribute("aria-label", heading.textContent.trim());
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();
