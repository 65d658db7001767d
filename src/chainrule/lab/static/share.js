/* chainrule lab: share and keep. The link of a state (its fragment: anyone's lab opens it), and "Save as
   page": the engine renders one self-contained HTML file, which the browser downloads. */
(function () {
  "use strict";
  var CL = window.ChainruleLab = window.ChainruleLab || {};

  CL.copyLink = function (fragment, note) {
    var link = location.origin + location.pathname + "#" + fragment;   /* no token: it is this lab's only */
    note.textContent = "Open this state in any lab with: chainrule lab '" + link + "'";
    if (navigator.clipboard) {
      navigator.clipboard.writeText(link).then(function () { note.textContent = "Link copied. " + note.textContent; },
                                               function () { /* no clipboard: the link is shown to copy by hand */ });
    }
  };

  CL.savePage = function (token, body, note) {
    return fetch("/api/page", {method: "POST", headers: {"Content-Type": "application/json", "X-Chainrule-Token": token},
                               body: JSON.stringify(body)})
      .then(function (response) { if (!response.ok) { throw new Error(response.statusText); } return response.text(); })
      .then(function (page) {
        var url = URL.createObjectURL(new Blob([page], {type: "text/html"}));
        var a = CL.el("a", {href: url, download: "chainrule-lab.html"}, document.body);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
        note.textContent = "Saved chainrule-lab.html (in your downloads): it works without the lab.";
      }, function (error) { note.textContent = "Could not save: " + error.message; });
  };
})();
