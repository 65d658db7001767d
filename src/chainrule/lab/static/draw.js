/* chainrule lab: the network as an SVG picture. It draws what the engine sent (result.items); it computes no
   number. Drawn at the size it is shown (1 SVG unit = 1 CSS pixel), so text is never scaled below 12 px:
   side by side when the window is wide enough, layer under layer when it is not (a phone). */
(function () {
  "use strict";
  var CL = window.ChainruleLab = window.ChainruleLab || {};
  var NS = "http://www.w3.org/2000/svg";
  var PHASE_COLOURS = {start: "#1a1a1a", forward: "#0072B2", loss: "#CC79A7", backward: "#D55E00",
                       update: "#009E73", result: "#0072B2"};
  var BOX_W = 96, LOSS_W = 118, ROW = 18, PAD = 5, MARGIN = 12, HEAD = 26, CHAR = 7.6;
  var MAX_LABELLED = 16;   /* edges of a layer labelled with their values; above, hover an edge (or see the tables) */
  function labelled(sizes, l) { return sizes[l] * sizes[l - 1] <= MAX_LABELLED; }

  CL.svg = function (tag, attrs, parent, text) {
    var node = document.createElementNS(NS, tag);
    for (var k in attrs) { if (attrs[k] !== undefined && attrs[k] !== null) { node.setAttribute(k, attrs[k]); } }
    if (text !== undefined) { node.textContent = text; }
    if (parent) { parent.appendChild(node); }
    return node;
  };
  CL.phaseKind = function (key) { return (key || "start").replace(/\d+$/, ""); };
  CL.phaseColour = function (key) { return PHASE_COLOURS[CL.phaseKind(key)]; };

  /* "pending" (a later phase computes it), "fresh" (this phase did), or "done". */
  CL.valueState = function (view, id) {
    var item = view.items[id];
    if (!item || view.phase === null) { return "done"; }
    var at = view.phaseIndex[item.phase];
    return at > view.phase ? "pending" : (at === view.phase ? "fresh" : "done");
  };
  CL.shownText = function (view, id) {
    var item = view.items[id];
    return !item ? "" : (CL.valueState(view, id) === "pending" ? "\u2026" : item.text);
  };
  CL.currentPhase = function (view) { return view.phase === null ? null : view.phases[view.phase].key; };

  function unitRows(view, l, j, L) {
    if (l === 0) { return [["x", "x[" + j + "]"]]; }
    return [["z", "z" + l + "[" + j + "]"], ["a", "a" + l + "[" + j + "]"], ["\u03b4", "delta" + l + "[" + j + "]"]];
  }
  function lossRows(view, n) {
    var rows = [["loss", "loss"]];
    for (var j = 0; j < n; j++) { rows.push([n > 1 ? "t[" + j + "]" : "target", "target[" + j + "]"]); }
    rows.push(["after", "new_loss"]);
    return rows;
  }

  /* Where every box goes: {horizontal, width, height, boxes: [[{x, y, w, h, rows}]] per column}. */
  function layout(view, available) {
    var sizes = view.result.state.layers, L = sizes.length - 1, columns = [];
    for (var l = 0; l <= L; l++) {
      var col = [];
      for (var j = 0; j < sizes[l]; j++) { col.push({w: BOX_W, rows: unitRows(view, l, j, L)}); }
      columns.push(col);
    }
    columns.push([{w: LOSS_W, rows: lossRows(view, sizes[L])}]);
    columns.forEach(function (col) { col.forEach(function (b) { b.h = b.rows.length * ROW + 2 * PAD; }); });
    var tallest = Math.max(230, Math.max.apply(null, columns.map(function (c) {
      return c.reduce(function (s, b) { return s + b.h; }, 0) + 22 * (c.length - 1); })));
    var n = columns.length, pitch = (available - 2 * MARGIN - LOSS_W) / (n - 1);
    var anyLabels = sizes.some(function (n, l) { return l > 0 && labelled(sizes, l); });
    var horizontal = pitch >= BOX_W + (anyLabels ? 64 : 20);
    if (horizontal) {
      pitch = Math.min(pitch, 280);
      var height = HEAD + tallest + 2 * MARGIN, width = Math.max(available, 2 * MARGIN + LOSS_W + pitch * (n - 1));
      var x0 = (width - pitch * (n - 1) - LOSS_W) / 2 + LOSS_W / 2;
      columns.forEach(function (col, c) {
        var total = col.reduce(function (s, b) { return s + b.h; }, 0);
        var gap = col.length > 1 ? Math.min(80, (tallest - total) / (col.length - 1)) : 0;
        var y = HEAD + MARGIN + (tallest - total - gap * (col.length - 1)) / 2;
        col.forEach(function (b) { b.x = x0 + c * pitch - b.w / 2; b.y = y; y += b.h + gap; });
      });
      return {horizontal: true, width: width, height: height, columns: columns};
    }
    var widest = Math.max.apply(null, columns.map(function (c) {
      return c.reduce(function (s, b) { return s + b.w; }, 0) + 14 * (c.length - 1); }));
    var bandGap = 96, width2 = Math.max(available, widest + 2 * MARGIN), y2 = MARGIN;
    columns.forEach(function (col) {
      var h = Math.max.apply(null, col.map(function (b) { return b.h; }));
      var total = col.reduce(function (s, b) { return s + b.w; }, 0);
      var gap = col.length > 1 ? Math.min(70, (width2 - 2 * MARGIN - total) / (col.length - 1)) : 0;
      var x = (width2 - total - gap * (col.length - 1)) / 2;
      col.forEach(function (b) { b.x = x; b.y = y2 + HEAD; x += b.w + gap; });
      col.head = y2 + HEAD - 8;
      y2 += HEAD + h + bandGap;
    });
    return {horizontal: false, width: width2, height: y2 - bandGap + MARGIN, columns: columns};
  }

  function heads(view) {
    var st = view.result.state, out = ["input x"];
    for (var l = 1; l < st.layers.length; l++) {
      out.push((l === st.layers.length - 1 ? "output " : "layer ") + l + " \u00b7 " + st.activations[l - 1]);
    }
    out.push("loss \u00b7 " + st.loss);
    return out;
  }

  function overlaps(a, list) {
    return list.some(function (b) { return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h; });
  }

  function valueRow(g, view, box, r, label, id) {
    var state = CL.valueState(view, id), y = box.y + PAD + r * ROW;
    var mine = view.mine && view.mine.values[id];
    var cls = "value" + (state === "pending" ? " pending" : "");
    var row = CL.svg("g", {"class": cls, "data-id": id, tabindex: "0", role: "button",
                           "aria-label": id + " = " + CL.shownText(view, id)}, g);
    var bg = "rowbg" + (state === "fresh" ? " fresh" : "") + (view.selected === id ? " selected" : "") +
             (view.mine && view.mine.first_wrong === id ? " first-wrong" : "");
    CL.svg("rect", {x: box.x + 2, y: y, width: box.w - 4, height: ROW, rx: 3, "class": bg}, row);
    var text = CL.svg("text", {x: box.x + 7, y: y + ROW - 5}, row);
    CL.svg("tspan", {fill: "#666"}, text, label + " ");
    CL.svg("tspan", {"class": state === "pending" ? "pending" : ""}, text, CL.shownText(view, id));
    if (mine && mine.status === "wrong") {
      CL.svg("text", {x: box.x + box.w + 3, y: y + ROW - 5, "class": "mark"}, row,
             view.mine.first_wrong === id ? "\u2717 first wrong" : "\u2717");
    }
  }

  /* The box a first wrong value belongs to, [column, unit], when it is not an edge's value. */
  function boxOf(id, L) {
    var m = /^(?:z|a|delta|dL\/da|da\d+\/dz|b|dL\/db)(\d+)(?:_new)?\[(\d+)\]$/.exec(id || "");
    if (m) { return [parseInt(m[1], 10), parseInt(m[2], 10)]; }
    if (/^(loss|new_loss|target\[)/.test(id || "")) { return [L + 1, 0]; }
    m = /^new_prediction\[(\d+)\]$/.exec(id || "");
    return m ? [L, parseInt(m[1], 10)] : null;
  }
  function markEdge(parent, a, b, placed) {
    var cx = a[0] + (b[0] - a[0]) * 0.5, cy = a[1] + (b[1] - a[1]) * 0.5;
    CL.svg("line", {x1: a[0], y1: a[1], x2: b[0], y2: b[1], "class": "wrongedge"}, parent);
    CL.svg("text", {x: cx, y: cy - 10, "class": "mark elabel"}, parent, "\u2717 first wrong");
    placed.push({x: cx - 50, y: cy - 24, w: 100, h: 16});
  }

  CL.drawNetwork = function (svg, view) {
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var st = view.result.state, sizes = st.layers, L = sizes.length - 1;
    var geo = layout(view, Math.max(280, svg.parentNode.clientWidth - 2));
    svg.setAttribute("width", geo.width);
    svg.setAttribute("height", geo.height);
    svg.setAttribute("viewBox", "0 0 " + geo.width + " " + geo.height);
    var key = CL.currentPhase(view), kind = CL.phaseKind(key), colour = CL.phaseColour(key);
    var activeLayer = key && /\d+$/.test(key) ? parseInt(key.match(/\d+$/)[0], 10) : null;
    var defs = CL.svg("defs", {}, svg);
    var marker = CL.svg("marker", {id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "11",
                                   markerHeight: "11", markerUnits: "userSpaceOnUse", orient: "auto-start-reverse"}, defs);
    CL.svg("path", {d: "M 0 0 L 10 5 L 0 10 z", fill: colour}, marker);
    var edges = CL.svg("g", {}, svg), labels = CL.svg("g", {}, svg), nodes = CL.svg("g", {}, svg);
    var placed = [];
    var wrong = /^(?:dL\/dW|W)(\d+)(?:_new)?(\[\d+,\d+\])$/.exec((view.mine && view.mine.first_wrong) || "");
    var wrongLayer = wrong ? parseInt(wrong[1], 10) : null, wrongEdge = wrong ? wrong[2] : null;
    geo.columns.forEach(function (col) { col.forEach(function (b) { placed.push({x: b.x - 2, y: b.y - 2, w: b.w + 4, h: b.h + 4}); }); });
    function anchor(b, out) {
      return geo.horizontal ? [out ? b.x + b.w : b.x, b.y + b.h / 2] : [b.x + b.w / 2, out ? b.y + b.h : b.y];
    }
    for (var l = 1; l <= L; l++) {
      var labelName = "W" + l, on = false;
      if (kind === "backward" && activeLayer === l) { labelName = "dL/dW" + l; on = true; }
      if (kind === "update" || kind === "result") { labelName = "W" + l + "_new"; on = kind === "update"; }
      if (kind === "forward" && activeLayer === l) { on = true; }
      for (var j = 0; j < sizes[l]; j++) {
        for (var i = 0; i < sizes[l - 1]; i++) {
          var idx = "[" + j + "," + i + "]", w = view.items["W" + l + idx].value;
          var a = anchor(geo.columns[l - 1][i], true), b = anchor(geo.columns[l][j], false);
          var attrs = {x1: a[0], y1: a[1], x2: b[0], y2: b[1], "class": "edge" + (w < 0 ? " neg" : "") + (on ? " active" : ""),
                       "stroke-width": (1 + 2.4 * Math.min(Math.abs(w), 3) / 3).toFixed(2)};
          if (on) {
            attrs.style = "stroke:" + colour;
            attrs[kind === "backward" ? "marker-start" : "marker-end"] = "url(#arrow)";
          }
          CL.svg("line", attrs, edges);
          var ids = ["W" + l + idx, "dL/dW" + l + idx, "W" + l + "_new" + idx].join(" ");
          CL.svg("line", {x1: a[0], y1: a[1], x2: b[0], y2: b[1], "class": "hit", "data-ids": ids}, edges);
          var text = CL.shownText(view, labelName + idx), width = text.length * CHAR + 6;
          if (wrongEdge === idx && wrongLayer === l) { markEdge(labels, a, b, placed); }
          if (!labelled(sizes, l)) { continue; }
          [0.5, 0.34, 0.66, 0.22, 0.78, 0.42, 0.58].some(function (t) {
            var cx = a[0] + (b[0] - a[0]) * t, cy = a[1] + (b[1] - a[1]) * t;
            var box = {x: cx - width / 2, y: cy - 9, w: width, h: 16};
            if (overlaps(box, placed)) { return false; }
            placed.push(box);
            var lab = CL.svg("text", {x: cx, y: cy + 4, "class": "elabel value" +
              (CL.valueState(view, labelName + idx) === "fresh" ? " fresh" : ""), "data-id": labelName + idx, "data-ids": ids,
              tabindex: "0", role: "button", "aria-label": labelName + idx + " = " + text}, labels, text);
            if (on) { lab.style.fill = colour; }
            return true;
          });
        }
      }
    }
    var lossBox = geo.columns[L + 1][0];
    var wrongBox = boxOf(view.mine && view.mine.first_wrong, L);
    if (wrongBox) {
      var box = geo.columns[wrongBox[0]][wrongBox[1]];
      CL.svg("rect", {x: box.x - 4, y: box.y - 4, width: box.w + 8, height: box.h + 8, rx: 10, "class": "wrongbox"}, nodes);
      CL.svg("text", {x: box.x, y: box.y - 8, "class": "mark"}, nodes, "\u2717 first wrong: " + view.items[view.mine.first_wrong].label);
    }
    geo.columns[L].forEach(function (b) {
      var a = anchor(b, true), c = anchor(lossBox, false);
      CL.svg("line", {x1: a[0], y1: a[1], x2: c[0], y2: c[1], "class": "edge neg", "stroke-width": 1}, edges);
    });
    var titles = heads(view);
    geo.columns.forEach(function (col, c) {
      var hx = geo.horizontal ? col[0].x + col[0].w / 2 : MARGIN, hy = geo.horizontal ? HEAD - 6 : col.head;
      var head = CL.svg("text", {x: hx, y: hy, "class": "colhead"}, nodes, titles[c]);
      if (!geo.horizontal) { head.style.textAnchor = "start"; }
      var active = (activeLayer === c && (kind === "forward" || kind === "backward")) ||
                   (c === L && (kind === "loss" || kind === "result")) || (c === L + 1 && (kind === "loss" || kind === "result"));
      col.forEach(function (box, j) {
        var g = CL.svg("g", {}, nodes);
        var rect = CL.svg("rect", {x: box.x, y: box.y, width: box.w, height: box.h, rx: 8,
                                   "class": "box" + (active ? " active" : "")}, g);
        if (active) { rect.style.stroke = colour; }
        box.rows.forEach(function (row, r) { valueRow(g, view, box, r, row[0], row[1]); });
      });
    });
    svg.setAttribute("data-layout", geo.horizontal ? "horizontal" : "vertical");
  };
})();
