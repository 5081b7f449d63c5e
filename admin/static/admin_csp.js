// The administration's buttons and links, wired by listeners instead of onclick="" and
// javascript: links, which the Content-Security-Policy refuses (admin/templates/admin/).
document.addEventListener("click", function (event) {
  var confirming = event.target.closest("[data-confirm]");
  if (confirming) {
    if (!window.confirm(confirming.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
    return;
  }
  var action = event.target.closest("[data-model-action]");
  if (action && window.modelActions) {
    event.preventDefault();
    window.modelActions.execute(action.getAttribute("data-model-action"));
    return;
  }
  if (event.target.closest('a[href="#"]')) {
    event.preventDefault(); // menu toggles, the current tab, disabled page links
  }
});
