// The case's BPMN diagrams (bpmn-js viewer, served locally) with done / active / waiting marks.
(function () {
  var holder = document.querySelector(".diagrams[data-src]");
  if (!holder || typeof BpmnJS === "undefined") return;
  var marks = { completed: "done", active: "active", waiting: "waiting" };
  fetch(holder.dataset.src, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(function (body) {
      return Promise.all(body.diagrams.map(function (diagram) {
        var box = document.createElement("div");
        box.className = "diagram";
        box.dataset.process = diagram.process_id;
        holder.appendChild(box);
        var viewer = new BpmnJS({ container: box });
        return viewer.importXML(diagram.xml).then(function () {
          var canvas = viewer.get("canvas");
          var registry = viewer.get("elementRegistry");
          Object.keys(marks).forEach(function (state) {
            (diagram[state] || []).forEach(function (id) {
              if (registry.get(id)) canvas.addMarker(id, marks[state]);
            });
          });
          canvas.zoom("fit-viewport");
          box.dataset.ready = "true";
        });
      }));
    })
    .catch(function () {
      holder.textContent = holder.dataset.error;
    });
})();
