// Home page autocomplete: suggestions from /api/search, built with textContent only.
// Home card and entity page: "what the article said" starts folded on phones.
"use strict";
(function () {
  if (window.matchMedia && window.matchMedia("(max-width: 40em)").matches) {
    document.querySelectorAll("details.history").forEach(function (d) { d.open = false; });
  }
})();
(function () {
  const input = document.getElementById("tool");
  const list = document.getElementById("suggest");
  const form = document.getElementById("ask");
  if (!input || !list || !form) return;
  const labelsNode = document.getElementById("type-labels");
  let typeLabels = {};
  try {
    typeLabels = labelsNode ? JSON.parse(labelsNode.textContent) : {};
  } catch (err) {
    typeLabels = {};
  }
  let active = -1;
  let timer = 0;
  let controller = null;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    active = -1;
  }

  function choose(label) {
    input.value = label;
    close();
    form.submit();
  }

  function show(hits) {
    list.replaceChildren();
    hits.forEach(function (hit, i) {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.id = "suggest-" + i;
      const name = document.createElement("span");
      name.textContent = hit.label;
      const kind = document.createElement("span");
      kind.className = "kind";
      const type = Object.prototype.hasOwnProperty.call(typeLabels, hit.type) ? typeLabels[hit.type] : hit.type;
      kind.textContent = hit.ecosystem ? type + " · " + hit.ecosystem : type;
      item.append(name, kind);
      item.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(hit.label);
      });
      list.append(item);
    });
    list.hidden = hits.length === 0;
    input.setAttribute("aria-expanded", hits.length ? "true" : "false");
    active = -1;
  }

  function highlight(step) {
    const items = list.querySelectorAll("li");
    if (!items.length) return;
    active = (active + step + items.length) % items.length;
    items.forEach(function (item, i) {
      item.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    const text = input.value.trim();
    if (!text) { close(); return; }
    timer = setTimeout(function () {
      if (controller) controller.abort();
      controller = new AbortController();
      fetch("/api/search?limit=8&q=" + encodeURIComponent(text.slice(0, 200)), { signal: controller.signal })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(show)
        .catch(function () { /* aborted or offline: keep the plain form working */ });
    }, 120);
  });

  input.addEventListener("keydown", function (event) {
    if (list.hidden) return;
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(-1); }
    else if (event.key === "Escape") { close(); }
    else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(list.querySelectorAll("li")[active].firstChild.textContent);
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
