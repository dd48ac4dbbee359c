// The SPARQL query page: run the editor's query against /sparql and show the answer.
// Every piece of text from a result goes in with textContent; nothing is loaded from another host.
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("sparql-config").textContent);
  const editor = document.getElementById("query");
  const form = document.getElementById("query-form");
  const statusLine = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const notice = document.getElementById("notice");
  const results = document.getElementById("results");
  const csvLink = document.getElementById("download-csv");
  const jsonLink = document.getElementById("download-json");
  const examples = new Map(config.examples.map((e) => [e.name, e]));
  const prefixes = Object.entries(config.prefixes || {});
  let running = null;

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
    const span = document.createElement("span");
    if (term.type === "bnode") {
      span.textContent = "_:" + term.value;
      return span;
    }
    if (term.type === "triple") {
      const t = term.value;
      span.append("<< ", termNode(t.subject), " ", termNode(t.predicate), " ", termNode(t.object), " >>");
      return span;
    }
    span.textContent = term.value;
    const meta = term["xml:lang"] ? "@" + term["xml:lang"] : term.datatype ? "^^" + compact(term.datatype) : "";
    if (meta) {
      const small = document.createElement("span");
      small.className = "meta";
      small.textContent = meta;
      span.append(small);
    }
    return span;
  }

  function renderTable(vars, bindings) {
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const name of vars) {
      const th = document.createElement("th");
      th.textContent = "?" + name;
      head.append(th);
    }
    const body = table.createTBody();
    for (const row of bindings) {
      const tr = body.insertRow();
      for (const name of vars) {
        const td = tr.insertCell();
        if (row[name]) td.append(termNode(row[name]));
      }
    }
    results.replaceChildren(table);
    return bindings.length;
  }

  function renderText(text, className) {
    const pre = document.createElement("pre");
    pre.className = className;
    pre.textContent = text;
    results.replaceChildren(pre);
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    statusLine.textContent = "";
  }

  async function run() {
    const query = editor.value;
    if (running) running.abort();
    running = new AbortController();
    history.replaceState(null, "", queryUrl(query));
    const graphForm = /^\s*(?:(?:PREFIX|BASE)\b[^{]*?)?(CONSTRUCT|DESCRIBE)\b/i.test(
      query.replace(/#[^\n]*/g, "")
    );
    setDownloads(query, graphForm);
    errorBox.hidden = true;
    notice.hidden = true;
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
        count = renderTable(doc.head.vars || [], doc.results.bindings || []);
      }
    } else {
      renderText(text, "graph");
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

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  editor.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      run();
    }
  });
  for (const button of document.querySelectorAll("button.example")) {
    button.addEventListener("click", () => {
      const example = examples.get(button.dataset.name);
      if (!example) return;
      editor.value = example.query;
      run();
    });
  }
  if (config.query) {
    editor.value = config.query;
    run();
  } else {
    setDownloads(editor.value, false);
  }
})();
