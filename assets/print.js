// Printing: Plotly draws a chart at the window's width, which from a wide window is wider than an
// A4 page; each chart is scaled to the page as printing starts (assets/scorecard.css, print).
// Scaled once per printing: Plotly redraws a chart to fill its scaled box, so measuring again
// while printing would shrink it again.
(function () {
  var PAGE_WIDTH = 1040; // CSS px across A4 landscape inside its 10 mm margins (277 mm)
  var fitted = false;

  function fit() {
    if (fitted) return;
    fitted = true;
    document.querySelectorAll(".js-plotly-plot").forEach(function (chart) {
      var svg = chart.querySelector(".main-svg");
      var width = svg ? Number(svg.getAttribute("width")) : 0;
      chart.style.setProperty("--print-zoom", width > PAGE_WIDTH ? String(PAGE_WIDTH / width) : "1");
    });
  }

  function unfit() {
    fitted = false;
    document.querySelectorAll(".js-plotly-plot").forEach(function (chart) {
      chart.style.removeProperty("--print-zoom");
    });
  }

  window.addEventListener("beforeprint", fit);
  window.addEventListener("afterprint", unfit);
  var printing = window.matchMedia && window.matchMedia("print");
  if (printing && printing.addEventListener) {
    printing.addEventListener("change", function (event) { if (event.matches) fit(); else unfit(); });
  }
})();
