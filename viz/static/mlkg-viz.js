/* mlkg graph view: vis-network driven from JSON data. Graph text only ever reaches the page
   through textContent or canvas drawing, never as HTML. */
(function () {
  "use strict";

  var scriptStart = performance.now();
  var data = JSON.parse(document.getElementById("mlkg-data").textContent);
  var meta = data.meta;
  var edgeMeta = {};
  data.edges.forEach(function (edge, index) { edgeMeta[edge.id] = data.edgeMeta[index]; });

  var state = {
    focus: data.initial.focus,
    depth: data.initial.depth,
    hiddenKinds: new Set(),
    ecosystems: null, // null: all shown; else a Set of shown ecosystem ids
    selected: null,
  };
  if (data.initial.kinds) {
    var shownKinds = new Set(data.initial.kinds);
    data.kinds.forEach(function (k) { if (!shownKinds.has(k.id)) state.hiddenKinds.add(k.id); });
  }
  if (data.initial.ecosystems) state.ecosystems = new Set(data.initial.ecosystems);

  // --- helpers -----------------------------------------------------------------------------
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  // "archived since 2023-10-23" (when the status began) or "listed as active on 2025-12-03"
  // (when a page showed it): an observation date is never worded as a start.
  function statusText(m) {
    var name = m.statusLabel || m.status;
    if (m.statusSince) return name + " since " + m.statusSince;
    if (m.statusObservedOn) {
      return "listed as " + name + (m.statusObservedOn.length === 10 ? " on " : " in ") + m.statusObservedOn;
    }
    return name;
  }
  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }
  function entityHref(id) {
    return data.entityBase + encodeURIComponent(id);
  }

  // --- tooltips as DOM elements (vis shows an element as is; no HTML parsing) --------------
  function nodeTooltip(id) {
    var m = meta[id];
    var box = el("div", null, "tip");
    box.appendChild(el("div", m.label, "tip-title"));
    var kind = m.kindLabel + (m.ecosystemLabel ? " · " + m.ecosystemLabel : "");
    box.appendChild(el("div", kind, "tip-kind"));
    if (m.ended) {
      box.appendChild(el("div", "Status: " + statusText(m), "tip-status"));
    }
    m.dates.forEach(function (d) { box.appendChild(el("div", d.label + ": " + dateText(d), "tip-date")); });
    if (m.definition) box.appendChild(el("div", m.definition, "tip-def"));
    return box;
  }
  // One current value per date: the later source's, with the article's beside it when it differs.
  function dateText(d) {
    return d.article ? d.value + " (the article: " + d.article + ")" : d.value;
  }
  function edgeTooltip(id) {
    var m = edgeMeta[id];
    var box = el("div", null, "tip");
    if (m.kind === "counterpart") {
      box.appendChild(el("div", m.title || "counterpart", "tip-title"));
      box.appendChild(el("div", (m.strength || "") + " match, " + (m.basis === "Stated" ? "stated by the source" : "inferred"), "tip-kind"));
      box.appendChild(el("div", m.current ? "Holds today" : "Ended" + (m.validUntil ? " " + m.validUntil : ""), "tip-status"));
      if (m.evidence) box.appendChild(el("div", m.evidence, "tip-def"));
    } else {
      box.appendChild(el("div", m.label, "tip-title"));
    }
    return box;
  }

  // --- datasets ------------------------------------------------------------------------------
  var baseColours = {};
  var nodeItems = data.nodes.map(function (n) {
    baseColours[n.id] = n.color;
    var item = Object.assign({}, n);
    if (!data.large) item.title = nodeTooltip(n.id);
    return item;
  });
  var edgeItems = data.edges.map(function (e) {
    var item = Object.assign({}, e);
    if (!data.large) item.title = edgeTooltip(e.id);
    return item;
  });
  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);

  var adjacency = {};
  Object.keys(meta).forEach(function (id) { adjacency[id] = new Set(); });
  data.edges.forEach(function (e) { adjacency[e.from].add(e.to); adjacency[e.to].add(e.from); });

  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  // vis hides its tooltip only on a later move over the canvas: leaving the canvas (to the
  // panels, off the page) or blurring a node must hide it too, or it stays on screen.
  function hideTooltip() {
    var handler = network.interactionHandler;
    if (handler && handler.popupTimer) { window.clearTimeout(handler.popupTimer); handler.popupTimer = undefined; }
    if (handler && handler.popup) handler.popup.hide();
    if (handler) handler.popupObj = undefined;
  }
  container.addEventListener("mouseleave", hideTooltip);
  container.addEventListener("pointerleave", hideTooltip);
  network.on("blurNode", hideTooltip);
  network.on("blurEdge", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);

  // Large graphs: tooltips built only when first hovered.
  if (data.large) {
    network.on("hoverNode", function (p) {
      if (!nodes.get(p.node).title) nodes.update({ id: p.node, title: nodeTooltip(p.node) });
    });
  }

  // --- visibility: kinds, ecosystems, depth around the focus ---------------------------------
  function withinDepth() {
    if (!state.focus || state.depth === null || state.depth === undefined || !meta[state.focus]) return null;
    var seen = new Set([state.focus]);
    var frontier = [state.focus];
    for (var d = 0; d < state.depth; d++) {
      var next = [];
      frontier.forEach(function (id) {
        adjacency[id].forEach(function (o) { if (!seen.has(o)) { seen.add(o); next.push(o); } });
      });
      frontier = next;
    }
    return seen;
  }
  function isShown(id, near) {
    var m = meta[id];
    if (state.hiddenKinds.has(m.kind)) return false;
    if (state.ecosystems && !state.ecosystems.has(m.ecosystem)) return false;
    if (near && !near.has(id)) return false;
    return true;
  }
  function applyVisibility() {
    var near = withinDepth();
    var changes = [];
    nodes.forEach(function (n) {
      var hidden = !isShown(n.id, near);
      if (!!n.hidden !== hidden) changes.push({ id: n.id, hidden: hidden });
    });
    if (changes.length) nodes.update(changes);
    renderLegends();
    updateStatus();
  }

  // --- neighbourhood highlight ---------------------------------------------------------------
  var RELATION = data.options.edges.color;
  var FADED = { background: "#eceff3", border: "#d6dae0" };
  function highlight(id) {
    var keep = id ? new Set(adjacency[id]) : null;
    if (keep) keep.add(id);
    labelKeep = keep;
    // Large graphs rely on vis's own selection highlight: restyling thousands of items per
    // click would make every click slow.
    if (data.large) { network.redraw(); return; }
    var updates = [];
    nodes.forEach(function (n) {
      var colour = !keep || keep.has(n.id) ? baseColours[n.id] : FADED;
      updates.push({ id: n.id, color: colour });
    });
    nodes.update(updates);
    var edgeUpdates = [];
    edges.forEach(function (e) {
      var on = !keep || e.from === id || e.to === id;
      edgeUpdates.push({ id: e.id, hidden: false, color: on ? data.edges[Number(e.id.slice(1))].color || RELATION : { color: "#eceff3" },
        font: { color: on ? "#4b5563" : "rgba(0,0,0,0)" } });
    });
    edges.update(edgeUpdates);
  }

  // --- node labels: legible on screen, the most connected first, never over one another ------
  // vis-network scales its labels with the zoom (a few pixels at fit for a few hundred nodes)
  // and draws them all, on top of each other. We draw them ourselves after each frame, in
  // screen pixels: at least data.labelMinPx tall, hubs larger; a node gets its label only when
  // it is drawn big enough to be told apart and its label fits where no other label is. The
  // selected node and its neighbours come first, so a focused view names its neighbourhood;
  // zooming in leaves room for more. window.mlkgViz.labels() lists what was drawn.
  var labelKeep = null; // set by highlight(): only these are labelled while a node is selected
  var drawnLabels = [];
  var labelWidths = new Map(); // measured text widths by node and font size
  var MIN_NODE_PX = 3.5; // a node drawn smaller than this (radius) is not labelled
  var LABEL_GAP = 3; // px kept free around each label
  var HUB_LINKS = 10; // a node with this many links or more is a hub: larger, bold label
  var labelOrder = Object.keys(meta).sort(function (a, b) {
    return adjacency[b].size - adjacency[a].size || meta[a].label.localeCompare(meta[b].label);
  });
  function labelPx(id, scale) {
    var hub = adjacency[id].size >= HUB_LINKS;
    var px = Math.min(16, Math.max(data.labelMinPx, 14 * scale));
    return hub ? px + 3 : px;
  }
  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }
  function drawLabels(ctx) {
    var scale = network.getScale();
    var ratio = (network.canvas && network.canvas.pixelRatio) || window.devicePixelRatio || 1;
    var width = container.clientWidth, height = container.clientHeight;
    var shown = new Set(drawnNodeIds());
    var order = labelOrder;
    var named = labelKeep; // the nodes labelled whatever their drawn size
    if (labelKeep) {
      var first = state.selected ? [state.selected] : [];
      order = first.concat(labelOrder.filter(function (id) { return id !== state.selected && labelKeep.has(id); }));
    } else if (state.focus && adjacency[state.focus]) {
      // A focused view names the focus and its direct neighbours (its counterparts among
      // them) before the hubs further out, however many nodes its depth shows.
      var near = adjacency[state.focus];
      named = new Set([state.focus]);
      near.forEach(function (id) { named.add(id); });
      order = [state.focus].concat(
        labelOrder.filter(function (id) { return id !== state.focus && near.has(id); }),
        labelOrder.filter(function (id) { return id !== state.focus && !near.has(id); })
      );
    }
    // Other nodes' centres are obstacles too: a label never hides where a node is. They are
    // bucketed in a grid of CELL px so a large graph is checked as quickly as a small one.
    var CELL = 40;
    var grid = new Map();
    shown.forEach(function (id) {
      var b = network.body.nodes[id];
      if (!b) return;
      var c = network.canvasToDOM({ x: b.x, y: b.y });
      if (c.x < 0 || c.x > width || c.y < 0 || c.y > height) return;
      var key = Math.floor(c.x / CELL) + "," + Math.floor(c.y / CELL);
      if (!grid.has(key)) grid.set(key, []);
      grid.get(key).push({ id: id, x: c.x, y: c.y });
    });
    function coversANode(box) {
      for (var gx = Math.floor(box.left / CELL); gx <= Math.floor(box.right / CELL); gx++) {
        for (var gy = Math.floor(box.top / CELL); gy <= Math.floor(box.bottom / CELL); gy++) {
          var cell = grid.get(gx + "," + gy) || [];
          for (var n = 0; n < cell.length; n++) {
            var c = cell[n];
            if (c.id !== box.id && c.x > box.left && c.x < box.right && c.y > box.top && c.y < box.bottom) return true;
          }
        }
      }
      return false;
    }
    var placed = [];
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    for (var i = 0; i < order.length && placed.length < 400; i++) {
      var id = order[i];
      var body = network.body.nodes[id];
      if (!body || !shown.has(id)) continue;
      var radius = (body.options.size || 10) * scale;
      if (radius < MIN_NODE_PX && !(named && named.has(id))) continue;
      var at = network.canvasToDOM({ x: body.x, y: body.y });
      if (at.x < 0 || at.x > width || at.y < 0 || at.y > height) continue;
      var px = labelPx(id, scale);
      var lines = String(body.options.label || meta[id].label).split("\n");
      ctx.font = (adjacency[id].size >= HUB_LINKS ? "600 " : "") + px + "px system-ui, sans-serif";
      var wkey = id + "@" + px;
      var w = labelWidths.get(wkey);
      if (w === undefined) {
        w = 0;
        lines.forEach(function (line) { w = Math.max(w, ctx.measureText(line).width); });
        labelWidths.set(wkey, w);
      }
      var h = lines.length * Math.round(px * 1.2);
      // Below the node, else above, right or left: the first place free of other labels and
      // of other nodes (hubs and the selected or focused neighbourhood may sit over a node: they
      // matter most).
      var important = adjacency[id].size >= HUB_LINKS || !!(named && named.has(id));
      // Below and above stay under or over the node but are slid inside the canvas, so a
      // node near the edge (on a phone, often a counterpart) still gets its name.
      var centred = Math.min(Math.max(at.x - w / 2, LABEL_GAP), width - w - LABEL_GAP);
      var spots = [
        [centred, at.y + radius + 2], [centred, at.y - radius - 2 - h],
        [at.x + radius + 4, at.y - h / 2], [at.x - radius - 4 - w, at.y - h / 2],
      ];
      var box = null;
      for (var pass = 0; pass < (important ? 2 : 1) && !box; pass++) {
        for (var k = 0; k < spots.length && !box; k++) {
          var left = spots[k][0], top = spots[k][1];
          var candidate = { id: id, text: lines.join(" "), px: px, x: left + w / 2, textTop: top,
            left: left - LABEL_GAP, right: left + w + LABEL_GAP, top: top - LABEL_GAP, bottom: top + h + LABEL_GAP };
          if (candidate.left < 0 || candidate.right > width || candidate.top < 0 || candidate.bottom > height) continue;
          if (placed.some(function (other) { return overlaps(candidate, other); })) continue;
          if (pass === 0 && coversANode(candidate)) continue;
          box = candidate;
        }
      }
      if (!box) continue;
      placed.push(box);
      lines.forEach(function (line, n) {
        var y = box.textTop + n * Math.round(px * 1.2);
        ctx.lineWidth = 4;
        ctx.strokeStyle = "rgba(255,255,255,0.92)";
        ctx.strokeText(line, box.x, y);
        ctx.fillStyle = n ? "#92400e" : "#111827";
        ctx.fillText(line, box.x, y);
      });
    }
    ctx.restore();
    drawnLabels = placed;
  }
  network.on("afterDrawing", drawLabels);

  // --- details panel -------------------------------------------------------------------------
  var details = document.getElementById("details");
  function section(title) {
    var s = el("section", null, "detail-section");
    s.appendChild(el("h3", title));
    details.appendChild(s);
    return s;
  }
  function nodeButton(id) {
    var b = el("button", meta[id] ? meta[id].label : id, "link-button");
    b.type = "button";
    b.dataset.node = id;
    b.addEventListener("click", function () { focusNode(id); });
    return b;
  }
  function showDetails(id) {
    details.textContent = "";
    if (!id || !meta[id]) {
      details.appendChild(el("p", "Click a node to see its facts, counterparts and sources.", "hint"));
      return;
    }
    var m = meta[id];
    details.dataset.node = id;
    details.appendChild(el("h2", m.label, "detail-title"));
    details.appendChild(el("div", m.kindLabel + (m.ecosystemLabel ? " · " + m.ecosystemLabel + " ecosystem" : ""), "detail-kind"));
    if (m.ended) {
      details.appendChild(el("div", "Status: " + statusText(m), "detail-status"));
    }
    if (m.definition) details.appendChild(el("p", m.definition, "detail-definition"));
    var link = el("a", "Open the entity page", "entity-link");
    link.href = entityHref(id);
    details.appendChild(link);

    var facts = section("Facts");
    var list = el("dl");
    function fact(label, value) { list.appendChild(el("dt", label)); list.appendChild(el("dd", value)); }
    if (m.altLabels.length) fact("also called", m.altLabels.join(", "));
    m.functions.forEach(function (f) { fact("function", f.label); });
    m.dates.forEach(function (d) { fact(d.label, dateText(d)); });
    m.facts.forEach(function (f) { fact(f.label, f.value); });
    facts.appendChild(list);

    var counterparts = [];
    var relations = [];
    data.edges.forEach(function (e) {
      if (e.from !== id && e.to !== id) return;
      var em = edgeMeta[e.id];
      var other = e.from === id ? e.to : e.from;
      if (em.kind === "counterpart") counterparts.push({ other: other, m: em });
      else relations.push({ other: other, out: e.from === id, label: em.label });
    });
    if (counterparts.length) {
      // What holds today first (strongest, then stated), then what held once: the answers' order.
      var strengthRank = { Exact: 0, Close: 1, Related: 2 };
      counterparts.sort(function (a, b) {
        var ka = [a.m.current ? 0 : 1, strengthRank[a.m.strength] || 3, a.m.basis === "Stated" ? 0 : 1];
        var kb = [b.m.current ? 0 : 1, strengthRank[b.m.strength] || 3, b.m.basis === "Stated" ? 0 : 1];
        for (var i = 0; i < 3; i++) { if (ka[i] !== kb[i]) return ka[i] - kb[i]; }
        return meta[a.other].label.localeCompare(meta[b.other].label);
      });
      var cs = section("Counterparts");
      var ul = el("ul", null, "counterparts");
      counterparts.forEach(function (c) {
        var li = el("li", null, c.m.current ? "current" : "ended");
        li.appendChild(nodeButton(c.other));
        li.appendChild(el("span", " " + (c.m.current ? "holds today" : "ended" + (c.m.validUntil ? " " + c.m.validUntil : "")) + "; " + (c.m.strength || "").toLowerCase() + ", " + (c.m.basis === "Stated" ? "stated" : "inferred"), "muted"));
        if (c.m.evidence) li.appendChild(el("div", c.m.evidence, "evidence"));
        ul.appendChild(li);
      });
      cs.appendChild(ul);
    }
    if (relations.length) {
      var rs = section("Relations");
      var rl = el("ul", null, "relations");
      relations.forEach(function (r) {
        var li = el("li");
        li.appendChild(el("span", r.out ? r.label + " → " : "← " + r.label + " ", "muted"));
        li.appendChild(nodeButton(r.other));
        rl.appendChild(li);
      });
      rs.appendChild(rl);
    }
    if (m.sources.length) {
      var ss = section("Sources");
      var sl = el("ul", null, "sources");
      m.sources.forEach(function (s) {
        var li = el("li");
        var url = safeUrl(s.url);
        if (url) {
          var a = el("a", s.label);
          a.href = url;
          a.rel = "noopener noreferrer";
          li.appendChild(a);
        } else {
          li.appendChild(el("span", s.label));
        }
        sl.appendChild(li);
      });
      ss.appendChild(sl);
    }
  }

  // --- focus, search ---------------------------------------------------------------------------
  var animating = false;
  function focusNode(id, opts) {
    if (!meta[id]) return;
    opts = opts || {};
    if (state.hiddenKinds.has(meta[id].kind) || (state.ecosystems && !state.ecosystems.has(meta[id].ecosystem))) {
      state.hiddenKinds.clear();
      state.ecosystems = null;
    }
    state.focus = id;
    applyVisibility();
    select(id);
    animating = true;
    document.documentElement.dataset.focused = "";
    // vis animates frame by frame, so on a large graph (slow frames) a jump is quicker
    var duration = opts.instant || data.large ? 0 : 350;
    network.moveTo({ position: network.getPositions([id])[id], scale: frameScale(id),
      animation: duration ? { duration: duration, easingFunction: "easeInOutQuad" } : false });
    // "animationFinished" is not always emitted (e.g. when the camera is already there).
    window.setTimeout(function () { if (animating && state.focus === id) onFocused(id); }, duration ? duration + 2000 : 0);
    updateUrl();
  }
  // The zoom that keeps the focused node centred with its shown neighbours (counterparts
  // included) inside the canvas: close up when they are near, further out when they are not.
  var FOCUS_MAX_SCALE = 1.3;
  var FRAME_MARGIN = 60; // px kept free at each edge for the neighbours' labels
  function frameScale(id) {
    if (data.large) return 1.0;
    var centre = network.getPositions([id])[id];
    var near = Array.from(adjacency[id]).filter(function (o) { var n = nodes.get(o); return n && !n.hidden; });
    var halfW = Math.max(40, container.clientWidth / 2 - FRAME_MARGIN);
    var halfH = Math.max(40, container.clientHeight / 2 - FRAME_MARGIN);
    var scale = FOCUS_MAX_SCALE;
    var positions = network.getPositions(near);
    near.forEach(function (o) {
      var p = positions[o];
      if (!p) return;
      var dx = Math.abs(p.x - centre.x), dy = Math.abs(p.y - centre.y);
      if (dx > 0) scale = Math.min(scale, halfW / dx);
      if (dy > 0) scale = Math.min(scale, halfH / dy);
    });
    return Math.max(scale, 0.05);
  }
  function onFocused(id) {
    animating = false;
    document.documentElement.dataset.focused = id || "";
  }
  network.on("animationFinished", function () { if (animating) onFocused(state.focus); });
  function select(id) {
    state.selected = id;
    if (id) network.selectNodes([id], false); else network.unselectAll();
    highlight(id);
    showDetails(id);
  }

  var searchBox = document.getElementById("search");
  var results = document.getElementById("search-results");
  var searchIndex = Object.keys(meta).map(function (id) {
    var m = meta[id];
    return { id: id, label: m.label.toLowerCase(), alts: m.altLabels.map(function (a) { return a.toLowerCase(); }) };
  });
  function search(text) {
    var q = text.trim().toLowerCase();
    if (!q) return [];
    var scored = [];
    searchIndex.forEach(function (entry) {
      var score = null;
      if (entry.label === q) score = 0;
      else if (entry.alts.indexOf(q) >= 0) score = 1;
      else if (entry.label.indexOf(q) === 0) score = 2;
      else if (entry.alts.some(function (a) { return a.indexOf(q) === 0; })) score = 3;
      else if (entry.label.indexOf(q) >= 0) score = 4;
      else if (entry.alts.some(function (a) { return a.indexOf(q) >= 0; })) score = 5;
      if (score !== null) scored.push({ id: entry.id, score: score, label: meta[entry.id].label });
    });
    scored.sort(function (a, b) { return a.score - b.score || a.label.localeCompare(b.label); });
    return scored.slice(0, 12);
  }
  function showResults() {
    results.textContent = "";
    search(searchBox.value).forEach(function (r) {
      var li = el("li");
      var b = el("button", r.label, "result");
      b.type = "button";
      b.dataset.node = r.id;
      b.appendChild(el("span", " " + meta[r.id].kindLabel, "muted"));
      b.addEventListener("click", function () { focusNode(r.id); });
      li.appendChild(b);
      results.appendChild(li);
    });
    if (searchBox.value.trim() && !results.children.length) results.appendChild(el("li", "No match", "muted"));
  }
  searchBox.addEventListener("input", showResults);
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var best = search(searchBox.value)[0];
      if (best) focusNode(best.id);
      ev.preventDefault();
    }
  });

  // --- clicks ----------------------------------------------------------------------------------
  network.on("click", function (p) {
    if (p.nodes.length) {
      state.focus = p.nodes[0];
      select(p.nodes[0]);
      updateUrl();
    } else if (!p.edges.length) {
      select(null);
    }
  });

  // --- legends and filters ---------------------------------------------------------------------
  var legendKinds = document.getElementById("legend-kinds");
  var legendEcos = document.getElementById("legend-ecosystems");
  function renderLegends() {
    legendKinds.textContent = "";
    var lastFamily = null;
    var familyLabels = {};
    data.families.forEach(function (f) { familyLabels[f.id] = f.label; });
    data.kinds.forEach(function (k) {
      if (k.family !== lastFamily) {
        lastFamily = k.family;
        var head = el("li", null, "legend-family");
        var fsw = el("span", null, "swatch");
        fsw.style.background = k.colour;
        head.appendChild(fsw);
        head.appendChild(el("span", familyLabels[k.family] || k.family));
        legendKinds.appendChild(head);
      }
      var li = el("li", null, "legend-kind");
      var b = el("button", null, "legend-item");
      b.type = "button";
      b.dataset.kind = k.id;
      var shown = !state.hiddenKinds.has(k.id);
      b.setAttribute("aria-pressed", shown ? "true" : "false");
      b.appendChild(el("span", k.label));
      b.appendChild(el("span", " " + k.count, "muted"));
      b.addEventListener("click", function () {
        if (state.hiddenKinds.has(k.id)) state.hiddenKinds.delete(k.id); else state.hiddenKinds.add(k.id);
        applyVisibility();
        updateUrl();
      });
      li.appendChild(b);
      legendKinds.appendChild(li);
    });
    legendEcos.textContent = "";
    data.ecosystems.forEach(function (e) {
      var li = el("li");
      var label = el("label", null, "legend-item");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.dataset.ecosystem = e.id;
      box.checked = !state.ecosystems || state.ecosystems.has(e.id);
      box.addEventListener("change", function () {
        var shown = state.ecosystems ? new Set(state.ecosystems) : new Set(data.ecosystems.map(function (x) { return x.id; }));
        if (box.checked) shown.add(e.id); else shown.delete(e.id);
        state.ecosystems = shown.size === data.ecosystems.length ? null : shown;
        applyVisibility();
        updateUrl();
      });
      label.appendChild(box);
      var sw = el("span", null, "shape shape-" + e.shape);
      sw.style.borderColor = e.colour;
      label.appendChild(sw);
      label.appendChild(el("span", e.label));
      label.appendChild(el("span", " " + e.count, "muted"));
      li.appendChild(label);
      legendEcos.appendChild(li);
    });
  }

  // --- URL state -------------------------------------------------------------------------------
  function updateUrl() {
    var params = new URLSearchParams();
    if (data.module) params.set("module", data.module); // the module view (/viz?module=tf.nn)
    if (state.focus) params.set("focus", state.focus);
    if (state.focus && state.depth !== null && state.depth !== undefined) params.set("depth", String(state.depth));
    if (state.hiddenKinds.size) {
      params.set("kinds", data.kinds.filter(function (k) { return !state.hiddenKinds.has(k.id); }).map(function (k) { return k.id; }).join(","));
    }
    if (state.ecosystems) params.set("ecosystem", Array.from(state.ecosystems).join(","));
    var query = params.toString();
    try {
      history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
    } catch (err) {
      /* a page opened from disk may refuse; the view still works */
    }
  }

  // --- controls --------------------------------------------------------------------------------
  var depthSelect = document.getElementById("depth");
  depthSelect.value = state.depth === null || state.depth === undefined ? "" : String(state.depth);
  depthSelect.addEventListener("change", function () {
    state.depth = depthSelect.value === "" ? null : Number(depthSelect.value);
    applyVisibility();
    if (state.focus) network.fit({ nodes: nodes.getIds({ filter: function (n) { return !n.hidden; } }), animation: false });
    updateUrl();
  });
  document.getElementById("fit").addEventListener("click", function () { network.fit(); });
  document.getElementById("reset").addEventListener("click", function () {
    state.hiddenKinds.clear();
    state.ecosystems = null;
    state.depth = null;
    depthSelect.value = "";
    applyVisibility();
    select(null);
    state.focus = null;
    network.fit();
    updateUrl();
  });
  document.getElementById("relayout").addEventListener("click", function () {
    document.documentElement.dataset.layout = "running";
    network.setOptions({ physics: { enabled: true, solver: "forceAtlas2Based", stabilization: { enabled: true, iterations: data.large ? 60 : 300, fit: true } } });
    network.stabilize(data.large ? 60 : 300);
  });
  network.on("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    document.documentElement.dataset.layout = "settled";
  });

  var statusLine = document.getElementById("status-line");
  function drawnNodeIds() {
    return network.body.nodeIndices.slice();
  }
  function updateStatus() {
    statusLine.textContent = drawnNodeIds().length + " of " + data.nodes.length + " nodes shown";
  }

  // --- ready: first frame after the layout has settled -----------------------------------------
  var ready = false;
  function markReady() {
    if (ready) return;
    ready = true;
    window.mlkgViz.readyMs = performance.now();
    window.mlkgViz.scriptStartMs = scriptStart;
    document.documentElement.dataset.vizReady = "true";
  }
  function start() {
    renderLegends();
    applyVisibility();
    if (state.focus && meta[state.focus]) focusNode(state.focus, { instant: true });
    network.once("afterDrawing", markReady);
    network.redraw();
  }
  window.mlkgViz = {
    network: network,
    nodes: nodes,
    edges: edges,
    state: state,
    meta: meta,
    drawnNodeIds: drawnNodeIds,
    // The node labels of the last frame: text, font size and box in px of the canvas.
    labels: function () { return drawnLabels.map(function (b) { return Object.assign({}, b); }); },
    focusNode: focusNode,
    readyMs: null,
  };
  if (data.options.physics && data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", start);
  } else {
    start();
  }
})();
