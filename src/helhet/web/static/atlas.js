/* The atlas's charts. Each chart's figure comes as JSON in the data-figure attribute of the element it is drawn
   in, and is drawn with Plotly (served from the installed package, never a CDN). Without JavaScript the page
   keeps its text summaries and tables. */
(function () {
  "use strict";

  function draw(holder) {
    if (!window.Plotly) {
      return;
    }
    var figure = JSON.parse(holder.getAttribute("data-figure"));
    var fallback = holder.querySelector(".atlas-chart__fallback");
    if (fallback) {
      fallback.remove();
    }
    window.Plotly.newPlot(holder, figure.data, figure.layout, {
      displaylogo: false,
      displayModeBar: false,
      responsive: true
    });
  }

  function start() {
    document.querySelectorAll("[data-figure]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
