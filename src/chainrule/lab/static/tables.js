/* chainrule lab: every value in tables, layer by layer, and the formula box. Both draw the engine's items
   (value, formula with the numbers plugged in, what it is); the editable ones are inputs. */
(function () {
  "use strict";
  var CL = window.ChainruleLab = window.ChainruleLab || {};

  CL.el = function (tag, attrs, parent, text) {
    var node = document.createElement(tag);
    for (var k in attrs) { if (attrs[k] !== undefined && attrs[k] !== null) { node.setAttribute(k, attrs[k]); } }
    if (text !== undefined) { node.textContent = text; }
    if (parent) { parent.appendChild(node); }
    return node;
  };

  function phaseTitle(view, key) {
    for (var i = 0; i < view.phases.length; i++) { if (view.phases[i].key === key) { return view.phases[i].title; } }
    return key;
  }

  function mineLine(view, id, parent) {
    var mine = view.mine && view.mine.values[id], item = view.items[id];
    if (!mine) { return; }
    var text = mine.status === "missing" ? "yours: not exposed by your class" :
      "yours: " + mine.text + (mine.status === "same" ? "  \u2713 same" : "  \u2717 chainrule: " + item.text);
    CL.el("p", {"class": "mine " + mine.status}, parent, text +
      (view.mine.first_wrong === id ? "  (the first wrong value)" : ""));
  }

  /* The formula box for one value, or for an edge (its weight, gradient and new value). */
  CL.renderExplain = function (box, view, ids, pinned) {
    var title = box.querySelector("#explain-title"), body = box.querySelector("#explain-body");
    body.textContent = "";
    ids = ids.filter(function (id) { return view.items[id]; });
    if (!ids.length) { return; }
    title.textContent = view.items[ids[0]].label + (ids.length > 1 ? " (this edge)" : "");
    ids.forEach(function (id) {
      var item = view.items[id], state = CL.valueState(view, id);
      if (state === "pending") {
        CL.el("p", {"class": "chain pending"}, body, item.label + " = \u2026  (not yet: the phase \u201c" +
              phaseTitle(view, item.phase) + "\u201d computes it)");
        return;
      }
      CL.el("p", {"class": "chain", "data-line": id}, body, item.line);
      if (ids.length === 1 || id === ids[0]) { CL.el("p", {"class": "about"}, body, item.about); }
      if (item.guide) { CL.el("p", {"class": "guide"}, body, item.guide); }
      mineLine(view, id, body);
      var dataPoint = view.result.state.data && /^(x|target)\[/.test(id);   /* a data set's example: pick another point */
      if (item.editable && view.live && !dataPoint) {
        var label = CL.el("label", {}, body, "Change " + item.label + ": ");
        CL.el("input", {"data-id": id, value: item.text, inputmode: "decimal", autocomplete: "off",
                        "aria-label": "new value of " + item.label}, label);
      }
    });
    if (pinned) { CL.el("p", {"class": "pin"}, body, "Pinned. Esc, or a click on empty space, releases it."); }
  };

  function cell(row, view, id, editable) {
    var td = CL.el("td", {"data-id": id, tabindex: editable ? null : "0"}, row);
    if (editable) {
      CL.el("input", {"data-id": id, inputmode: "decimal", autocomplete: "off", "aria-label": id}, td);
    }
    return td;
  }

  function vectorTable(card, view, l, n, editableNames) {
    var names = l === 0 ? ["x"] : ["b" + l, "z" + l, "a" + l, "dL/da" + l, "da" + l + "/dz" + l, "delta" + l,
                                   "dL/db" + l, "b" + l + "_new"];
    var table = CL.el("table", {"class": "values"}, card);
    var head = CL.el("tr", {}, table);
    CL.el("th", {}, head, "");
    for (var j = 0; j < n; j++) { CL.el("th", {scope: "col"}, head, (l === 0 ? "input " : "unit ") + j); }
    names.forEach(function (name) {
      var row = CL.el("tr", {}, table);
      CL.el("th", {scope: "row"}, row, view.items[name + "[0]"] ? view.items[name + "[0]"].label.replace(/\[0\]$/, "") : name);
      for (var j = 0; j < n; j++) { cell(row, view, name + "[" + j + "]", editableNames.indexOf(name) >= 0); }
    });
  }

  function matrixTable(parent, view, name, rows, cols, editable, caption) {
    var wrap = CL.el("div", {"class": "matrix"}, parent);
    CL.el("h4", {}, wrap, caption);
    var table = CL.el("table", {"class": "values"}, wrap);
    var head = CL.el("tr", {}, table);
    CL.el("th", {}, head, "");
    for (var i = 0; i < cols; i++) { CL.el("th", {scope: "col"}, head, "from " + i); }
    for (var j = 0; j < rows; j++) {
      var row = CL.el("tr", {}, table);
      CL.el("th", {scope: "row"}, row, "to " + j);
      for (var k = 0; k < cols; k++) { cell(row, view, name + "[" + j + "," + k + "]", editable); }
    }
  }

  function build(container, view) {
    container.textContent = "";
    var st = view.result.state, sizes = st.layers, L = sizes.length - 1, live = view.live;
    var first = CL.el("div", {"class": "card"}, container);
    CL.el("h3", {}, first, "The example: input x and target");
    vectorTable(first, view, 0, sizes[0], live && !st.data ? ["x"] : []);
    var t = CL.el("table", {"class": "values"}, first), tr = CL.el("tr", {}, t);
    CL.el("th", {scope: "row"}, tr, "target");
    for (var j = 0; j < sizes[L]; j++) { cell(tr, view, "target[" + j + "]", live && !st.data); }
    for (var l = 1; l <= L; l++) {
      var card = CL.el("div", {"class": "card"}, container);
      CL.el("h3", {}, card, (l === L ? "Output layer " : "Layer ") + l + " \u00b7 " + st.activations[l - 1] +
            " \u00b7 " + sizes[l] + " unit" + (sizes[l] > 1 ? "s" : ""));
      vectorTable(card, view, l, sizes[l], live ? ["b" + l] : []);
      var mats = CL.el("div", {"class": "row"}, card);
      matrixTable(mats, view, "W" + l, sizes[l], sizes[l - 1], live, "W" + l + " (edit)");
      matrixTable(mats, view, "dL/dW" + l, sizes[l], sizes[l - 1], false, "dL/dW" + l);
      matrixTable(mats, view, "W" + l + "_new", sizes[l], sizes[l - 1], false, "new W" + l);
    }
    var last = CL.el("div", {"class": "card"}, container);
    CL.el("h3", {}, last, "The loss");
    var lt = CL.el("table", {"class": "values"}, last);
    [["loss", "loss (" + st.loss + ")"], ["new_loss", "after the update"]].forEach(function (pair) {
      var row = CL.el("tr", {}, lt);
      CL.el("th", {scope: "row"}, row, pair[1]);
      cell(row, view, pair[0], false);
    });
    var pr = CL.el("tr", {}, lt);
    CL.el("th", {scope: "row"}, pr, "new prediction");
    for (var k = 0; k < sizes[L]; k++) { cell(pr, view, "new_prediction[" + k + "]", false); }
  }

  function fill(container, view) {
    var cells = container.querySelectorAll("td[data-id]");
    for (var c = 0; c < cells.length; c++) {
      var td = cells[c], id = td.getAttribute("data-id"), item = view.items[id];
      if (!item) { continue; }
      var state = CL.valueState(view, id), input = td.querySelector("input");
      td.className = (state === "done" ? "" : state) + (view.selected === id ? " selected" : "") +
                     (view.mine && view.mine.first_wrong === id ? " first-wrong" : "");
      if (input) {
        if (document.activeElement !== input) { input.value = item.text; input.removeAttribute("aria-invalid"); }
      } else {
        td.textContent = CL.shownText(view, id);
      }
      var mine = view.mine && view.mine.values[id];
      if (mine && state !== "pending") {
        CL.el("span", {"class": "yours " + mine.status}, td,
              mine.status === "missing" ? "yours \u2013" : "yours " + mine.text + (mine.status === "same" ? " \u2713" : " \u2717"));
      }
    }
  }

  /* Rebuild only when the shape changes: an input being typed in keeps its focus and its text. */
  CL.drawTables = function (container, view) {
    var st = view.result.state;
    var key = [st.layers.join(","), st.activations.join(","), st.loss, st.data, view.live, !!view.mine].join("|");
    if (container.getAttribute("data-shape") !== key) {
      build(container, view);
      container.setAttribute("data-shape", key);
    }
    fill(container, view);
  };
})();
