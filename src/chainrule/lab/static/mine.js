/* chainrule lab --mine: the learner's own network beside chainrule's. The panel (how many of their values match,
   the first wrong one or why there are none, their code's failures one line each, the background chainrule
   check and its diagnosis, what their code printed), and the watcher that asks the server how that check is
   doing and whether the file was saved again. The values under chainrule's are drawn by tables.js and draw.js. */
(function () {
  "use strict";
  var CL = window.ChainruleLab = window.ChainruleLab || {};

  /* The learner's own values beside chainrule's: how many match, the first wrong one, or why there are none;
     what went wrong in their code (one line each); the background chainrule check and its diagnosis. */
  var PRINTED_SHOWN = 4000;
  function mineSummary(view, mine) {
    if (mine.unsupported) { return mine.unsupported; }
    var ids = Object.keys(mine.values);
    if (!ids.length) { return mine.stale || "Nothing of yours to show on this state: your code did not get that far."; }
    var counts = {same: 0, wrong: 0, missing: 0};
    ids.forEach(function (id) { counts[mine.values[id].status] += 1; });
    var first = mine.first_wrong ? view.items[mine.first_wrong] : null;
    return "On this state " + counts.same + " values match chainrule's, " + counts.wrong + " differ, " + counts.missing +
      " are not exposed by your class. " + (first ? "The first wrong value, in the order the step computes them: " +
      first.label + " (yours " + mine.values[first.id].text + ", chainrule " + first.text + ")." : "No value is wrong.");
  }
  function renderCheck(box, check, live) {
    box.textContent = "";
    if (!check) { return; }
    box.className = "check " + check.state + (check.passed === false ? " failed-check" : "");
    if (check.state === "running") {
      CL.el("p", {"class": "caption"}, box, live ? "chainrule check is running on your file in the background\u2026" :
            "chainrule check had not finished when this page was saved.");
      return;
    }
    if (check.state === "failed") {
      CL.el("p", {"class": "status error"}, box, "chainrule check could not finish: " + check.message);
      return;
    }
    var verdict = CL.el("p", {"class": "verdict"}, box);
    CL.el("b", {}, verdict, "chainrule check: ");
    verdict.appendChild(document.createTextNode(check.verdict + " (" + check.seconds.toFixed(1) + " s)"));
    var details = CL.el("details", {}, box), list;
    CL.el("summary", {}, details, "Every check (" + check.checks.length + ")");
    list = CL.el("ul", {"class": "checks"}, details);
    check.checks.forEach(function (c) {
      var li = CL.el("li", {"class": c[0].toLowerCase()}, list);
      CL.el("b", {}, li, c[0] + " ");
      li.appendChild(document.createTextNode(c[1] + ": " + c[2]));
    });
  }
  CL.renderMine = function (view) {
    var $ = function (id) { return document.getElementById(id); };
    var mine = view.mine, panel = $("mine-panel");
    panel.hidden = !mine;
    if (!mine) { return; }
    var summary = $("mine-summary");
    summary.textContent = "";
    CL.el("b", {}, summary, "Yours: " + mine.source + ". ");
    summary.appendChild(document.createTextNode(mineSummary(view, mine)));
    summary.className = mine.unsupported ? "unsupported" : "";
    var errors = $("mine-errors");
    errors.textContent = "";
    Object.keys(mine.errors).forEach(function (stage) {
      CL.el("p", {"class": "status error", "data-stage": stage}, errors, mine.errors[stage]);
    });
    $("mine-note").hidden = !mine.note;
    $("mine-note").textContent = mine.note || "";
    renderCheck($("mine-check"), mine.check, view.live);
    var box = $("diagnoses");
    box.textContent = "";
    mine.diagnoses.forEach(function (d) {
      var div = CL.el("div", {"class": "diagnosis", "data-kind": d.kind}, box);
      CL.el("h3", {}, div, d.title.charAt(0).toUpperCase() + d.title.slice(1));
      var kind = CL.el("p", {"class": "kind"}, div);
      CL.el("code", {}, kind, d.kind);
      if (mine.check && (mine.check.explained || []).indexOf(d.kind) >= 0) {
        kind.appendChild(document.createTextNode(" \u00b7 more: chainrule check --explain " + d.kind));
      }
      var where = d.line ? "line " + d.line + (d.source ? ": " + d.source : "") : "";
      function line(parent, label, text) {
        if (text) { var p = CL.el("p", {}, parent); CL.el("b", {}, p, label + ": "); p.appendChild(document.createTextNode(text)); }
      }
      line(div, "Where", where);
      line(div, "Why", d.cause);
      line(div, "Fix", d.advice);
      line(div, "Reread", d.reread);
      if (d.seen) {          /* the evidence is long: one click away */
        var seen = CL.el("details", {}, div);
        CL.el("summary", {}, seen, "What chainrule check measured");
        line(seen, "Seen", d.seen);
      }
    });
    var printed = $("mine-printed"), text = mine.printed || "";
    printed.hidden = !text;
    printed.querySelector("pre").textContent = text.length > PRINTED_SHOWN ?
      text.slice(0, PRINTED_SHOWN) + "\n\u2026 (" + (text.length - PRINTED_SHOWN) + " more characters)" : text;
  };

  /* A train answer carries chainrule's numbers only: until the page asks again, theirs are of other weights. */
  CL.staleMine = function (mine) {
    var copy = {};
    for (var k in mine) { copy[k] = mine[k]; }
    copy.values = {};
    copy.first_wrong = null;
    copy.errors = {};
    copy.stale = "Training: your values come back when training stops (they are computed on the weights you see then).";
    return copy;
  };

  /* Ask how the check is doing (every half second while it runs) and whether the file was saved again (when
     the page is looked at again: focus, or the tab shown); a saved file means the values are asked again.
     One question at a time; nothing is asked without --mine or on a saved page. */
  CL.mineWatcher = function (lab) {
    var timer = null, asking = false;
    function poll(delay) {
      if (!lab.live || !lab.enabled || timer !== null || asking) { return; }
      timer = setTimeout(function () {
        timer = null;
        asking = true;
        lab.api("/api/mine", {}).then(function (answer) {
          asking = false;
          var view = lab.view;
          if (answer.changed) { return lab.recompute(); }
          if (!view.mine || !answer.check) { return null; }
          var before = view.mine.check ? view.mine.check.state : null;
          view.mine.check = answer.check;
          if (answer.check.state === "done") { view.mine.diagnoses = answer.check.diagnoses; }
          if (before !== answer.check.state) { CL.renderMine(view); }
          if (answer.check.state === "running") { poll(500); }
          return null;
        }, function () { asking = false; });
      }, delay || 0);
    }
    window.addEventListener("focus", function () { if (lab.view.result) { poll(0); } });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && lab.view.result) { poll(0); }
    });
    return {poll: poll};
  };
})();
