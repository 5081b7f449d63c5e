/* The optional map pin: Leaflet (served locally) writes the tapped point into the lat/lon
   fields. Without a tile source the map shows the shipped province outlines instead, and
   without JavaScript the two fields are typed by hand. */
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("portal-map");
    var lat = document.getElementById("f-lat"), lon = document.getElementById("f-lon");
    if (!box || !lat || !lon || typeof L === "undefined") { return; }
    var details = document.getElementById("map-pin"), map = null, marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    }
    function build() {
      if (map) { map.invalidateSize(); return; }
      box.hidden = false;
      map = L.map(box, {attributionControl: true}).setView([13.0, 101.0], 5);
      var tiles = box.getAttribute("data-tiles");
      if (tiles) {
        L.tileLayer(tiles, {maxZoom: 19, attribution: box.getAttribute("data-attribution") || ""}).addTo(map);
      }
      fetch(box.getAttribute("data-provinces"))
        .then(function (r) { return r.json(); })
        .then(function (geo) {
          L.geoJSON(geo, {
            style: {color: "#1d4f91", weight: 1, fillOpacity: tiles ? 0 : 0.08},
            attribution: "Natural Earth"
          }).addTo(map);
        })
        .catch(function () {});
      if (lat.value && lon.value) { place([parseFloat(lat.value), parseFloat(lon.value)]); }
      map.on("click", function (e) {
        place(e.latlng);
        lat.value = e.latlng.lat.toFixed(5);
        lon.value = e.latlng.lng.toFixed(5);
      });
    }
    if (details.open) { build(); }
    details.addEventListener("toggle", function () { if (details.open) { build(); } });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
