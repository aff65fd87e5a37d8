// Projector mode (layouts/projector.py): every slide of the board deck is in the page, and the
// keys and the controls show them one at a time here in the browser, with no round trip to the
// server; the address keeps step (slide=N), so a reload or a copied link opens the same slide.
(function () {
  var NEXT = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 };

  function slides() {
    return Array.prototype.slice.call(document.querySelectorAll("#deck .slide"));
  }

  function showing(list) {
    for (var i = 0; i < list.length; i++) if (!list[i].hidden) return i + 1;
    return 1;
  }

  function address(number) {
    var url = new URL(window.location.href);
    url.searchParams.set("slide", String(number));
    return url.pathname + url.search;
  }

  function show(number) {
    var list = slides();
    if (!list.length) return;
    number = Math.max(1, Math.min(list.length, number));
    var now = showing(list);
    if (number === now) return;
    list[now - 1].hidden = true;
    list[number - 1].hidden = false;
    document.getElementById("deck-position").textContent = "Slide " + number + " of " + list.length;
    document.getElementById("deck-announce").textContent =
      "Slide " + number + " of " + list.length + ": " + list[number - 1].getAttribute("data-title");
    document.getElementById("deck-previous").setAttribute("href", address(Math.max(1, number - 1)));
    document.getElementById("deck-next").setAttribute("href", address(Math.min(list.length, number + 1)));
    // replaceState, not pushState: Back leaves the deck rather than stepping through every slide,
    // and Dash is not told, so it does not draw the page again.
    window.history.replaceState(window.history.state, "", address(number));
  }

  document.addEventListener("keydown", function (event) {
    if (!document.getElementById("deck")) return;
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || tag === "button") return;
    var list = slides();
    var step = NEXT[event.key];
    if (event.key === " " && event.shiftKey) step = -1;
    if (step) {
      event.preventDefault();
      show(showing(list) + step);
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      show(event.key === "Home" ? 1 : list.length);
    } else if (event.key === "Escape") {
      var leave = document.getElementById("deck-leave");
      if (leave) {
        event.preventDefault();
        leave.click();
      }
    }
  });

  document.addEventListener("click", function (event) {
    var control = event.target.closest && event.target.closest("#deck [data-step]");
    if (!control || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    show(showing(slides()) + Number(control.getAttribute("data-step")));
  });
})();
