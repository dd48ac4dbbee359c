// The SPARQL query page: an editor (highlighting, line numbers, completion, error marker, history)
// and a results table (sortable, paged, IRIs shortened). Every piece of text from a result or the
// query goes in with textContent; nothing is loaded from another host.
//
// Why our own editor rather than vendored YASGUI or CodeMirror 6: YASGUI's bundle (~1 MB) reaches
// out for prefix.cc lookups and CDN assets that would have to be found and switched off, and
// CodeMirror 6 ships as ES modules that need a bundler step we do not otherwise have; SPARQL's
// lexical grammar is small, so a textarea over a highlighted copy keeps native editing (undo,
// selection, IME, mobile keyboards, the existing tests' fill/press) with no third-party code
// to audit or keep current, and works under `script-src 'self'` unchanged.
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("sparql-config").textContent);
  const $ = (id) => document.getElementById(id);
  const editor = $("query");
  const highlight = $("highlight");
  const gutter = $("gutter");
  const completeList = $("complete");
  const form = $("query-form");
  const statusLine = $("status");
  const errorBox = $("error");
  const notice = $("notice");
  const results = $("results");
  const csvLink = $("download-csv");
  const jsonLink = $("download-json");
  const pager = $("pager");
  const examples = new Map(config.examples.map((e) => [e.name, e]));
  const prefixes = Object.entries(config.displayPrefixes || config.prefixes || {});
  const declared = Object.keys(config.prefixes || {});
  const terms = config.terms || [];
  let running = null;

  // -- the editor: a textarea over a highlighted copy of its text --------------------------------

  const KEYWORDS = (
    "BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT DESCRIBE ASK FROM NAMED WHERE GROUP BY HAVING " +
    "ORDER ASC DESC LIMIT OFFSET VALUES OPTIONAL GRAPH SERVICE SILENT BIND UNION MINUS FILTER NOT " +
    "EXISTS IN UNDEF a"
  ).split(" ");
  const FUNCTIONS = (
    "STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE " +
    "LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES " +
    "SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT " +
    "SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG " +
    "SAMPLE GROUP_CONCAT SEPARATOR"
  ).split(" ");
  const KEYWORD_SET = new Set(KEYWORDS.map((k) => k.toUpperCase()));
  const FUNCTION_SET = new Set(FUNCTIONS);
  const TOKEN = new RegExp(
    [
      /(#[^\n]*)/.source, // 1 comment
      /("""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)/.source, // 2 string
      /(<[^<>"{}|^`\\\s]*>)/.source, // 3 IRI
      /([?$][\w\u00B7-\uFFFF]+)/.source, // 4 variable
      /((?:[A-Za-z][\w.-]*)?:(?:[\w%-]|\\.|\.(?=[\w%-]))*)/.source, // 5 prefixed name
      /(@[A-Za-z]+(?:-[A-Za-z0-9]+)*)/.source, // 6 language tag
      /(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.source, // 7 number
      /([A-Za-z_]\w*)/.source, // 8 word
      /(\s+)/.source, // 9 space
      /([\s\S])/.source, // 10 anything else
    ].join("|"),
    "gy"
  );
  const GROUP_CLASS = [null, "comment", "string", "iri", "var", "pname", "lang", "number", null, null, "punct"];

  function tokens(text) {
    const out = [];
    TOKEN.lastIndex = 0;
    let match;
    while (TOKEN.lastIndex < text.length && (match = TOKEN.exec(text))) {
      let kind = null;
      for (let g = 1; g < match.length; g++) {
        if (match[g] === undefined) continue;
        kind = GROUP_CLASS[g];
        if (g === 8) {
          const upper = match[g].toUpperCase();
          if (match[g] === "a" || KEYWORD_SET.has(upper)) kind = "keyword";
          else if (FUNCTION_SET.has(upper)) kind = "function";
          else if (upper === "TRUE" || upper === "FALSE") kind = "number";
        }
        break;
      }
      out.push({ text: match[0], kind: kind, start: match.index });
    }
    return out;
  }

  let errorMark = null; // {offset, line, message}

  function offsetOf(text, line, column) {
    let offset = 0;
    for (let l = 1; l < line; l++) {
      const next = text.indexOf("\n", offset);
      if (next < 0) return text.length;
      offset = next + 1;
    }
    return Math.min(offset + Math.max(column - 1, 0), text.length);
  }

  function span(text, kind) {
    const node = document.createElement("span");
    if (kind) node.className = "tok-" + kind;
    node.textContent = text;
    return node;
  }

  function paint() {
    const text = editor.value;
    const frag = document.createDocumentFragment();
    let marked = false;
    for (const token of tokens(text)) {
      const end = token.start + token.text.length;
      if (errorMark && !marked && errorMark.offset >= token.start && errorMark.offset < end) {
        const cut = errorMark.offset - token.start;
        if (cut) frag.append(span(token.text.slice(0, cut), token.kind));
        const bad = span(token.text.slice(cut).split("\n")[0] || " ", token.kind);
        bad.classList.add("tok-error");
        bad.title = errorMark.message;
        frag.append(bad);
        const rest = token.text.slice(cut + bad.textContent.length);
        if (rest) frag.append(span(rest, token.kind));
        marked = true;
      } else {
        frag.append(span(token.text, token.kind));
      }
    }
    if (errorMark && !marked) {
      const bad = span(" ", "error");
      bad.title = errorMark.message;
      frag.append(bad);
    }
    frag.append("\n"); // the textarea shows a last empty line; so does the copy
    highlight.replaceChildren(frag);
    const lines = text.split("\n").length;
    if (gutter.childElementCount !== lines || errorMark) {
      const numbers = document.createDocumentFragment();
      for (let i = 1; i <= lines; i++) {
        const n = document.createElement("div");
        n.textContent = String(i);
        if (errorMark && errorMark.line === i) {
          n.className = "error-line";
          n.title = errorMark.message;
        }
        numbers.append(n);
      }
      gutter.replaceChildren(numbers);
    } else {
      for (const n of gutter.querySelectorAll(".error-line")) n.className = "";
    }
    fitHeight(lines);
    syncScroll();
  }

  // The box grows with the query (up to 24 lines) until the reader resizes it by hand.
  const code = $("code");
  let resizedByHand = false;
  let setHeight = 0;
  function fitHeight(lines) {
    if (resizedByHand) return;
    if (setHeight && Math.abs(code.offsetHeight - setHeight) > 2) {
      resizedByHand = true;
      return;
    }
    const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 19.5;
    const height = Math.round(Math.min(Math.max(lines + 2, 6), 24) * lineHeight + 20);
    code.style.height = height + "px";
    setHeight = code.offsetHeight;
  }

  function syncScroll() {
    highlight.scrollTop = editor.scrollTop;
    highlight.scrollLeft = editor.scrollLeft;
    gutter.scrollTop = editor.scrollTop;
  }

  function setQuery(text) {
    editor.value = text;
    errorMark = null;
    paint();
  }

  // -- completion -------------------------------------------------------------------------------

  let choices = [];
  let accepting = false;
  let chosen = 0;
  let wordStart = 0;

  function candidates(word) {
    const lower = word.toLowerCase();
    if (word.startsWith("?") || word.startsWith("$")) {
      const seen = new Set(tokens(editor.value).filter((t) => t.kind === "var").map((t) => "?" + t.text.slice(1)));
      seen.delete("?" + word.slice(1));
      return [...seen].filter((v) => v.toLowerCase().startsWith("?" + lower.slice(1))).map((v) => ({ text: v, kind: "variable" }));
    }
    if (word.includes(":")) {
      return terms
        .filter((t) => t.name.toLowerCase().startsWith(lower) && t.name !== word)
        .map((t) => ({ text: t.name, kind: t.kind, label: t.label }));
    }
    const out = declared.filter((p) => p.startsWith(lower)).map((p) => ({ text: p + ":", kind: "prefix", label: config.prefixes[p] }));
    for (const k of KEYWORDS) {
      if (k.length > 1 && k.toLowerCase().startsWith(lower) && k.toLowerCase() !== lower) out.push({ text: k, kind: "keyword" });
    }
    for (const f of FUNCTIONS) {
      if (f.toLowerCase().startsWith(lower) && f.toLowerCase() !== lower) out.push({ text: f, kind: "function" });
    }
    return out;
  }

  function wordBeforeCaret() {
    const before = editor.value.slice(0, editor.selectionStart);
    const match = /(?:[?$][\w]*|(?:[A-Za-z][\w.-]*)?:[\w-]*|[A-Za-z_][\w-]*)$/.exec(before);
    return match ? { word: match[0], start: before.length - match[0].length } : null;
  }

  function closeCompletion() {
    choices = [];
    completeList.hidden = true;
    completeList.replaceChildren();
    editor.removeAttribute("aria-activedescendant");
  }

  function openCompletion(force) {
    if (editor.selectionStart !== editor.selectionEnd) return closeCompletion();
    const found = wordBeforeCaret();
    if (!found || (!force && found.word.length < 1) || (found.word === ":")) return closeCompletion();
    choices = candidates(found.word).slice(0, 50);
    if (!choices.length) return closeCompletion();
    wordStart = found.start;
    chosen = 0;
    completeList.replaceChildren(
      ...choices.map((choice, i) => {
        const item = document.createElement("li");
        item.id = "complete-" + i;
        item.setAttribute("role", "option");
        item.append(span(choice.text, "name"));
        const kind = span(choice.label ? choice.kind + " · " + choice.label : choice.kind, "kind");
        item.append(kind);
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          chosen = i;
          accept();
        });
        return item;
      })
    );
    placeCompletion();
    completeList.hidden = false;
    mark();
  }

  function placeCompletion() {
    const before = editor.value.slice(0, wordStart);
    const line = before.split("\n").length - 1;
    const column = before.length - before.lastIndexOf("\n") - 1;
    const style = getComputedStyle(editor);
    const lineHeight = parseFloat(style.lineHeight) || 18;
    const probe = span("M".repeat(20));
    highlight.append(probe);
    const charWidth = probe.getBoundingClientRect().width / 20 || 8;
    probe.remove();
    const area = editor.getBoundingClientRect();
    const wrap = completeList.parentElement.getBoundingClientRect();
    const left = area.left - wrap.left + parseFloat(style.paddingLeft) + column * charWidth - editor.scrollLeft;
    const top = area.top - wrap.top + parseFloat(style.paddingTop) + (line + 1) * lineHeight - editor.scrollTop + 2;
    const x = Math.max(0, Math.min(left, wrap.width - 260));
    completeList.style.left = x + "px";
    completeList.style.maxWidth = Math.max(wrap.width - x, 160) + "px"; // never wider than the page
    completeList.style.top = Math.min(top, area.bottom - wrap.top) + "px";
  }

  function mark() {
    const items = completeList.children;
    for (let i = 0; i < items.length; i++) items[i].setAttribute("aria-selected", i === chosen ? "true" : "false");
    if (items[chosen]) {
      items[chosen].scrollIntoView({ block: "nearest" });
      editor.setAttribute("aria-activedescendant", items[chosen].id);
    }
  }

  function accept() {
    const choice = choices[chosen];
    if (!choice) return;
    const caret = editor.selectionStart;
    closeCompletion();
    // Through the browser's editing commands where it has them, so Ctrl-Z takes it back.
    editor.setSelectionRange(wordStart, caret);
    accepting = true;
    const inserted = document.execCommand && document.execCommand("insertText", false, choice.text);
    accepting = false;
    if (!inserted) editor.setRangeText(choice.text, wordStart, caret, "end");
    errorMark = null;
    paint();
    if (choice.kind === "prefix") openCompletion(true); // go on with the prefix's terms
  }

  // -- results ----------------------------------------------------------------------------------

  function queryUrl(query, format) {
    const params = new URLSearchParams({ query: query });
    if (format) params.set("format", format);
    return config.endpoint + "?" + params.toString();
  }

  function setDownloads(query, graphForm) {
    const [first, second] = graphForm ? ["nt", "jsonld"] : ["csv", "json"];
    csvLink.href = queryUrl(query, first);
    csvLink.download = "results." + first;
    csvLink.textContent = graphForm ? "Download N-Triples" : "Download CSV";
    jsonLink.href = queryUrl(query, second);
    jsonLink.download = "results." + (graphForm ? "jsonld" : "json");
    jsonLink.textContent = graphForm ? "Download JSON-LD" : "Download JSON";
  }

  function compact(iri) {
    for (const [name, base] of prefixes) {
      if (iri.startsWith(base) && iri.length > base.length) return name + ":" + iri.slice(base.length);
    }
    return iri;
  }

  function iriNode(iri) {
    let href = null;
    if (iri.startsWith(config.entityBase)) {
      href = config.entityPath + encodeURIComponent(iri.slice(config.entityBase.length));
    } else if (/^https?:\/\//i.test(iri)) {
      href = iri;
    }
    const node = document.createElement(href ? "a" : "span");
    if (href) {
      node.href = href;
      if (!href.startsWith("/")) node.rel = "noopener noreferrer nofollow";
    }
    node.title = iri;
    node.textContent = compact(iri);
    return node;
  }

  function termNode(term) {
    if (term.type === "uri") return iriNode(term.value);
    const node = document.createElement("span");
    if (term.type === "bnode") {
      node.textContent = "_:" + term.value;
      return node;
    }
    if (term.type === "triple") {
      const t = term.value;
      node.append("<< ", termNode(t.subject), " ", termNode(t.predicate), " ", termNode(t.object), " >>");
      return node;
    }
    node.textContent = term.value;
    const meta = term["xml:lang"] ? "@" + term["xml:lang"] : term.datatype ? "^^" + compact(term.datatype) : "";
    if (meta) {
      const small = document.createElement("span");
      small.className = "meta";
      small.textContent = meta;
      node.append(small);
    }
    return node;
  }

  const NUMERIC = /#(integer|decimal|double|float|long|int|short|byte|nonNegativeInteger|positiveInteger)$/;

  function sortKey(term) {
    if (!term) return null;
    if (term.type === "uri") return compact(term.value).toLowerCase();
    if (term.type === "literal" && term.datatype && NUMERIC.test(term.datatype)) return Number(term.value);
    return String(term.value).toLowerCase();
  }

  const table = { vars: [], rows: [], order: null, descending: false, page: 0, size: 50 };

  function compareRows(a, b) {
    const x = sortKey(a[table.order]);
    const y = sortKey(b[table.order]);
    if (x === y) return 0;
    if (x === null) return 1; // unbound last, either way
    if (y === null) return -1;
    const sign = table.descending ? -1 : 1;
    if (typeof x === "number" && typeof y === "number") return sign * (x - y);
    return sign * String(x).localeCompare(String(y), undefined, { numeric: true });
  }

  // A bar chart where it fits: a numeric column and a column to name the bars, at most 100 rows.
  let view = "table";
  const SVG = "http://www.w3.org/2000/svg";

  function chartColumns() {
    if (!table.rows.length || table.rows.length > 100) return null;
    const numeric = (name) =>
      table.rows.every((row) => !row[name] || (row[name].type === "literal" && typeof sortKey(row[name]) === "number"));
    const value = table.vars.find((name) => numeric(name) && table.rows.some((row) => row[name]));
    const label = table.vars.find((name) => name !== value && !numeric(name));
    return value && label ? { value: value, label: label } : null;
  }

  function svgNode(name, attributes, text) {
    const node = document.createElementNS(SVG, name);
    for (const [key, val] of Object.entries(attributes)) node.setAttribute(key, String(val));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function drawChart() {
    const columns = chartColumns();
    if (!columns) return;
    const rows = table.order === null ? table.original : table.rows.slice().sort(compareRows);
    const values = rows.map((row) => (row[columns.value] ? Number(row[columns.value].value) : 0));
    const max = Math.max(...values.map(Math.abs), 1);
    const labelOf = (row) => {
      const term = row[columns.label];
      return !term ? "" : term.type === "uri" ? compact(term.value) : String(term.value);
    };
    const width = Math.max(results.clientWidth, 300);
    const labelWidth = Math.min(Math.max(...rows.map((row) => labelOf(row).length), 4) * 7 + 12, width * 0.45);
    const bar = 22;
    const height = rows.length * bar + 24;
    const svg = svgNode("svg", { class: "chart", width: width, height: height, viewBox: `0 0 ${width} ${height}`, role: "img" });
    svg.append(svgNode("title", {}, "?" + columns.value + " by ?" + columns.label));
    const plot = width - labelWidth - 60;
    rows.forEach((row, i) => {
      const y = i * bar + 4;
      const length = Math.max((Math.abs(values[i]) / max) * plot, 1);
      const name = svgNode("text", { x: labelWidth - 6, y: y + 15, "text-anchor": "end", class: "bar-label" }, labelOf(row).slice(0, 60));
      const rect = svgNode("rect", { x: labelWidth, y: y + 3, width: length, height: bar - 6, class: "bar" });
      rect.append(svgNode("title", {}, labelOf(row) + ": " + values[i]));
      const number = svgNode("text", { x: labelWidth + length + 4, y: y + 15, class: "bar-value" }, String(values[i]));
      svg.append(name, rect, number);
    });
    results.replaceChildren(svg);
    pager.hidden = true;
  }

  function setView(next) {
    view = next;
    for (const name of ["table", "chart", "graph"]) $("view-" + name).setAttribute("aria-pressed", String(view === name));
    drawView();
  }

  // The views a result offers: the table always, a chart where one fits, a graph for triples.
  function drawView() {
    const chart = chartColumns();
    const graph = graphFits();
    $("view-chart").hidden = !chart;
    $("view-graph").hidden = !graph;
    $("views").hidden = !chart && !graph;
    if (view === "chart" && chart) drawChart();
    else if (view === "graph" && graph) drawGraph();
    else drawTable();
  }

  function showTable(vars, rows, triples) {
    table.vars = vars;
    table.rows = rows;
    table.original = rows.slice();
    table.order = null;
    table.descending = false;
    table.page = 0;
    table.triples = !!triples;
    drawView();
    return rows.length;
  }

  // -- the graph view of CONSTRUCT and DESCRIBE results: vis-network, as the picture uses, loaded
  // from this site (/viz/static/) the first time it is needed. Resources and blank nodes are the
  // nodes, named by their label when the result holds one; other literals are boxes.
  const GRAPH_MAX = 1000; // triples; a bigger result is only a table
  const LABELS = new Set([
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
  ]);
  let visLoading = null;

  function graphFits() {
    return table.triples && table.rows.length > 0 && table.rows.length <= GRAPH_MAX;
  }

  function loadVis() {
    if (window.vis) return Promise.resolve();
    if (!visLoading) {
      visLoading = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = $("view-graph").dataset.script;
        script.onload = () => resolve();
        script.onerror = () => reject(new Error("the graph drawing could not be loaded"));
        document.head.append(script);
      });
    }
    return visLoading;
  }

  function tip(lines) {
    const box = document.createElement("div");
    box.className = "graph-tip";
    for (const line of lines) {
      const div = document.createElement("div");
      div.textContent = line;
      box.append(div);
    }
    return box;
  }

  function graphData() {
    const key = (term) => (term.type === "bnode" ? "_:" : "") + term.value;
    const names = new Map();
    for (const row of table.original) {
      if (LABELS.has(row.predicate.value) && row.object.type === "literal" && !names.has(key(row.subject))) {
        names.set(key(row.subject), row.object.value);
      }
    }
    const nodes = new Map();
    const edges = [];
    const resource = (term) => {
      const id = key(term);
      if (!nodes.has(id)) {
        const short = term.type === "uri" ? compact(term.value) : "_:" + term.value;
        const entity = term.type === "uri" && term.value.startsWith(config.entityBase);
        nodes.set(id, {
          id: id,
          label: names.get(id) || short,
          title: tip([names.get(id) || short, term.type === "uri" ? term.value : "blank node"]),
          shape: "dot",
          size: entity ? 12 : 8,
          color: entity ? { background: "#34a58e", border: "#1f6f5f" } : { background: "#c7d2fe", border: "#6366f1" },
          href: entity ? config.entityPath + encodeURIComponent(term.value.slice(config.entityBase.length)) : null,
        });
      }
      return id;
    };
    table.original.forEach((row, i) => {
      const from = resource(row.subject);
      if (LABELS.has(row.predicate.value) && row.object.type === "literal" && names.get(from) === row.object.value) return;
      let to;
      if (row.object.type === "literal") {
        to = "literal " + i;
        const text = String(row.object.value);
        nodes.set(to, {
          id: to,
          label: text.length > 40 ? text.slice(0, 39) + "…" : text,
          title: tip([text]),
          shape: "box",
          color: { background: "#f8fafc", border: "#cbd5e1" },
          font: { size: 12, color: "#374151" },
        });
      } else {
        to = resource(row.object);
      }
      edges.push({ id: "t" + i, from: from, to: to, label: compact(row.predicate.value), title: tip([row.predicate.value]) });
    });
    return { nodes: Array.from(nodes.values()), edges: edges };
  }

  function drawGraph() {
    const box = document.createElement("div");
    box.className = "graph-view";
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", "The result's triples as a graph");
    results.replaceChildren(box);
    pager.hidden = true;
    const wanted = table.original;
    loadVis().then(
      () => {
        if (table.original !== wanted || !box.isConnected) return; // another result came meanwhile
        const data = graphData();
        box.dataset.nodes = String(data.nodes.length);
        box.dataset.edges = String(data.edges.length);
        const network = new window.vis.Network(
          box,
          { nodes: new window.vis.DataSet(data.nodes), edges: new window.vis.DataSet(data.edges) },
          {
            autoResize: true,
            nodes: { font: { size: 13, face: "system-ui, sans-serif", strokeWidth: 3, strokeColor: "#ffffff" }, borderWidth: 1.5 },
            edges: {
              arrows: { to: { enabled: true, scaleFactor: 0.5 } },
              color: { color: "#9ca3af", highlight: "#374151", hover: "#374151" },
              font: { size: 11, color: "#4b5563", strokeWidth: 3, strokeColor: "#ffffff", align: "middle" },
              scaling: { label: { drawThreshold: 9 } }, // edge labels once readable, as in the picture
              smooth: { enabled: true, type: "continuous", roundness: 0.3 },
            },
            physics: {
              solver: "forceAtlas2Based",
              forceAtlas2Based: { gravitationalConstant: -60, springLength: 120, avoidOverlap: 0.4 },
              stabilization: { enabled: true, iterations: 250, fit: true },
            },
            interaction: { hover: true, tooltipDelay: 150 },
            layout: { randomSeed: 7, improvedLayout: data.nodes.length <= 150 },
          }
        );
        network.once("stabilizationIterationsDone", () => {
          network.setOptions({ physics: { enabled: false } });
          network.fit();
          // Too small to read when fitted (a phone): zoom until names are 11 px, on the most
          // connected node; the rest is a drag away.
          if (network.getScale() * 13 < 11) {
            const degree = new Map();
            for (const e of data.edges) for (const end of [e.from, e.to]) degree.set(end, (degree.get(end) || 0) + 1);
            const hub = Array.from(degree.entries()).sort((a, b) => b[1] - a[1])[0][0];
            network.moveTo({ position: network.getPositions([hub])[hub], scale: 11 / 13 });
          }
          box.dataset.ready = "true";
        });
        // A double click (or double tap) on one of our entities opens its page.
        network.on("doubleClick", (event) => {
          const node = event.nodes.length ? data.nodes.find((n) => n.id === event.nodes[0]) : null;
          if (node && node.href) window.location.assign(node.href);
        });
        window.mlkgResultGraph = network;
      },
      (err) => showError(err.message)
    );
  }

  function drawTable() {
    const rows = table.order === null ? table.original : table.rows.slice().sort(compareRows);
    const pages = Math.max(1, Math.ceil(rows.length / table.size));
    table.page = Math.min(table.page, pages - 1);
    const first = table.page * table.size;
    const shown = rows.slice(first, first + table.size);
    const element = document.createElement("table");
    const head = element.createTHead().insertRow();
    for (const name of table.vars) {
      const th = document.createElement("th");
      th.scope = "col";
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "?" + name;
      button.title = "Sort by ?" + name;
      button.addEventListener("click", () => {
        if (table.order === name) table.descending = !table.descending;
        else {
          table.order = name;
          table.descending = false;
        }
        table.page = 0;
        drawTable();
      });
      th.append(button);
      if (table.order === name) th.setAttribute("aria-sort", table.descending ? "descending" : "ascending");
      const wide = shown.some((row) => row[name] && row[name].type === "literal" && row[name].value.length > 50);
      if (wide) th.className = "wide";
      head.append(th);
    }
    const body = element.createTBody();
    for (const row of shown) {
      const tr = body.insertRow();
      for (const name of table.vars) {
        const td = tr.insertCell();
        if (row[name]) td.append(termNode(row[name]));
      }
    }
    results.replaceChildren(element);
    pager.hidden = rows.length <= 25;
    $("page-info").textContent =
      "Rows " + (rows.length ? first + 1 : 0) + "–" + (first + shown.length) + " of " + rows.length;
    $("page-prev").disabled = table.page === 0;
    $("page-next").disabled = table.page >= pages - 1;
  }

  function ntTerm(text) {
    if (text.startsWith("<")) return { type: "uri", value: text.slice(1, -1) };
    if (text.startsWith("_:")) return { type: "bnode", value: text.slice(2) };
    const match = /^("(?:[^"\\]|\\.)*")(?:@([\w-]+)|\^\^<([^>]*)>)?$/.exec(text);
    if (!match) return null;
    let value;
    try {
      value = JSON.parse(match[1].replace(/\\U([0-9A-Fa-f]{8})/g, (_, h) => String.fromCodePoint(parseInt(h, 16))));
    } catch (err) {
      value = match[1].slice(1, -1);
    }
    const term = { type: "literal", value: value };
    if (match[2]) term["xml:lang"] = match[2];
    if (match[3]) term.datatype = match[3];
    return term;
  }

  function showTriples(text) {
    const line = /^(<[^>]*>|_:\S+)\s+(<[^>]*>)\s+(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[\w-]+|\^\^<[^>]*>)?)\s*\.\s*$/;
    const rows = [];
    for (const raw of text.split("\n")) {
      if (!raw.trim()) continue;
      const match = line.exec(raw.trim());
      const object = match && ntTerm(match[3]);
      if (!object) {
        const pre = document.createElement("pre");
        pre.className = "graph";
        pre.textContent = text;
        results.replaceChildren(pre);
        pager.hidden = true;
        return;
      }
      rows.push({ subject: ntTerm(match[1]), predicate: ntTerm(match[2]), object: object });
    }
    showTable(["subject", "predicate", "object"], rows, true);
  }

  function renderText(text, className) {
    $("views").hidden = true;
    const pre = document.createElement("pre");
    pre.className = className;
    pre.textContent = text;
    results.replaceChildren(pre);
    pager.hidden = true;
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    statusLine.textContent = "";
    const where = /line (\d+), column (\d+)/.exec(message);
    if (where) {
      const line = Number(where[1]);
      errorMark = { line: line, offset: offsetOf(editor.value, line, Number(where[2])), message: message };
      paint();
    }
  }

  // -- history ----------------------------------------------------------------------------------

  const HISTORY_KEY = "mlkg.sparql.history";

  function loadHistory() {
    try {
      const items = JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]");
      return Array.isArray(items) ? items.filter((q) => typeof q === "string") : [];
    } catch (err) {
      return [];
    }
  }

  function remember(query) {
    const items = [query, ...loadHistory().filter((q) => q !== query)].slice(0, 30);
    try {
      localStorage.setItem(HISTORY_KEY, JSON.stringify(items));
    } catch (err) {
      /* storage full or off: history is a convenience */
    }
    drawHistory();
  }

  function drawHistory() {
    const list = $("history-list");
    const items = loadHistory();
    list.replaceChildren(
      ...items.map((query) => {
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "example";
        const lines = query.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
        button.textContent = (lines.join(" ").replace(/\s+/g, " ").slice(0, 90) || query.slice(0, 90));
        button.title = query;
        button.addEventListener("click", () => {
          setQuery(query);
          run();
        });
        li.append(button);
        return li;
      })
    );
    $("history-clear").hidden = items.length === 0;
    $("history").classList.toggle("empty", items.length === 0);
  }

  // -- running ----------------------------------------------------------------------------------

  async function run() {
    const query = editor.value;
    closeCompletion();
    if (running) running.abort();
    running = new AbortController();
    history.replaceState(null, "", queryUrl(query));
    remember(query);
    const graphForm = /^\s*(?:(?:PREFIX|BASE)\b[^{]*?)?(CONSTRUCT|DESCRIBE)\b/i.test(query.replace(/#[^\n]*/g, ""));
    setDownloads(query, graphForm);
    errorBox.hidden = true;
    notice.hidden = true;
    pager.hidden = true;
    errorMark = null;
    paint();
    $("views").hidden = true;
    results.replaceChildren();
    statusLine.textContent = "Running…";
    const started = performance.now();
    let response;
    try {
      response = await fetch(config.endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/sparql-results+json, application/n-triples;q=0.9",
        },
        body: new URLSearchParams({ query: query }),
        signal: running.signal,
      });
    } catch (err) {
      if (err.name !== "AbortError") showError("The server could not be reached: " + err.message);
      return;
    }
    const text = await response.text();
    if (!response.ok) {
      showError(response.status + " " + response.statusText + ": " + text);
      return;
    }
    const type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
    let count;
    if (type === "application/sparql-results+json") {
      const doc = JSON.parse(text);
      if (typeof doc.boolean === "boolean") {
        renderText(doc.boolean ? "true" : "false", "boolean");
        count = 1;
      } else {
        count = showTable(doc.head.vars || [], doc.results.bindings || []);
      }
    } else {
      showTriples(text);
      count = text.split("\n").filter((line) => line.trim()).length;
    }
    const ms = Math.round(performance.now() - started);
    statusLine.textContent = count + (graphForm ? " triples" : count === 1 ? " row" : " rows") + " in " + ms + " ms";
    if (response.headers.get(config.truncatedHeader)) {
      notice.textContent =
        "Only the first " + config.rowLimit + " results are shown (the row limit); add LIMIT/OFFSET to page.";
      notice.hidden = false;
    }
  }

  // -- wiring -----------------------------------------------------------------------------------

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  editor.addEventListener("keydown", (event) => {
    const open = !completeList.hidden && choices.length > 0;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      run();
    } else if (event.ctrlKey && (event.key === " " || event.code === "Space")) {
      event.preventDefault();
      openCompletion(true);
    } else if (open && (event.key === "Tab" || event.key === "Enter")) {
      event.preventDefault();
      accept();
    } else if (open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      chosen = (chosen + (event.key === "ArrowDown" ? 1 : -1) + choices.length) % choices.length;
      mark();
    } else if (open && event.key === "Escape") {
      event.preventDefault();
      closeCompletion();
    }
  });
  editor.addEventListener("input", (event) => {
    errorMark = null;
    paint();
    if (accepting) return;
    const typed = event.inputType === "insertText" && event.data && /[\w:?$]$/.test(event.data);
    if (typed) openCompletion(false);
    else closeCompletion();
  });
  editor.addEventListener("scroll", syncScroll);
  editor.addEventListener("blur", () => setTimeout(closeCompletion, 150));
  editor.addEventListener("click", closeCompletion);
  new ResizeObserver(syncScroll).observe(editor);

  $("view-table").addEventListener("click", () => setView("table"));
  $("view-chart").addEventListener("click", () => setView("chart"));
  $("view-graph").addEventListener("click", () => setView("graph"));
  $("page-prev").addEventListener("click", () => {
    table.page -= 1;
    drawTable();
  });
  $("page-next").addEventListener("click", () => {
    table.page += 1;
    drawTable();
  });
  $("page-size").addEventListener("change", (event) => {
    table.size = Number(event.target.value) || 50;
    table.page = 0;
    drawTable();
  });
  $("history-clear").addEventListener("click", () => {
    try {
      localStorage.removeItem(HISTORY_KEY);
    } catch (err) {
      /* nothing to clear */
    }
    drawHistory();
  });
  for (const button of document.querySelectorAll("button.example[data-name]")) {
    button.addEventListener("click", () => {
      const example = examples.get(button.dataset.name);
      if (!example) return;
      setQuery(example.query);
      run();
    });
  }
  drawHistory();
  if (config.query) {
    setQuery(config.query);
    run();
  } else {
    paint();
    setDownloads(editor.value, false);
  }
})();
