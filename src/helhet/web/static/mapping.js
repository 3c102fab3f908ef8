/* Live score for the AUDIT and DUDIT forms. The page works without it: the server scores on save.
   The rules come from data attributes the server renders on [data-live-score]: data-max, data-items, and
   data-bands (a JSON list of {low, high, label} for this person), so no cut-off is written here.
   The words come from data-text-* attributes, already in the user's language. */
(function () {
  "use strict";

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function bandFor(bands, total) {
    for (var i = 0; i < bands.length; i += 1) {
      if (bands[i].low <= total && total <= bands[i].high) {
        return bands[i].label;
      }
    }
    return "";
  }

  function liveScore(items) {
    var form = items.closest("form");
    var output = form && form.querySelector("[data-score-output]");
    var text = output && output.querySelector("[data-score-text]");
    if (!output || !text) {
      return;
    }
    var bands = JSON.parse(items.getAttribute("data-bands") || "[]");
    var max = Number(items.getAttribute("data-max"));
    var count = Number(items.getAttribute("data-items"));

    function update() {
      var chosen = items.querySelectorAll("input[type='radio']:checked");
      var total = 0;
      chosen.forEach(function (radio) {
        total += Number(radio.value);
      });
      var missing = count - chosen.length;
      var parts = [fill(items.getAttribute("data-text-total"), { total: total, max: max, band: bandFor(bands, total) })];
      if (missing === 0) {
        parts.push(items.getAttribute("data-text-complete"));
      } else if (missing === 1) {
        parts.push(items.getAttribute("data-text-unanswered-one"));
      } else {
        parts.push(fill(items.getAttribute("data-text-unanswered-many"), { n: missing }));
      }
      text.textContent = parts.join(" ");
    }

    output.classList.remove("is-hidden");
    items.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live-score]").forEach(liveScore);
  });
})();
