/* chainrule lab: the loss curve, and the data set's picture (the network's output over the plane with its
   0.5 contour, or the fitted curve). The engine sent every value; this file only places them. */
(function () {
  "use strict";
  var CL = window.ChainruleLab = window.ChainruleLab || {};
  var LEFT = 46, RIGHT = 10, TOP = 10, BOTTOM = 30;
  var ONE = [0, 114, 178], ZERO = [230, 159, 0];   /* Okabe-Ito blue (class 1) and orange (class 0) */

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function tick(v) { return Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(1) : String(+v.toPrecision(3)); }

  function frame(svg, width, height) {
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    return {x0: LEFT, x1: width - RIGHT, y0: TOP, y1: height - BOTTOM};
  }

  function axes(svg, box, xr, yr, xname, yname) {
    CL.svg("line", {x1: box.x0, y1: box.y1, x2: box.x1, y2: box.y1, "class": "axis"}, svg);
    CL.svg("line", {x1: box.x0, y1: box.y0, x2: box.x0, y2: box.y1, "class": "axis"}, svg);
    CL.svg("text", {x: box.x0, y: box.y1 + 16}, svg, xr[0]);
    var right = CL.svg("text", {x: box.x1, y: box.y1 + 16}, svg, xr[1]);
    right.style.textAnchor = "end";
    var mid = CL.svg("text", {x: (box.x0 + box.x1) / 2, y: box.y1 + 26}, svg, xname);
    mid.style.textAnchor = "middle";
    [[yr[1], box.y0 + 10], [yr[0], box.y1 - 2]].forEach(function (p) {
      var t = CL.svg("text", {x: box.x0 - 4, y: p[1]}, svg, p[0]);
      t.style.textAnchor = "end";
    });
    var name = CL.svg("text", {x: 12, y: (box.y0 + box.y1) / 2, transform: "rotate(-90 12 " + (box.y0 + box.y1) / 2 + ")"}, svg, yname);
    name.style.textAnchor = "middle";
  }

  /* history: [{step, loss}] in the order trained. */
  CL.drawLoss = function (svg, history) {
    clear(svg);
    var width = Math.max(260, svg.parentNode.clientWidth - 2), box = frame(svg, width, 170);
    if (history.length < 2) {
      CL.svg("text", {x: 14, y: 90}, svg, history.length ? "Train more steps to draw the curve." :
             "Train to watch the loss fall: each step adds a point.");
      return;
    }
    var losses = history.map(function (h) { return h.loss; });
    var low = Math.min.apply(null, losses), high = Math.max.apply(null, losses);
    var log = low > 0 && high / low > 50;
    function f(v) { return log ? Math.log10(v) : v; }
    var lo = log ? f(low) : Math.min(0, low), hi = f(high) === lo ? lo + 1 : f(high);
    var s0 = history[0].step, s1 = history[history.length - 1].step;
    var points = history.map(function (h) {
      var x = box.x0 + (h.step - s0) / Math.max(1, s1 - s0) * (box.x1 - box.x0);
      var y = box.y1 - (f(h.loss) - lo) / (hi - lo) * (box.y1 - box.y0);
      return x.toFixed(1) + "," + y.toFixed(1);
    });
    CL.svg("polyline", {points: points.join(" "), "class": "curve"}, svg);
    axes(svg, box, [String(s0), String(s1)], [tick(log ? Math.pow(10, lo) : lo), tick(log ? Math.pow(10, hi) : hi)],
         "step" + (log ? "  (loss on a log scale)" : ""), "loss");
    svg.setAttribute("data-points", String(history.length));
  };

  function shade(v) {
    v = Math.max(0, Math.min(1, v));
    var end = v >= 0.5 ? ONE : ZERO, t = Math.abs(v - 0.5) * 2 * 0.6;   /* at most 60% colour: points stay visible */
    return end.map(function (c) { return Math.round(255 + (c - 255) * t); });
  }

  /* The 0.5 contour of a grid (row 0 at the top), by marching squares: a list of [x1, y1, x2, y2] in cells. */
  function contour(values, n) {
    var segments = [];
    function v(r, c) { return values[r * n + c] - 0.5; }
    function cross(a, b) { return a / (a - b); }
    for (var r = 0; r < n - 1; r++) {
      for (var c = 0; c < n - 1; c++) {
        var tl = v(r, c), tr = v(r, c + 1), bl = v(r + 1, c), br = v(r + 1, c + 1), pts = [];
        if ((tl > 0) !== (tr > 0)) { pts.push([c + cross(tl, tr), r]); }
        if ((tr > 0) !== (br > 0)) { pts.push([c + 1, r + cross(tr, br)]); }
        if ((br > 0) !== (bl > 0)) { pts.push([c + 1 - cross(br, bl), r + 1]); }
        if ((bl > 0) !== (tl > 0)) { pts.push([c, r + 1 - cross(bl, tl)]); }
        if (pts.length >= 2) { segments.push([pts[0][0], pts[0][1], pts[1][0], pts[1][1]]); }
        if (pts.length === 4) { segments.push([pts[2][0], pts[2][1], pts[3][0], pts[3][1]]); }
      }
    }
    return segments;
  }

  CL.drawData = function (canvas, svg, picture, example, onPick) {
    clear(svg);
    var width = Math.min(460, Math.max(260, svg.parentNode.parentNode.clientWidth - 2));   /* the panel's width */
    var height = picture.kind === "boundary" ? width - LEFT + TOP + BOTTOM : Math.round(width * 0.7);
    var box = frame(svg, width, height), xr = picture.x_range, yr = picture.y_range;
    function px(x) { return box.x0 + (x - xr[0]) / (xr[1] - xr[0]) * (box.x1 - box.x0); }
    function py(y) { return box.y1 - (y - yr[0]) / (yr[1] - yr[0]) * (box.y1 - box.y0); }
    var ratio = window.devicePixelRatio || 1, ctx = canvas.getContext("2d");
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    if (picture.kind === "boundary") {
      var n = Math.round(Math.sqrt(picture.values.length)), small = document.createElement("canvas");
      small.width = n;
      small.height = n;
      var sctx = small.getContext("2d"), image = sctx.createImageData(n, n);
      picture.values.forEach(function (v, k) {
        var rgb = shade(v);
        image.data[4 * k] = rgb[0]; image.data[4 * k + 1] = rgb[1]; image.data[4 * k + 2] = rgb[2]; image.data[4 * k + 3] = 255;
      });
      sctx.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      /* sample k sits at x_range[0] + k * step: the image's pixel centres, so it spans half a cell more each side */
      var cw = (box.x1 - box.x0) / (n - 1), ch = (box.y1 - box.y0) / (n - 1);
      ctx.drawImage(small, box.x0 - cw / 2, box.y0 - ch / 2, box.x1 - box.x0 + cw, box.y1 - box.y0 + ch);
      var d = contour(picture.values, n).map(function (s) {
        return "M" + (box.x0 + s[0] * cw).toFixed(1) + "," + (box.y0 + s[1] * ch).toFixed(1) +
               "L" + (box.x0 + s[2] * cw).toFixed(1) + "," + (box.y0 + s[3] * ch).toFixed(1);
      }).join("");
      if (d) { CL.svg("path", {d: d, "class": "contour"}, svg); }
      axes(svg, box, [tick(xr[0]), tick(xr[1])], [tick(yr[0]), tick(yr[1])], "x[0]", "x[1]");
    } else {
      var line = picture.xs.map(function (x, k) { return px(x).toFixed(1) + "," + py(picture.values[k]).toFixed(1); });
      CL.svg("polyline", {points: line.join(" "), "class": "fit"}, svg);
      axes(svg, box, [tick(xr[0]), tick(xr[1])], [tick(yr[0]), tick(yr[1])], "x", "y: data (dots), network (line)");
    }
    picture.X.forEach(function (x, k) {
      var target = picture.Y[k], out = picture.predictions[k], cx = px(x[0]);
      var cy = picture.kind === "boundary" ? py(x[1]) : py(target), shape;
      var miss = picture.kind === "boundary" && (out > 0.5) !== (target > 0.5);
      var cls = "pt " + (target > 0.5 || picture.kind !== "boundary" ? "c1" : "c0") + (miss ? " miss" : "");
      if (picture.kind === "boundary" && target <= 0.5) {
        shape = CL.svg("rect", {x: cx - 4.5, y: cy - 4.5, width: 9, height: 9, "class": cls}, svg);
      } else {
        shape = CL.svg("circle", {cx: cx, cy: cy, r: 5, "class": cls}, svg);
      }
      shape.setAttribute("data-example", String(k));
      shape.addEventListener("click", function () { onPick(k); });
      if (k === example) { CL.svg("circle", {cx: cx, cy: cy, r: 10, "class": "current"}, svg); }
    });
    svg.setAttribute("data-kind", picture.kind);
  };
})();
