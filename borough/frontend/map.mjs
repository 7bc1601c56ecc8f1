// The map on the pages that place a report (issue 25): Leaflet, self-hosted (leaflet.js is
// loaded before this module and sets window.L). Every page works without it: the map section
// is hidden in the HTML and shown here, and the postcode and address route is always there.
//
// <div data-module="app-map" data-config="<id of a json_script>" hidden> holds:
//   [data-map-canvas]  the map; focusable, arrow keys move it, + and - zoom (Leaflet's own),
//                      Enter or Space puts the pin in the middle (the crosshair)
//   [data-map-locate]  "Use my location" (shown only where the browser can tell)
//   [data-map-form]    the form that posts the pin (hidden latitude and longitude inputs)
//   [data-map-status]  a live region that says what happened, for screen readers
// Config: tiles, attribution, centre, zoom, max_zoom, max_native_zoom, pin, markers.

const L = window.L;

function say(root, text) {
  const status = root.querySelector("[data-map-status]");
  if (status) status.textContent = text;
}

function setup(root) {
  const config = JSON.parse(document.getElementById(root.dataset.config).textContent);
  const canvas = root.querySelector("[data-map-canvas]");
  const form = root.querySelector("[data-map-form]");
  root.hidden = false;
  const map = L.map(canvas, { keyboard: true, zoomControl: true }).setView(
    config.centre,
    config.zoom,
  );
  L.tileLayer(config.tiles, {
    maxZoom: config.max_zoom,
    maxNativeZoom: config.max_native_zoom,
    attribution: config.attribution,
  }).addTo(map);
  for (const marker of config.markers || []) {
    const dot = L.circleMarker([marker.lat, marker.lon], {
      radius: 9,
      color: "#0b0c0c",
      weight: 2,
      fillColor: "#ffdd00",
      fillOpacity: 1,
    }).addTo(map);
    dot.bindTooltip(marker.label);
    if (marker.url) dot.on("click", () => window.location.assign(marker.url));
  }
  let pin = null;
  const place = (latlng, how) => {
    if (!form) return;
    if (pin) pin.setLatLng(latlng);
    else {
      pin = L.circleMarker(latlng, {
        radius: 11,
        color: "#ffffff",
        weight: 3,
        fillColor: "#d4351c",
        fillOpacity: 1,
      }).addTo(map);
    }
    form.querySelector("[name=latitude]").value = latlng.lat.toFixed(6);
    form.querySelector("[name=longitude]").value = latlng.lng.toFixed(6);
    // The pin's own form has a button to enable; the follow-an-area form has none of its own.
    const button = form.querySelector("button");
    if (button) {
      button.disabled = false;
      button.removeAttribute("aria-disabled");
    }
    say(root, root.dataset[how] || "");
  };
  if (config.pin) {
    L.circleMarker(config.pin, {
      radius: 11,
      color: "#ffffff",
      weight: 3,
      fillColor: "#d4351c",
      fillOpacity: 1,
    }).addTo(map);
  }
  if (form) {
    map.on("click", (event) => place(event.latlng, "dropped"));
    canvas.addEventListener("keydown", (event) => {
      if (event.target !== canvas) return;
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        place(map.getCenter(), "dropped");
      }
    });
  }
  const locate = root.querySelector("[data-map-locate]");
  if (locate && form && "geolocation" in navigator) {
    locate.hidden = false;
    locate.addEventListener("click", () => {
      say(root, root.dataset.finding || "");
      navigator.geolocation.getCurrentPosition(
        (position) => {
          const here = L.latLng(position.coords.latitude, position.coords.longitude);
          map.setView(here, Math.max(map.getZoom(), 17));
          place(here, "located");
        },
        () => say(root, root.dataset.notFound || ""),
        { enableHighAccuracy: true, timeout: 10000 },
      );
    });
  }
}

if (L) {
  for (const root of document.querySelectorAll('[data-module="app-map"]')) setup(root);
}
