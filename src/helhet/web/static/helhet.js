/* Helhet's own small script. Every page works without it; it only saves steps.
   - moves focus to the error summary after a refused submit, so screen readers announce it;
   - on the assessment form, shows the "why the wish is not followed" fields only when the assigned level
     differs from the person's wish, and the panels that belong to the chosen outcome.
   Hidden parts are never the only place a problem is shown: a part holding an error stays visible. */
(function () {
  "use strict";

  function hasError(element) {
    return element.querySelector(".field--error") !== null;
  }

  function setHidden(element, hidden) {
    element.classList.toggle("is-hidden", hidden && !hasError(element));
  }

  function focusErrorSummary() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) {
      summary.focus();
    }
  }

  function wishReason(form) {
    var wished = form.getAttribute("data-wished");
    var assigned = form.querySelector("select[name='assigned_level']");
    var reason = form.querySelector("[data-wish-reason]");
    if (!assigned || !reason) {
      return;
    }
    function update() {
      setHidden(reason, !wished || !assigned.value || assigned.value === wished);
    }
    assigned.addEventListener("change", update);
    update();
  }

  function outcomePanels(form) {
    var radios = form.querySelectorAll("input[name='outcome']");
    var panels = form.querySelectorAll("[data-show-for]");
    if (!radios.length || !panels.length) {
      return;
    }
    function update() {
      var chosen = form.querySelector("input[name='outcome']:checked");
      panels.forEach(function (panel) {
        var wanted = panel.getAttribute("data-show-for").split(" ");
        setHidden(panel, chosen !== null && wanted.indexOf(chosen.value) === -1);
      });
    }
    radios.forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    document.querySelectorAll("form[data-wished]").forEach(function (form) {
      wishReason(form);
      outcomePanels(form);
    });
  });
})();
