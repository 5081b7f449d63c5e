// Damrong portal service worker: the shell (pages' styles, font, scripts, the start and offline
// pages) is cached so the portal opens on a weak connection. Case pages and anything that
// carries a secret are never cached: they always come from the network.
"use strict";
var VERSION = "damrong-portal-v1";
var SHELL = [
  "/portal/",
  "/portal/offline",
  "/portal/forms.css",
  "/portal/static/portal.css",
  "/portal/static/app.js",
  "/portal/static/icon.svg",
  "/portal/vendor/@fontsource/noto-sans-thai/index.css"
];
var PRIVATE = /^\/portal\/(t\/|receipt|track|line)/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(VERSION).then(function (cache) { return cache.addAll(SHELL); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n !== VERSION; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (PRIVATE.test(url.pathname)) return;  // the network only, never stored
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(function () {
        return caches.match(request).then(function (hit) {
          return hit || caches.match("/portal/offline");
        });
      })
    );
    return;
  }
  if (/^\/portal\/(static|vendor)\/|^\/portal\/forms\.css$/.test(url.pathname)) {
    event.respondWith(
      caches.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (response.ok) {
            var copy = response.clone();
            caches.open(VERSION).then(function (cache) { cache.put(request, copy); });
          }
          return response;
        });
      })
    );
  }
});
