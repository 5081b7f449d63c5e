/* The form builder (admin/templates/staff/designer/form.html): refresh the preview as the
   designer types (POST …/preview answers the preview alone, drawn by the server's renderer),
   and show only the settings that fit each field's type. The page works without this file. */
(function () {
  "use strict";
  var form, preview, timer = null, sent = 0;

  function builderInput(el) {
    return el && el.name && el.name.charAt(0) === "_" && el.name !== "_schema";
  }

  function showTypeSettings(item) {
    var select = item.querySelector("[data-type-select]");
    if (!select) { return; }
    Array.prototype.forEach.call(item.querySelectorAll("[data-for-types]"), function (el) {
      el.hidden = el.getAttribute("data-for-types").split(" ").indexOf(select.value) < 0;
    });
  }

  function refresh() {
    var body = new FormData(form), mine = ++sent;
    body.set("_do", "preview");
    fetch(form.getAttribute("data-preview-url"), {method: "POST", body: body, credentials: "same-origin"})
      .then(function (r) { return r.text(); })
      .then(function (html) {
        if (mine !== sent) { return; }  /* an older answer arriving late */
        preview.innerHTML = html;
        if (window.damrongForms && window.damrongForms.refresh) { window.damrongForms.refresh(preview); }
        preview.setAttribute("data-refreshed", String(mine));
      })
      .catch(function () { preview.setAttribute("data-refresh-failed", ""); });
  }

  function later(event) {
    if (!builderInput(event.target)) { return; }
    var item = event.target.closest(".fb-field");
    if (item && event.target.hasAttribute("data-type-select")) { showTypeSettings(item); }
    if (item && event.target.hasAttribute("data-label")) {
      item.querySelector(".fb-legend-label").textContent = event.target.value;
    }
    if (item && event.target.hasAttribute("data-key")) {
      item.querySelector(".fb-legend-key").textContent = event.target.value;
    }
    clearTimeout(timer);
    timer = setTimeout(refresh, 350);
  }

  function start() {
    form = document.querySelector("form.fb");
    preview = document.getElementById("fb-preview");
    if (!form || !preview || !window.fetch) { return; }
    Array.prototype.forEach.call(form.querySelectorAll(".fb-field"), showTypeSettings);
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();
