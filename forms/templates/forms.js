/* Enhancements for forms rendered by forms/render.py; every form works without them. */
(function () {
  "use strict";
  if (window.damrongForms) { return; }
  window.damrongForms = {refresh: refresh};
  document.documentElement.classList.add("js");

  function fill(select, items, lang, placeholder) {
    select.innerHTML = "";
    var first = document.createElement("option");
    first.value = ""; first.textContent = placeholder;
    select.appendChild(first);
    items.forEach(function (a) {
      var o = document.createElement("option");
      o.value = a.code; o.textContent = lang === "en" ? a.name_en : a.name_th;
      select.appendChild(o);
    });
    select.disabled = items.length === 0;
  }

  function setupArea(box) {
    var url = box.getAttribute("data-areas-url"), lang = box.getAttribute("data-lang");
    var selects = box.querySelectorAll("select[data-level]");
    Array.prototype.forEach.call(selects, function (select, i) {
      if (i === selects.length - 1) { return; }
      select.addEventListener("change", function () {
        var next = selects[i + 1], placeholder = next.options[0] ? next.options[0].textContent : "";
        for (var j = i + 2; j < selects.length; j++) {
          fill(selects[j], [], lang, selects[j].options[0] ? selects[j].options[0].textContent : "");
        }
        if (!select.value) { fill(next, [], lang, placeholder); return; }
        fetch(url + encodeURIComponent(select.value), {headers: {"Accept": "application/json"}})
          .then(function (r) { return r.ok ? r.json() : {items: []}; })
          .then(function (body) { fill(next, body.items || [], lang, placeholder); })
          .catch(function () { box.classList.add("form-area--offline"); });
      });
    });
  }

  function setupCategory(select) {
    var help = document.getElementById(select.getAttribute("data-category-help"));
    if (!help) { return; }
    var shown = document.createElement("p");
    shown.className = "form-hint form-category-help__chosen";
    shown.setAttribute("aria-live", "polite");
    help.parentNode.insertBefore(shown, help);
    function update() {
      var item = help.querySelector('[data-category="' + select.value + '"] dd');
      shown.textContent = item ? item.textContent : "";
    }
    select.addEventListener("change", update);
    update();
  }

  /* A field shown only when another has one of some values (forms/builder.py): hidden, its
     inputs are disabled, so they are not sent (the server would refuse them). */
  function valueOf(root, name) {
    var found = "";
    Array.prototype.forEach.call(root.querySelectorAll("[name]"), function (el) {
      if (el.name !== name || el.disabled) { return; }
      if (el.type === "radio") { if (el.checked) { found = el.value; } }
      else if (el.type === "checkbox") { found = el.checked ? "true" : "false"; }
      else { found = el.value; }
    });
    return found;
  }

  function toggle(wrapper, show) {
    if (!wrapper) { return; }  /* hidden by the server too: its inputs still get disabled */
    wrapper.hidden = !show;
    Array.prototype.forEach.call(wrapper.querySelectorAll("input, select, textarea"), function (el) {
      if (!show && !el.disabled) { el.disabled = true; el.setAttribute("data-hidden-by-condition", ""); }
      if (show && el.hasAttribute("data-hidden-by-condition")) {
        el.disabled = false; el.removeAttribute("data-hidden-by-condition");
      }
    });
  }

  function setupConditions(block) {
    var root = block.nextElementSibling, rules;
    if (!root || !root.classList.contains("damrong-form")) { return; }
    try { rules = JSON.parse(block.textContent); } catch (e) { return; }
    function update() {
      Object.keys(rules).forEach(function (name) {
        var show = rules[name].every(function (c) { return c.values.indexOf(valueOf(root, c.field)) >= 0; });
        toggle(root.querySelector('[data-field="' + name + '"]'), show);
      });
    }
    function settle() { for (var i = 0; i < 3; i++) { update(); } }  /* chains of conditions */
    root.addEventListener("change", settle);
    settle();
  }

  function refresh(node) {
    Array.prototype.forEach.call(node.querySelectorAll(".js-hide"), function (el) { el.hidden = true; });
    Array.prototype.forEach.call(node.querySelectorAll(".form-area"), setupArea);
    Array.prototype.forEach.call(node.querySelectorAll("select[data-category-help]"), setupCategory);
    Array.prototype.forEach.call(node.querySelectorAll("script.form-conditions"), setupConditions);
  }

  function start() {
    refresh(document);
    var summary = document.querySelector(".form-error-summary");
    if (summary) { summary.focus(); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();
