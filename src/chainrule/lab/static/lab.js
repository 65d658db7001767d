/* chainrule lab: the page's controller. It keeps the state the engine last returned, sends every change to
   the engine (POST /api/...), and draws the answer; it computes no number of the network itself. A saved page
   (mode "saved") carries one answer and steps through it without a server. */
(function () {
  "use strict";
  var CL = window.ChainruleLab;
  var config = JSON.parse(document.getElementById("lab-config").textContent);
  var live = config.mode === "live";
  var $ = function (id) { return document.getElementById(id); };
  var view = {result: null, items: {}, phases: [], phaseIndex: {}, phase: null, selected: null, mine: null, live: live};
  var history = [];                 /* the loss curve: [{step, loss}] */
  var sent = 0, applied = 0, inFlight = 0, running = false, training = false, pinned = null, shownIds = null;

  function setBusy(delta) {
    inFlight += delta;
    document.body.setAttribute("data-busy", String(inFlight > 0 || running || training));
  }
  function banner(text, isError) {
    var b = $("banner");
    b.hidden = !text;
    b.textContent = text || "";
    b.className = isError ? "error" : "";
  }
  function status(text, isError) { $("status").textContent = text; $("status").className = "status" + (isError ? " error" : ""); }

  function api(path, body) {
    return fetch(path, {method: "POST", headers: {"Content-Type": "application/json", "X-Chainrule-Token": config.token},
                        body: JSON.stringify(body)})
      .then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) { var e = new Error(answer.error ? answer.error.message : response.statusText); e.refused = true; throw e; }
          return answer;
        });
      });
  }

  /* Send a request; its answer is drawn (and returned) unless a later request's answer was drawn first. */
  function send(path, body) {
    var id = ++sent;
    setBusy(1);
    return api(path, body).then(function (result) {
      if (id < applied) { return null; }      /* a later request's answer is already drawn */
      applied = id;
      show(result);
      banner("");
      return result;
    }, function (error) {
      banner((error.refused ? "chainrule refused this: " : "The lab did not answer: ") + error.message, true);
      if (view.result) { render(); }     /* the controls go back to the state the engine holds */
      throw error;
    }).finally(function () { setBusy(-1); });
  }
  function quietly(promise) { return promise.catch(function () { return null; }); }
  function state() { return JSON.parse(JSON.stringify(view.result.state)); }

  function show(result) {
    view.result = result;
    view.items = {};
    result.items.forEach(function (item) { view.items[item.id] = item; });
    view.phases = result.phases;
    view.phaseIndex = {};
    result.phases.forEach(function (p, k) { view.phaseIndex[p.key] = k; });
    if (result.mine || !live) { view.mine = result.mine; }
    else if (view.mine) { view.mine = CL.staleMine(view.mine); }   /* a train answer: theirs are of the old weights */
    if (view.phase !== null && view.phase >= view.phases.length) { view.phase = null; }
    if (live) {
      try { window.history.replaceState(null, "", "?token=" + encodeURIComponent(config.token) + "#" + result.fragment); }
      catch (e) { /* some browsers refuse on file: pages */ }
    }
    render();
    document.body.setAttribute("data-ready", "true");
    document.body.setAttribute("data-steps", String(result.state.steps));
    if (result.mine && result.mine.check && result.mine.check.state === "running") { watcher.poll(500); }
  }

  /* --- the learner's file (--mine): mine.js asks about the background check and a file saved again --- */

  var watcher = CL.mineWatcher({live: live, enabled: !!config.mine, api: api, view: view,
                                recompute: function () { return quietly(send("/api/compute", {state: state()})); }});

  /* --- drawing --- */

  function render() {
    var st = view.result.state;
    CL.drawNetwork($("net"), view);
    CL.drawTables($("tables-body"), view);
    CL.drawLoss($("loss-curve"), history);
    var picture = view.result.picture;
    $("data-panel").hidden = !picture;
    if (picture) {
      $("data-title").textContent = "Data: " + picture.title;
      $("data-about").textContent = picture.about;
      CL.drawData($("boundary"), $("data-plot"), picture, st.example, pick);
      $("data-summary").textContent = "Loss on all " + picture.X.length + " examples: " + picture.loss.toFixed(4) +
        " (chainrule's " + st.loss + " of the whole set)" + (picture.correct === null ? "" : " \u00b7 " +
        picture.correct + " of " + picture.X.length + " on the right side of 0.5") + " \u00b7 " + st.steps + " epochs trained.";
    }
    renderControls(st);
    renderCaption();
    CL.renderMine(view);
    refreshExplain();
  }

  function setIfIdle(input, value) { if (document.activeElement !== input) { input.value = value; input.removeAttribute("aria-invalid"); } }
  function renderControls(st) {
    setIfIdle($("lr"), String(st.learning_rate));
    setIfIdle($("layers"), st.layers.join(","));
    setIfIdle($("seed"), String(st.seed));
    setIfIdle($("batch"), String(st.batch));
    setIfIdle($("example"), String(st.example));
    $("loss").value = st.loss;
    $("data").value = st.data || "";
    $("batch-label").hidden = !st.data;
    var box = $("activations");
    if (box.getAttribute("data-n") !== String(st.activations.length)) {
      box.textContent = "";
      st.activations.forEach(function (name, l) {
        var label = CL.el("label", {title: "the activation of layer " + (l + 1)}, box, "Layer " + (l + 1) + " ");
        var select = CL.el("select", {"data-layer": String(l)}, label);
        config.choices.activations.forEach(function (a) { CL.el("option", {value: a}, select, a); });
        select.disabled = !live;
        select.addEventListener("change", function () {
          var s = state();
          s.activations[l] = select.value;
          quietly(send("/api/compute", {state: s}));
        });
      });
      box.setAttribute("data-n", String(st.activations.length));
    }
    box.querySelectorAll("select").forEach(function (select, l) { select.value = st.activations[l]; });
    var last = view.phase !== null && view.phase === view.phases.length - 1;
    $("phase-next").textContent = last ? (live ? "Apply the update \u25b6" : "Next phase \u25b6") : "Next phase \u25b6";
    $("phase-next").disabled = last && !live;
  }

  function renderCaption() {
    var caption = $("phase-caption");
    if (view.phase === null) {
      caption.textContent = "Every value of one training step is shown. Next phase \u25b6 walks through it phase by phase.";
      caption.style.color = "";
    } else {
      var p = view.phases[view.phase];
      caption.textContent = "Phase " + (view.phase + 1) + " of " + view.phases.length + ": " + p.title + ". " + p.about +
        (view.phase === view.phases.length - 1 && live ? " Next: apply the update and start again." : "");
      caption.style.color = CL.phaseColour(p.key);
    }
    document.body.setAttribute("data-phase", view.phase === null ? "all" : view.phases[view.phase].key);
  }

  function explainIds(node) {
    var target = node && node.closest ? node.closest("[data-ids],[data-id]") : null;
    if (!target || $("explain").contains(target)) { return null; }
    var ids = target.getAttribute("data-ids");
    return ids ? ids.split(" ") : [target.getAttribute("data-id")];
  }
  function showExplain(ids) {
    shownIds = ids;
    markSelected(ids ? ids[0] : null);
    if (ids) { CL.renderExplain($("explain"), view, ids, pinned !== null); }
  }
  /* The value whose formula is shown, marked where it is drawn (in place: a redraw would take the focus). */
  function markSelected(id) {
    view.selected = id;
    document.querySelectorAll(".selected").forEach(function (e) { e.classList.remove("selected"); });
    if (!id) { return; }
    document.querySelectorAll('#net g.value[data-id="' + CSS.escape(id) + '"] > rect, #tables-body td[data-id="' +
                              CSS.escape(id) + '"]').forEach(function (e) { e.classList.add("selected"); });
  }
  function refreshExplain() {
    if (!shownIds) { return; }
    if ($("explain").contains(document.activeElement) && document.activeElement.tagName === "INPUT") {
      shownIds.forEach(function (id) {   /* keep the input being typed in: refresh the formulas only */
        var line = $("explain").querySelector('[data-line="' + CSS.escape(id) + '"]');
        if (line && view.items[id]) { line.textContent = view.items[id].line; }
      });
      return;
    }
    showExplain(shownIds);
  }

  /* --- changing the state --- */

  function setValue(s, id, value) {
    var m = /^(W|b)(\d+)\[(\d+)(?:,(\d+))?\]$/.exec(id) || /^(x|target)\[(\d+)\]$/.exec(id);
    if (!m) { return false; }
    if (m[1] === "W") { s.weights[+m[2] - 1][+m[3]][+m[4]] = value; }
    else if (m[1] === "b") { s.biases[+m[2] - 1][+m[3]] = value; }
    else { s[m[1]][+m[2]] = value; }
    return true;
  }
  function parseNumber(text) { var t = text.trim(); return t === "" || !isFinite(Number(t)) ? null : Number(t); }
  function invalid(input, message) { input.setAttribute("aria-invalid", "true"); status(message, true); }

  document.addEventListener("input", function (event) {
    var input = event.target, id = input.getAttribute && input.getAttribute("data-id");
    if (!live || !id || input.tagName !== "INPUT") { return; }
    var value = parseNumber(input.value);
    if (value === null) { return invalid(input, "\u201c" + input.value + "\u201d is not a number"); }
    input.removeAttribute("aria-invalid");
    status("");
    stopRunning();
    var s = state();
    if (setValue(s, id, value)) { quietly(send("/api/compute", {state: s})); }
  });

  document.addEventListener("change", function (event) {   /* leaving a value: it reads as the others do */
    var input = event.target, id = input.getAttribute && input.getAttribute("data-id");
    if (id && view.items[id] && input.getAttribute("aria-invalid") !== "true" && Number(input.value) === view.items[id].value) {
      input.value = view.items[id].text;
    }
  });

  function numberSetting(id, key, integer) {
    $(id).addEventListener(key === "learning_rate" ? "input" : "change", function () {
      var input = $(id), value = parseNumber(input.value);
      if (value === null || (integer && Math.floor(value) !== value)) { return invalid(input, "\u201c" + input.value + "\u201d is not a " + (integer ? "whole number" : "number")); }
      stopRunning();
      var s = state();
      if (key === "seed") { return quietly(reshape({seed: value, new_weights: true})); }
      if (key === "example") { return quietly(reshape({example: value})); }
      s[key] = value;
      quietly(send("/api/compute", {state: s}));
    });
  }
  function reshape(change, resetHistory) {
    var body = {state: state()};
    for (var k in change) { body[k] = change[k]; }
    return send("/api/reshape", body).then(function (r) { if (r && resetHistory !== false) { history = []; render(); } return r; });
  }
  function pick(k) { if (live) { stopRunning(); quietly(reshape({example: k}, false)); } }

  /* --- stepping and training --- */

  function setPhase(phase) { view.phase = phase; render(); }
  function nextPhase() {
    if (view.phase === null) { return setPhase(0); }
    if (view.phase < view.phases.length - 1) { return setPhase(view.phase + 1); }
    if (live) { return train(1).then(function () { setPhase(0); }); }
  }
  function prevPhase() { setPhase(view.phase === null ? view.phases.length - 1 : Math.max(0, view.phase - 1)); }

  function updatesPerStep() {
    var st = view.result.state, picture = view.result.picture;
    return picture ? Math.ceil(picture.X.length / st.batch) : 1;
  }
  /* One request of ``steps`` steps; null when a later answer (an edit) superseded it. */
  function trainChunk(steps) {
    var before = view.result.state.steps;
    return send("/api/train", {state: state(), steps: steps}).then(function (result) {
      if (!result) { return null; }
      result.losses.forEach(function (loss, k) { history.push({step: before + k, loss: loss}); });
      if (result.note) { banner(result.note, true); stopRunning(); }
      CL.drawLoss($("loss-curve"), history);
      return result;
    });
  }
  /* Train ``total`` steps in pieces, redrawing between them. A new call (or stopRunning) ends the one
     before after its current piece; the new one starts when that piece is back. */
  var queue = Promise.resolve(), generation = 0;
  function train(total) {
    var mine = ++generation;
    queue = queue.then(function () { return trainNow(total, mine); });
    return queue;
  }
  function trainNow(total, mine) {
    if (mine !== generation) { return null; }
    training = true;
    view.phase = null;
    setBusy(0);
    var chunk = Math.max(1, Math.floor(1500 / updatesPerStep())), done = 0;
    function more() {
      if (done >= total || mine !== generation) { return null; }
      var n = Math.min(chunk, total - done);
      return trainChunk(n).then(function (result) {
        if (!result) { return null; }
        done += result.losses.length;
        status("Trained " + done + " of " + total + (view.result.picture ? " epochs" : " steps") + ": loss " +
               history[history.length - 1].loss.toFixed(4) + ".");
        return result.note || result.losses.length < n ? null : more();
      });
    }
    return more().catch(function () { return null; }).then(function () {
      training = false;
      setBusy(0);
      if (config.mine) { return quietly(send("/api/compute", {state: state()})); }   /* the learner's values, again */
    });
  }
  function stopRunning() {
    running = false;
    generation++;
    $("run").setAttribute("aria-pressed", "false");
    $("run").textContent = "\u25b6 Run";
    setBusy(0);
  }
  function run() {
    if (running) { return stopRunning(); }
    running = true;
    $("run").setAttribute("aria-pressed", "true");
    $("run").textContent = "\u275a\u275a Pause";
    setBusy(0);
    (function loop() {
      if (running) { train(Math.max(1, Math.floor(1500 / updatesPerStep()))).then(function () { if (running) { setTimeout(loop, 0); } }); }
    })();
  }

  /* --- wiring --- */

  function wire() {
    config.choices.losses.forEach(function (name) { CL.el("option", {value: name}, $("loss"), name); });
    CL.el("option", {value: ""}, $("data"), "one example (x, target)");
    config.choices.datasets.forEach(function (d) { CL.el("option", {value: d.name, title: d.about}, $("data"), d.title); });
    $("phase-next").addEventListener("click", nextPhase);
    $("phase-prev").addEventListener("click", prevPhase);
    $("phase-all").addEventListener("click", function () { setPhase(null); });
    if (!live) {
      ["lr", "loss", "layers", "seed", "new-weights", "data", "batch", "example"].forEach(function (id) { $(id).disabled = true; });
      return;
    }
    $("train-one").addEventListener("click", function () { stopRunning(); train(1); });
    $("train-n-go").addEventListener("click", function () {
      var n = parseNumber($("train-n").value);
      if (n === null || n < 1 || Math.floor(n) !== n) { return invalid($("train-n"), "N must be a whole number of steps"); }
      stopRunning();
      train(n);
    });
    $("run").addEventListener("click", run);
    $("loss").addEventListener("change", function () { var s = state(); s.loss = $("loss").value; quietly(send("/api/compute", {state: s})); });
    $("layers").addEventListener("change", function () {
      var sizes = $("layers").value.split(",").map(function (t) { return parseNumber(t); });
      if (sizes.some(function (n) { return n === null; })) { return invalid($("layers"), "layers are whole numbers such as 2,3,1"); }
      stopRunning();
      quietly(reshape({layers: sizes}));
    });
    $("data").addEventListener("change", function () { stopRunning(); quietly(reshape({data: $("data").value || null})); });
    $("new-weights").addEventListener("click", function () { stopRunning(); quietly(reshape({seed: view.result.state.seed + 1, new_weights: true})); });
    numberSetting("lr", "learning_rate", false);
    numberSetting("seed", "seed", true);
    numberSetting("batch", "batch", true);
    numberSetting("example", "example", true);
    $("copy-link").addEventListener("click", function () { CL.copyLink(view.result.fragment, $("share-note")); });
    $("save-page").addEventListener("click", function () {
      setBusy(1);
      CL.savePage(config.token, {state: state(), losses: history.map(function (h) { return h.loss; })}, $("share-note"))
        .finally(function () { setBusy(-1); });
    });
  }

  document.addEventListener("mouseover", function (event) {
    if (pinned === null && view.result) { var ids = explainIds(event.target); if (ids) { showExplain(ids); } }
  });
  document.addEventListener("focusin", function (event) { var ids = explainIds(event.target); if (ids && view.result) { showExplain(ids); } });
  document.addEventListener("click", function (event) {
    if (!view.result || $("explain").contains(event.target)) { return; }
    var ids = explainIds(event.target);
    if (ids) { pinned = ids; showExplain(ids); }
    else if (pinned && !event.target.closest("button,input,select,label,a")) { pinned = null; showExplain(shownIds); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { pinned = null; if (shownIds) { showExplain(shownIds); } return; }
    var tag = event.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if ((event.key === "Enter" || event.key === " ") && event.target.getAttribute && event.target.getAttribute("data-id") &&
        event.target.tagName !== "BUTTON") {
      event.preventDefault(); pinned = explainIds(event.target); showExplain(pinned); return;
    }
    var actions = {ArrowRight: nextPhase, ArrowLeft: prevPhase, a: function () { setPhase(null); },
                   t: function () { if (live) { stopRunning(); train(1); } }, r: function () { if (live) { run(); } }};
    if (actions[event.key]) { event.preventDefault(); actions[event.key](); }
  });
  var resizeTimer = null;
  window.addEventListener("resize", function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(function () { if (view.result) { render(); } }, 120); });

  window.chainruleLab = {view: view, history: function () { return history; }, send: send, train: train, setPhase: setPhase,
                         nextPhase: nextPhase, config: config};
  wire();
  if (live) {
    send("/api/compute", {fragment: location.hash.replace(/^#/, "")}).catch(function (error) {
      return quietly(send("/api/compute", {fragment: ""})).then(function () {   /* the guide's network instead */
        banner("chainrule refused this link: " + error.message + ". Here is the guide's network instead.", true);
      });
    });
  } else {
    document.body.classList.add("saved");
    history = config.snapshot.losses.map(function (loss, k) { return {step: k, loss: loss}; });
    show(config.snapshot.result);
    banner("A saved page of chainrule lab: every value of one training step, with its formula. Hover or tap any " +
           "value, step through the phases. To change it, open it in the lab: chainrule lab '#" +
           config.snapshot.result.fragment + "'", false);
  }
})();
