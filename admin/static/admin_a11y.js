// The administration for screen readers (issue 16, item 14): select2 draws its own link in place
// of each <select>, with no name when nothing is chosen; name it by the field's label and the choice shown.
// select2 starts from jQuery's ready handlers, which may run after this file: watch for it.
(function () {
  "use strict";
  function name(root) {
    root.querySelectorAll(".select2-container[id^='s2id_']").forEach(function (box) {
      var label = document.querySelector("label[for='" + box.id.slice(5) + "']");
      var choice = box.querySelector(".select2-choice");
      var chosen = box.querySelector(".select2-chosen");
      if (label && choice) {  // the visible choice stays part of the name (WCAG 2.5.3)
        var text = chosen ? chosen.textContent.trim() : "";
        var name = label.textContent.replace(/\s*\*\s*$/, "").trim() + (text ? ": " + text : "");
        if (choice.getAttribute("aria-label") !== name) choice.setAttribute("aria-label", name);
      }
    });
  }
  name(document);
  new MutationObserver(function () { name(document); }).observe(document.body, { childList: true, subtree: true });
})();
