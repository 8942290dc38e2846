/* neetmap map page: a choropleth of the 153 LAs under the filters, a gaps view, and the
   interventions of a chosen LA. Plain Leaflet (SVG), no build step, no CDN. Geometry is
   fetched once; a filter change fetches only the counts (geometry=none). */
(function () {
  "use strict";

  var TYPOLOGY = JSON.parse(document.getElementById("typology").textContent);
  var CLASSES = [
    { min: 0, max: 0, color: "#f2f2f2", label: "None" },
    { min: 1, max: 1, color: "#c7e9b4", label: "1" },
    { min: 2, max: 3, color: "#7fcdbb", label: "2–3" },
    { min: 4, max: 7, color: "#41b6c4", label: "4–7" },
    { min: 8, max: 15, color: "#2c7fb8", label: "8–15" },
    { min: 16, max: Infinity, color: "#253494", label: "16 or more" }
  ];
  var GAP = { color: "#d95f02", label: "Gap: nothing matching" };
  var COVERED = { color: "#b7c4cf", label: "Has provision" };
  var ATTRIBUTION = "Source: Office for National Statistics licensed under the Open " +
    "Government Licence v3.0. Contains OS data © Crown copyright and database right.";

  var state = { counts: {}, coverage: null, selected: null, layers: {}, names: {} };
  var statusEl = document.getElementById("status");
  var filtersForm = document.getElementById("filters");
  var gapsForm = document.getElementById("gaps");
  var findForm = document.getElementById("find");

  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.className = isError ? "status error" : "status";
  }

  /* Fetch JSON; an error answer (the API's standard shape) becomes a rejected promise
     carrying its message, shown in the status line rather than thrown to the console. */
  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) {
          var message = body && body.error ? body.error.message : "Request failed (" + r.status + ")";
          return Promise.reject(new Error(message));
        }
        return body;
      }, function () { return Promise.reject(new Error("Unreadable answer (" + r.status + ")")); });
    });
  }

  function filterParams() {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(filtersForm.elements, function (el) {
      if (el.name && el.value !== "" && el.type !== "reset") params.append(el.name, el.value);
    });
    return params;
  }

  function classOf(count) {
    for (var i = 0; i < CLASSES.length; i++) {
      if (count >= CLASSES[i].min && count <= CLASSES[i].max) return CLASSES[i];
    }
    return CLASSES[0];
  }

  function fillFor(code) {
    if (state.coverage) {
      if (!(code in state.coverage)) return "#ffffff";
      return state.coverage[code] ? COVERED.color : GAP.color;
    }
    if (!(code in state.counts)) return "#ffffff";
    return classOf(state.counts[code]).color;
  }

  function styleFor(code) {
    var selected = code === state.selected;
    return {
      fillColor: fillFor(code), fillOpacity: 0.9,
      color: selected ? "#000000" : "#4a4a4a", weight: selected ? 3 : 0.6
    };
  }

  function restyle() {
    Object.keys(state.layers).forEach(function (code) {
      state.layers[code].setStyle(styleFor(code));
    });
    if (state.selected && state.layers[state.selected]) state.layers[state.selected].bringToFront();
    renderLegend();
    renderTable();
  }

  function renderLegend() {
    var items = document.getElementById("legend-items");
    var title = document.getElementById("legend-title");
    items.innerHTML = "";
    var entries = state.coverage ? [GAP, COVERED] : CLASSES;
    title.textContent = state.coverage ? "Coverage" : "Interventions per LA";
    entries.forEach(function (entry) {
      var li = document.createElement("li");
      var sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = entry.color;
      sw.setAttribute("aria-hidden", "true");
      li.appendChild(sw);
      li.appendChild(document.createTextNode(entry.label));
      items.appendChild(li);
    });
  }

  function renderTable() {
    var body = document.getElementById("la-rows");
    var heading = document.getElementById("value-heading");
    heading.textContent = state.coverage ? "Coverage" : "Interventions";
    body.innerHTML = "";
    var codes = Object.keys(state.names).sort(function (a, b) {
      return state.names[a].name.localeCompare(state.names[b].name);
    });
    codes.forEach(function (code) {
      var listed = state.coverage ? code in state.coverage : code in state.counts;
      if (!listed) return;
      var tr = document.createElement("tr");
      tr.dataset.code = code;
      if (code === state.selected) tr.className = "selected";
      var name = document.createElement("td");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = state.names[code].name;
      button.addEventListener("click", function () { selectLA(code, true); });
      name.appendChild(button);
      var region = document.createElement("td");
      region.textContent = state.names[code].region || "";
      var value = document.createElement("td");
      value.className = "value";
      if (state.coverage) {
        value.textContent = state.coverage[code] ? "Has provision" : "Gap";
        if (!state.coverage[code]) value.classList.add("gap");
      } else {
        value.textContent = String(state.counts[code]);
      }
      tr.appendChild(name);
      tr.appendChild(region);
      tr.appendChild(value);
      body.appendChild(tr);
    });
  }

  function refresh() {
    var params = filterParams();
    var counts = new URLSearchParams(params);
    counts.set("geometry", "none");
    counts.set("context", "false");
    setStatus("Updating…");
    var work = [getJSON("/api/v1/areas?" + counts.toString())];
    var list = new URLSearchParams(params);
    list.set("limit", "1");
    work.push(getJSON("/api/v1/interventions?" + list.toString()));
    if (document.getElementById("gaps-on").checked) {
      var coverage = new URLSearchParams(params);
      ["target_group", "transition_point"].forEach(function (name) {
        coverage.set(name, document.getElementById("g-" + name).value);
      });
      work.push(getJSON("/api/v1/coverage?" + coverage.toString()));
    }
    return Promise.all(work).then(function (answers) {
      state.counts = {};
      answers[0].features.forEach(function (f) {
        state.counts[f.properties.code] = f.properties.intervention_count;
      });
      var withAny = Object.keys(state.counts).filter(function (c) { return state.counts[c] > 0; });
      if (answers[2]) {
        state.coverage = {};
        answers[2].items.forEach(function (item) { state.coverage[item.code] = item.covered; });
        setStatus(answers[2].gap_las + " of " + answers[2].total_las +
          " LAs have nothing for this target group at this transition point.");
      } else {
        state.coverage = null;
        setStatus(answers[1].total + " interventions match; " + withAny.length + " of " +
          Object.keys(state.counts).length + " LAs have at least one.");
      }
      restyle();
      if (state.selected) showInterventions(state.selected);
    }, function (error) { setStatus(error.message, true); });
  }

  function label(dimension, slug) {
    var terms = TYPOLOGY[dimension] || [];
    for (var i = 0; i < terms.length; i++) if (terms[i].slug === slug) return terms[i].label;
    return slug;
  }

  function addRow(dl, term, value) {
    if (!value) return;
    var dt = document.createElement("dt");
    dt.textContent = term;
    var dd = document.createElement("dd");
    dd.textContent = value;
    dl.appendChild(dt);
    dl.appendChild(dd);
  }

  function renderIntervention(item) {
    var li = document.createElement("li");
    var h = document.createElement("h3");
    h.textContent = item.name;
    li.appendChild(h);
    if (item.provider) {
      var p = document.createElement("p");
      p.textContent = item.provider;
      li.appendChild(p);
    }
    var dl = document.createElement("dl");
    ["target_group", "age_band", "transition_point", "intervention_type", "delivery_model",
      "funding_source", "evidence_level"].forEach(function (dimension) {
      var values = (item[dimension] || []).map(function (s) { return label(dimension, s); });
      addRow(dl, dimension.replace(/_/g, " ").replace(/^./, function (c) { return c.toUpperCase(); }),
        values.join(", "));
    });
    addRow(dl, "Status", label("status", item.status));
    li.appendChild(dl);
    var source = item.source || {};
    if (source.document || source.url || source.quote) {
      var s = document.createElement("p");
      s.className = "source";
      s.appendChild(document.createTextNode("Source: "));
      if (source.url) {
        var a = document.createElement("a");
        a.href = source.url;
        a.textContent = source.document || source.url;
        s.appendChild(a);
      } else {
        s.appendChild(document.createTextNode(source.document || ""));
      }
      if (source.quote) s.appendChild(document.createTextNode(" — “" + source.quote + "”"));
      li.appendChild(s);
    }
    return li;
  }

  function showInterventions(code) {
    var params = filterParams();
    params.delete("region");
    params.set("la", code);
    params.set("limit", "100");
    params.set("sort", "name");
    var list = document.getElementById("interventions");
    var summary = document.getElementById("details-summary");
    return getJSON("/api/v1/interventions?" + params.toString()).then(function (page) {
      list.innerHTML = "";
      page.items.forEach(function (item) { list.appendChild(renderIntervention(item)); });
      summary.textContent = page.total === 0
        ? "No interventions match the filters here."
        : page.total + (page.total === 1 ? " intervention matches" : " interventions match") +
          " the filters" + (page.total > page.items.length ? " (first " + page.items.length + " shown)." : ".");
    }, function (error) { summary.textContent = error.message; list.innerHTML = ""; });
  }

  function selectLA(code, zoom) {
    if (!state.names[code]) return;
    state.selected = code;
    document.getElementById("details-title").textContent = state.names[code].name;
    restyle();
    if (zoom && state.layers[code]) map.fitBounds(state.layers[code].getBounds(), { maxZoom: 9 });
    showInterventions(code).then(function () {
      document.getElementById("details-title").focus();
    });
  }

  /* A click on the map asks the service which LA holds the point. */
  function selectAt(latlng, fallback) {
    var q = "lat=" + latlng.lat.toFixed(5) + "&lon=" + latlng.lng.toFixed(5);
    getJSON("/api/v1/areas/at?" + q).then(function (answer) {
      selectLA(answer.la.code, false);
    }, function () { if (fallback) selectLA(fallback, false); });
  }

  var map = L.map("map", { zoomSnap: 0.25, minZoom: 5, maxZoom: 12, attributionControl: true })
    .setView([52.9, -1.6], 6);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  map.attributionControl.addAttribution(ATTRIBUTION);
  map.on("click", function () {
    setStatus("That point is not inside an English local authority.");
  });

  function loadShapes() {
    return getJSON("/api/v1/areas?level=la&geometry=simplified&context=false&precision=4")
      .then(function (collection) {
        var datalist = document.getElementById("la-names");
        var layer = L.geoJSON(collection, {
          style: function (f) { return styleFor(f.properties.code); },
          onEachFeature: function (f, shape) {
            var code = f.properties.code;
            state.layers[code] = shape;
            state.names[code] = { name: f.properties.name, region: f.properties.region_name };
            shape.bindTooltip(f.properties.name, { sticky: true });
            shape.on("click", function (e) {
              L.DomEvent.stopPropagation(e);
              selectAt(e.latlng, code);
            });
            var option = document.createElement("option");
            option.value = f.properties.name;
            datalist.appendChild(option);
          }
        }).addTo(map);
        layer.eachLayer(function (shape) {
          var el = shape.getElement();
          if (el) {
            el.classList.add("la-shape");
            el.setAttribute("data-code", shape.feature.properties.code);
          }
        });
        map.fitBounds(layer.getBounds());
      });
  }

  function loadRegions() {
    return getJSON("/api/v1/areas?level=region&geometry=none&context=false").then(function (fc) {
      var select = document.getElementById("f-region");
      fc.features.map(function (f) { return f.properties; })
        .sort(function (a, b) { return a.name.localeCompare(b.name); })
        .forEach(function (p) {
          var option = document.createElement("option");
          option.value = p.code;
          option.textContent = p.name;
          select.appendChild(option);
        });
    });
  }

  function findPlace(event) {
    event.preventDefault();
    var wanted = document.getElementById("place").value.trim().toLowerCase();
    if (!wanted) return;
    var codes = Object.keys(state.names);
    var exact = codes.filter(function (c) { return state.names[c].name.toLowerCase() === wanted; });
    var partial = codes.filter(function (c) {
      return state.names[c].name.toLowerCase().indexOf(wanted) >= 0;
    });
    var found = exact[0] || partial[0];
    if (found) selectLA(found, true);
    else setStatus("No local authority is called “" + wanted + "”.", true);
  }

  filtersForm.addEventListener("change", refresh);
  filtersForm.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
  filtersForm.addEventListener("reset", function () { window.setTimeout(refresh, 0); });
  gapsForm.addEventListener("change", refresh);
  gapsForm.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
  findForm.addEventListener("submit", findPlace);

  Promise.all([loadShapes(), loadRegions()]).then(refresh).then(function () {
    document.getElementById("map").dataset.ready = "true";
  }, function (error) { setStatus(error.message, true); });
})();
