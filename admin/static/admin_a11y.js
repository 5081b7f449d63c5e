// The administration for screen readers (issue 16, item 14): select2 draws its own link in place
// of each <select>, with no name when nothing is chosen; give it the name of the field's label.
// select2 starts from jQuery's ready handlers, which may run after this file: watch for it.
(function () {
  "use strict";
  function name(root) {
    root.querySelectorAll(".select2-container[id^='s2id_']").forEach(function (box) {
      var label = document.querySelector("label[for='" + box.id.slice(5) + "']");
      var choice = box.querySelector(".select2-choice");
      if (label && choice && !choice.getAttribute("aria-label")) {
        choice.setAttribute("aria-label", label.textContent.trim());
      }
    });
  }
  name(document);
  new MutationObserver(function () { name(document); }).observe(document.body, { childList: true, subtree: true });
})();
