// The portal as an app on the phone: a service worker keeps the shell for poor connections,
// and "my cases" (tracking codes and the links the citizen kept) stay on this device only.
(function () {
  "use strict";
  var KEY = "damrong.myCases";
  var LIMIT = 20;

  function load() {
    try {
      var items = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (e) {
      return [];
    }
  }

  function save(items) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(items.slice(0, LIMIT)));
    } catch (e) { /* storage full or disabled: nothing is kept */ }
  }

  function keep(code, path) {
    if (!/^[A-Z0-9-]{4,20}$/.test(code) || path.indexOf("/portal/t/") !== 0) return;
    var items = load().filter(function (item) { return item.code !== code; });
    items.unshift({ code: code, path: path, at: new Date().toISOString() });
    save(items);
  }

  function forget(code) {
    save(load().filter(function (item) { return item.code !== code; }));
  }

  function render(list) {
    var items = load();
    var empty = list.getAttribute("data-empty") || "";
    var remove = list.getAttribute("data-remove") || "×";
    list.textContent = "";
    if (!items.length) {
      var none = document.createElement("li");
      none.className = "my-cases__empty";
      none.textContent = empty;
      list.appendChild(none);
      return;
    }
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.path;
      a.textContent = item.code;
      a.className = "portal-code";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "my-cases__remove";
      button.textContent = remove;
      button.setAttribute("aria-label", remove + " " + item.code);
      button.addEventListener("click", function () { forget(item.code); render(list); });
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  document.querySelectorAll("[data-keep-case]").forEach(function (el) {
    keep(el.getAttribute("data-code") || "", el.getAttribute("data-path") || "");
  });
  document.querySelectorAll("[data-my-cases]").forEach(function (list) {
    var section = list.closest("[hidden]");
    if (section) section.hidden = false;
    render(list);
  });

  if ("serviceWorker" in navigator && window.isSecureContext) {
    var sw = document.documentElement.getAttribute("data-sw");
    if (sw) navigator.serviceWorker.register(sw, { scope: "/portal/" }).catch(function () {});
  }
})();
